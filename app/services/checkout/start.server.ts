/**
 * Starting a checkout: the clinic pays once for the exact cart version it reviewed.
 *
 * - One payment per reviewed cart: a checkout is keyed by (cart id, cart version), a unique
 *   row, and its payment's idempotency key is derived from the same pair. The cart row is
 *   locked (`select … for update`) first, so a double-submitted checkout waits for the first
 *   and then answers with it.
 * - What is paid for is validated inside the same transaction, and its stock reserved
 *   (stock.server.ts); a checkout that loses a stock race is rolled back and validated again,
 *   so the clinic gets the `pharmacy.stock` finding with an alternative.
 * - Invoice: confirmed and split before `checkoutCart` returns. Stripe: the payment page is
 *   created after the transaction commits (payment.server.ts); orders follow the webhook.
 */
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import { audit } from '../audit/audit.server';
import { findOpenCart, lockCart, setCartStatus } from '../cart/store.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { actingPrincipal } from '../identity/acting-user.server';
import { requirePermission } from '../identity/permissions';
import { now } from '../platform/clock.server';
import { DomainError, conflict, notFound } from '../platform/errors';
import { getPaymentProvider, openCharge, transferGroupOf, type PaymentProvider } from '../payments/index.server';
import { toPublicFinding, validateClinicCartIn, type ClinicCartValidation } from '../validation/validation.server';
import { CHECKOUT_TTL_MS, type CheckoutOutcome, type CheckoutPlan, type Tx } from './model';
import { scheduleExpiry } from './expiry.server';
import { ensureExternalPayment, paymentRequest } from './payment.server';
import { buildPlan } from './plan.server';
import { markPaid, splitInTx } from './split.server';
import { reserveStock } from './stock.server';
import { checkoutView } from './views.server';

/** Attempts of a checkout that lost a stock race before it reports the race as a finding. */
const STOCK_ATTEMPTS = 3;

class StockRace extends Error {
  constructor(readonly offerIds: string[]) {
    super('stock reservation lost a race');
  }
}

const idempotencyKeyOf = (cartId: string, version: number) => `checkout:${cartId}:v${version}`;

/**
 * Checks out the clinic's current cart at `version` (the version the clinic reviewed).
 * 409 when the cart changed since (revalidate and show it again) or a checkout of another
 * version is in progress; 422 listing the findings when a line has an error or an
 * unacknowledged warning. Invoice: confirmed and split before this returns. Stripe: the
 * answer carries the hosted payment page's URL; orders follow the webhook.
 * Calling it again for the same cart version returns the first answer, never a second payment.
 */
export async function checkoutCart(caller: Principal, input: { version: number; cartId?: string; actingUserId?: string | undefined }): Promise<CheckoutOutcome> {
  const db = getDb();
  const clinicId = clinicScope(caller);
  // Who pays is the role table's to say; a key pays only in a named user's name (docs/roles.md).
  const principal = await actingPrincipal(db, caller, input.actingUserId);
  requirePermission(principal, 'cart.checkout');
  const cartId = input.cartId ?? (await findOpenCart(db, clinicId))?.id;
  if (!cartId) throw conflict('There is no cart to check out.', { reason: 'no_cart' });
  const provider = getPaymentProvider();

  for (let attempt = 1; ; attempt++) {
    try {
      const started = await db
        .transaction()
        .execute((tx) => startCheckout(tx, principal, clinicId, cartId, input.version, provider, { lastAttempt: attempt === STOCK_ATTEMPTS, cartNamed: input.cartId !== undefined }));
      if ('replay' in started) {
        await ensureExternalPayment(started.replay);
        return { checkout: await checkoutView(db, clinicId, started.replay), replayed: true };
      }
      await ensureExternalPayment(started.checkoutId);
      return { checkout: await checkoutView(db, clinicId, started.checkoutId), replayed: false };
    } catch (error) {
      if (error instanceof StockRace && attempt < STOCK_ATTEMPTS) continue;
      if (isUniqueViolation(error, 'checkouts_cart_id_cart_version_key') || isUniqueViolation(error, 'checkouts_idempotency_key_key')) {
        // A concurrent request for this cart version committed first: answer with its checkout.
        continue;
      }
      throw error;
    }
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505' && (error as { constraint?: string }).constraint === constraint;
}

async function startCheckout(
  tx: Tx,
  principal: Principal,
  clinicId: string,
  cartId: string,
  version: number,
  provider: PaymentProvider,
  options: { lastAttempt: boolean; cartNamed: boolean },
): Promise<{ checkoutId: string } | { replay: string }> {
  const { lastAttempt } = options;
  const cart = await lockCart(tx, clinicId, cartId);
  if (!cart) throw notFound('Cart');

  const existing = await tx.selectFrom('checkouts').select(['id']).where('cartId', '=', cart.id).where('cartVersion', '=', version).executeTakeFirst();
  if (existing) return { replay: existing.id };
  if (!options.cartNamed && cart.version !== version) {
    // "The current cart" moves on once a checkout splits it: a double submit that arrives after
    // the first one finished names the version of the cart that was just paid for.
    const last = await tx.selectFrom('checkouts').select(['id', 'cartVersion']).where('clinicId', '=', clinicId).orderBy('createdAt', 'desc').limit(1).executeTakeFirst();
    if (last && last.cartVersion === version) return { replay: last.id };
  }
  if (cart.status === 'checked_out' || cart.status === 'abandoned') {
    throw conflict('This cart has already been checked out.', { reason: 'checked_out', cartId: cart.id });
  }
  if (cart.status === 'checking_out') {
    const active = await tx.selectFrom('checkouts').select(['id', 'cartVersion', 'status']).where('cartId', '=', cart.id).orderBy('createdAt', 'desc').limit(1).executeTakeFirst();
    // A bank payment on its way can be neither cancelled nor paid again: it may still go through.
    const message =
      active?.status === 'processing'
        ? 'A bank payment for this cart is processing: it cannot be paid again until the bank has answered.'
        : 'A payment for this cart is already in progress. Finish or cancel it first.';
    throw conflict(message, { reason: 'checkout_in_progress', checkoutId: active?.id ?? null, checkoutStatus: active?.status ?? null });
  }
  if (cart.name !== null) throw conflict('Only the refill-day cart can be checked out.', { reason: 'named_cart' });
  if (cart.version !== version) {
    throw conflict('The cart changed since you reviewed it. Review it again before paying.', {
      reason: 'stale_version',
      cartId: cart.id,
      currentVersion: cart.version,
      yourVersion: version,
    });
  }

  // Authoritative validation, inside this transaction, of exactly what is about to be paid for.
  const validation = await validateClinicCartIn(tx, principal, { cartId: cart.id });
  if (validation.lines.length === 0) throw new DomainError('unprocessable', 'The cart is empty: add lines before paying.', undefined, { reason: 'empty_cart' });
  if (validation.blockingCount > 0 || validation.warningCount > 0) throw findingsError(validation);

  const plan = await buildPlan(tx, principal, clinicId, cart.id);
  const at = now();
  const expiresAt = provider.external ? new Date(at.getTime() + CHECKOUT_TTL_MS) : null;
  const checkout = await tx
    .insertInto('checkouts')
    .values({
      clinicId,
      cartId: cart.id,
      cartVersion: version,
      status: 'pending',
      provider: provider.name,
      idempotencyKey: idempotencyKeyOf(cart.id, version),
      amountCents: plan.totalCents,
      createdBy: userIdOf(principal),
      createdAt: at,
      expiresAt,
      // The split reads the plan later only when the payment is confirmed later; an invoice
      // splits in this transaction from the plan in memory, and its order lines keep every figure.
      plan: provider.external ? json(plan) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const reserved = await reserveStock(tx, checkout.id, plan.lines);
  if (!reserved.ok) {
    if (!lastAttempt) throw new StockRace(reserved.short);
    // Three races in a row: say which offer, in the shape validation uses.
    throw raceError(validation, plan, reserved.short);
  }

  const payment = await tx
    .insertInto('payments')
    .values({
      clinicId,
      checkoutId: checkout.id,
      provider: provider.name,
      status: 'pending',
      amountCents: plan.totalCents,
      transferGroup: provider.name === 'stripe' ? transferGroupOf(checkout.id) : null,
      createdAt: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await openCharge(tx, { checkoutId: checkout.id, paymentId: payment.id, clinicId, provider: provider.name, amountCents: plan.totalCents });
  await setCartStatus(tx, cart.id, 'checking_out', at);
  await audit(tx, principal, {
    action: 'checkout.started',
    subjectType: 'checkout',
    subjectId: checkout.id,
    clinicId,
    detail: {
      cartId: cart.id,
      cartVersion: version,
      amountCents: plan.totalCents,
      provider: provider.name,
      lines: plan.lines.length,
      pharmacies: new Set(plan.lines.map((l) => l.pharmacyId)).size,
      acknowledgedWarnings: acknowledgedWarnings(validation),
    },
  });

  if (provider.external) {
    await scheduleExpiry(tx, checkout.id, expiresAt!);
  } else {
    const request = await paymentRequest(tx, checkout.id, plan);
    const started = await provider.start(tx, request);
    if (started.kind !== 'confirmed') throw new Error(`provider ${provider.name} did not confirm at once`);
    await tx
      .updateTable('payments')
      .set({ invoiceNumber: started.invoiceNumber, dueOn: started.dueOn })
      .where('checkoutId', '=', checkout.id)
      .execute();
    await markPaid(tx, checkout.id, { confirmedBy: principal });
    await splitInTx(tx, checkout.id, plan);
  }
  return { checkoutId: checkout.id };
}

/** The 422 of a cart that still has errors or unacknowledged warnings, listing them by line. */
function findingsError(validation: ClinicCartValidation): DomainError {
  const findings = validation.lines.flatMap((line) =>
    line.findings
      .filter((f) => f.severity === 'error' || (f.severity === 'warning' && !f.acknowledged))
      .map((f) => ({ lineId: line.lineId, lineNumber: line.index + 1, ...toPublicFinding(f) })),
  );
  const parts = [];
  if (validation.blockingCount > 0) parts.push(`${validation.blockingCount} blocking finding${validation.blockingCount === 1 ? '' : 's'}`);
  if (validation.warningCount > 0) parts.push(`${validation.warningCount} unacknowledged warning${validation.warningCount === 1 ? '' : 's'}`);
  return new DomainError('unprocessable', `The cart cannot be paid for yet: ${parts.join(' and ')}.`, undefined, {
    reason: 'findings',
    blockingCount: validation.blockingCount,
    warningCount: validation.warningCount,
    findings,
  });
}

/** Should validation itself keep losing the race, the shortfall is reported as a stock finding. */
function raceError(validation: ClinicCartValidation, plan: CheckoutPlan, offerIds: string[]): DomainError {
  const short = new Set(offerIds);
  const findings = plan.lines
    .filter((l) => short.has(l.offerId))
    .map((l) => ({
      lineId: l.cartLineId,
      lineNumber: plan.lines.indexOf(l) + 1,
      rule: 'pharmacy.stock' as const,
      severity: 'error' as const,
      message: 'Another clinic has just reserved the last vials of this offer.',
      hint: 'Review the cart again: it will suggest a pharmacy that has it in stock.',
      acknowledged: false,
    }));
  return new DomainError('unprocessable', 'The cart cannot be paid for yet: stock ran out while paying.', undefined, {
    reason: 'findings',
    blockingCount: findings.length,
    warningCount: validation.warningCount,
    findings,
  });
}

function acknowledgedWarnings(validation: ClinicCartValidation) {
  return validation.lines.flatMap((line) =>
    line.acknowledgements.map((a) => ({ lineId: line.lineId, rule: a.rule, by: a.userName, userId: a.userId, at: a.at })),
  );
}

