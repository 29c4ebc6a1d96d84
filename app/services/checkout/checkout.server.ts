/**
 * Checkout: the clinic pays once for the exact cart version it reviewed, stock is reserved,
 * and on confirmation the cart becomes one order per pharmacy (DESIGN.md data flow 5).
 *
 * Invariants and how they hold:
 * - One payment per reviewed cart: a checkout is keyed by (cart id, cart version), a unique
 *   row, and its payment's idempotency key is derived from the same pair. The cart row is
 *   locked (`select … for update`) first, so a double-submitted checkout waits for the first
 *   and then answers with it.
 * - Stock never goes negative: reservations are conditional updates
 *   (`reserved + q` only where `stock_on_hand - reserved >= q`) on offers locked in id order
 *   (no deadlock between two checkouts); a checkout that loses a race is rolled back and
 *   validated again, so the clinic gets the `pharmacy.stock` finding with an alternative.
 * - Σ orders = amount charged: the priced cart is stored with the checkout (`plan`) and the
 *   split builds orders from it, never from a fresh pricing.
 * - One split: `splitCheckout` locks the checkout and does nothing once it is `split`;
 *   `orders (checkout_id, pharmacy_id)` is unique as the backstop.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database } from '../../../db/schema';
import type { PricedCart, PricedLine, PricedShipment } from '~/lib/pricing';
import { priceCart } from '~/lib/pricing';
import { daysSupply, parseSig } from '../../../validators/sig';
import { packageSizeFromDescription } from '../../lib/package-size';
import { getEnv } from '../../env.server';
import { audit } from '../audit/audit.server';
import { cartPricingInput } from '../cart/cart.server';
import { now, today } from '../platform/clock.server';
import { DomainError, conflict, notFound } from '../platform/errors';
import { enqueue, registerTasks } from '../platform/jobs.server';
import { getPaymentProvider, transferGroupOf, type PaymentPart, type PaymentProvider, type PaymentRequest } from '../payments/index.server';
import { getStripe, isPermanentStripeError, stripeProvider } from '../payments/stripe.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { enqueueOrderDelivery } from '../orders/routing.server';
import { toPublicFinding, validateClinicCart, type ClinicCartValidation } from '../validation/validation.server';

type Db = Kysely<Database>;
type Tx = Transaction<Database>;

/** How long an unpaid Stripe checkout holds its stock (Stripe allows 30 minutes to 24 hours). */
export const CHECKOUT_TTL_MS = 60 * 60_000;
/** The expiry job runs this long after the session's own expiry, so Stripe's event usually wins. */
const EXPIRY_GRACE_MS = 5 * 60_000;
/** Attempts of a checkout that lost a stock race before it reports the race as a finding. */
const STOCK_ATTEMPTS = 3;

const SYSTEM = { actorType: 'system' as const, actorLabel: 'vialcart checkout' };

/** One line of the plan: its exact price share and what the split snapshots. */
export type PlanLine = PricedLine & {
  cartLineId: string;
  patientId: string;
  offerId: string;
  medicationId: string;
  prescriberId: string;
  prescriptionId: string | null;
  sig: string;
  shipTo: 'clinic' | 'owner';
  shipState: string;
  source: string;
};

/** The priced cart as charged, stored on the checkout; the split reads nothing else for money. */
export type CheckoutPlan = {
  lines: PlanLine[];
  shipments: PricedShipment[];
  totalCents: number;
  platformFeePerVialCents: number;
};

/** One pharmacy's order as checkout shows it. */
export type OrderSummary = {
  id: string;
  pharmacyId: string;
  pharmacyName: string;
  status: string;
  lineCount: number;
  vials: number;
  subtotalCents: number;
  shippingCents: number;
  feesCents: number;
  platformFeeCents: number;
  totalCents: number;
  /** What the pharmacy is owed: total less vialcart's platform fee. */
  payableCents: number;
};

/** A checkout as the API and the pages show it. */
export type CheckoutView = {
  id: string;
  cartId: string;
  cartVersion: number;
  status: 'pending' | 'awaiting_payment' | 'paid' | 'split' | 'expired' | 'failed';
  provider: 'stripe' | 'invoice';
  amountCents: number;
  createdAt: string;
  expiresAt: string | null;
  paidAt: string | null;
  failureReason: string | null;
  redirectUrl: string | null;
  invoiceNumber: string | null;
  dueOn: string | null;
  refundedCents: number;
  orders: OrderSummary[];
};

/** What `checkoutCart` answers: the checkout and, once split, its orders. `replayed` = an earlier request's answer. */
export type CheckoutOutcome = { checkout: CheckoutView; replayed: boolean };

class StockRace extends Error {
  constructor(readonly offerIds: string[]) {
    super('stock reservation lost a race');
  }
}

const idempotencyKeyOf = (cartId: string, version: number) => `checkout:${cartId}:v${version}`;

// ---------------------------------------------------------------------------------------------
// Starting a checkout

/**
 * Checks out the clinic's current cart at `version` (the version the clinic reviewed).
 * 409 when the cart changed since (revalidate and show it again) or a checkout of another
 * version is in progress; 422 listing the findings when a line has an error or an
 * unacknowledged warning. Invoice: confirmed and split before this returns. Stripe: the
 * answer carries the hosted payment page's URL; orders follow the webhook.
 * Calling it again for the same cart version returns the first answer, never a second payment.
 */
export async function checkoutCart(principal: Principal, input: { version: number; cartId?: string }): Promise<CheckoutOutcome> {
  const clinicId = clinicScope(principal);
  const cartId = input.cartId ?? (await currentCartId(getDb(), clinicId));
  if (!cartId) throw conflict('There is no cart to check out.', { reason: 'no_cart' });
  const provider = getPaymentProvider();

  for (let attempt = 1; ; attempt++) {
    try {
      const started = await getDb()
        .transaction()
        .execute((tx) => startCheckout(tx, principal, clinicId, cartId, input.version, provider, { lastAttempt: attempt === STOCK_ATTEMPTS, cartNamed: input.cartId !== undefined }));
      if ('replay' in started) {
        await ensureExternalPayment(started.replay);
        return { checkout: await checkoutView(getDb(), clinicId, started.replay), replayed: true };
      }
      await ensureExternalPayment(started.checkoutId);
      return { checkout: await checkoutView(getDb(), clinicId, started.checkoutId), replayed: false };
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

async function currentCartId(db: Db, clinicId: string): Promise<string | null> {
  const row = await db
    .selectFrom('carts')
    .select('id')
    .where('clinicId', '=', clinicId)
    .where('name', 'is', null)
    .where('status', 'in', ['open', 'checking_out'])
    .executeTakeFirst();
  return row?.id ?? null;
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
  const cart = await tx
    .selectFrom('carts')
    .select(['id', 'version', 'status', 'name'])
    .where('id', '=', cartId)
    .where('clinicId', '=', clinicId)
    .forUpdate()
    .executeTakeFirst();
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
    const active = await tx.selectFrom('checkouts').select(['id', 'cartVersion']).where('cartId', '=', cart.id).orderBy('createdAt', 'desc').limit(1).executeTakeFirst();
    throw conflict('A payment for this cart is already in progress. Finish or cancel it first.', {
      reason: 'checkout_in_progress',
      checkoutId: active?.id ?? null,
    });
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
  const validation = await validateClinicCart(principal, { tx, cartId: cart.id });
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

  await tx
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
    .execute();
  await tx.updateTable('carts').set({ status: 'checking_out', updatedAt: at }).where('id', '=', cart.id).execute();
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
    await enqueue(tx, 'checkout.expire', { checkoutId: checkout.id }, { runAt: new Date(expiresAt!.getTime() + EXPIRY_GRACE_MS), jobKey: `checkout.expire:${checkout.id}` });
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
      .filter((f) => f.severity === 'error' || !f.acknowledged)
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

/** Prices the cart once, with every line's snapshot fields, in cart order. */
async function buildPlan(tx: Tx, principal: Principal, clinicId: string, cartId: string): Promise<CheckoutPlan> {
  const [input, rows] = await Promise.all([
    cartPricingInput(principal, { tx }),
    tx
      .selectFrom('cartLines as l')
      .innerJoin('offers as o', 'o.id', 'l.offerId')
      .select(['l.id', 'l.patientId', 'l.offerId', 'o.medicationId', 'l.prescriberId', 'l.prescriptionId', 'l.sig', 'l.shipTo', 'l.shipState', 'l.source'])
      .where('l.cartId', '=', cartId)
      .where('l.clinicId', '=', clinicId)
      .where('l.removedAt', 'is', null)
      .execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  if (input.lines.length !== rows.length || input.lines.some((l) => !byId.has(l.id))) {
    throw new Error(`cart ${cartId}: the priced lines are not the cart's lines`);
  }
  const priced: PricedCart = priceCart(input);
  const lines = priced.lines.map((p): PlanLine => {
    const r = byId.get(p.id)!;
    return {
      ...p,
      cartLineId: r.id,
      patientId: r.patientId,
      offerId: r.offerId,
      medicationId: r.medicationId,
      prescriberId: r.prescriberId,
      prescriptionId: r.prescriptionId,
      sig: r.sig,
      shipTo: r.shipTo,
      shipState: r.shipState,
      source: r.source,
    };
  });
  return { lines, shipments: priced.shipments, totalCents: priced.totalCents, platformFeePerVialCents: input.platformFeePerVialCents };
}

/** Vials per offer, offers in id order (the lock order every checkout uses). */
function vialsByOffer(lines: readonly { offerId: string; quantity: number }[]): [string, number][] {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.offerId, (totals.get(l.offerId) ?? 0) + l.quantity);
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reserves the plan's vials: offers locked in id order, then one conditional update that only
 * takes what is free. Offers it could not serve are returned; the caller rolls back.
 */
async function reserveStock(tx: Tx, checkoutId: string, lines: readonly PlanLine[]): Promise<{ ok: true } | { ok: false; short: string[] }> {
  const wanted = vialsByOffer(lines);
  const ids = wanted.map(([id]) => id);
  const quantities = wanted.map(([, q]) => q);
  await sql`select id from offers where id = any(${ids}::uuid[]) order by id for update`.execute(tx);
  const updated = await sql<{ id: string }>`
    update offers o set reserved = o.reserved + w.qty, updated_at = now()
    from unnest(${ids}::uuid[], ${quantities}::int[]) as w(offer_id, qty)
    where o.id = w.offer_id and o.available and o.stock_on_hand - o.reserved >= w.qty
    returning o.id`.execute(tx);
  if (updated.rows.length !== ids.length) {
    const got = new Set(updated.rows.map((r) => r.id));
    return { ok: false, short: ids.filter((id) => !got.has(id)) };
  }
  await sql`insert into stock_reservations (checkout_id, offer_id, quantity)
            select ${checkoutId}::uuid, w.offer_id, w.qty from unnest(${ids}::uuid[], ${quantities}::int[]) as w(offer_id, qty)`.execute(tx);
  return { ok: true };
}

/** What a provider is asked to charge for a checkout. */
async function paymentRequest(db: Db, checkoutId: string, known?: CheckoutPlan): Promise<PaymentRequest> {
  const row = await db
    .selectFrom('checkouts as k')
    .innerJoin('clinics as c', 'c.id', 'k.clinicId')
    .select(['k.id', 'k.clinicId', 'k.cartId', 'k.cartVersion', 'k.amountCents', 'k.idempotencyKey', 'k.expiresAt', 'c.name', 'c.email', 'c.slug', 'c.stripeCustomerId', 'c.paymentTermsDays'])
    .select(known ? sql<unknown>`null`.as('plan') : 'k.plan')
    .where('k.id', '=', checkoutId)
    .executeTakeFirstOrThrow();
  const plan = known ?? (row.plan as CheckoutPlan);
  const parts = await pharmacyParts(db, plan);
  const appUrl = getEnv().APP_URL.replace(/\/$/, '');
  return {
    checkoutId: row.id,
    clinicId: row.clinicId,
    cartId: row.cartId,
    cartVersion: row.cartVersion,
    amountCents: row.amountCents,
    idempotencyKey: row.idempotencyKey,
    transferGroup: transferGroupOf(row.id),
    parts,
    clinic: { name: row.name, email: row.email, slug: row.slug, stripeCustomerId: row.stripeCustomerId, paymentTermsDays: row.paymentTermsDays },
    expiresAt: row.expiresAt ?? new Date(now().getTime() + CHECKOUT_TTL_MS),
    successUrl: `${appUrl}/checkouts/${row.id}?paid=1`,
    cancelUrl: `${appUrl}/checkouts/${row.id}?cancelled=1`,
  };
}

/** One part per pharmacy, in the order its first line appears in the cart. */
async function pharmacyParts(db: Db, plan: CheckoutPlan): Promise<PaymentPart[]> {
  const parts = new Map<string, PaymentPart>();
  for (const line of plan.lines) {
    let part = parts.get(line.pharmacyId);
    if (!part) parts.set(line.pharmacyId, (part = { pharmacyId: line.pharmacyId, pharmacyName: '', vials: 0, lineCount: 0, totalCents: 0 }));
    part.vials += line.quantity;
    part.lineCount += 1;
    part.totalCents += line.lineTotalCents;
  }
  if (parts.size === 0) return [];
  const names = await db.selectFrom('pharmacies').select(['id', 'name']).where('id', 'in', [...parts.keys()]).execute();
  for (const n of names) parts.get(n.id)!.pharmacyName = n.name;
  return [...parts.values()];
}

/**
 * Makes sure an external provider (Stripe) holds a payment for the checkout: creates the
 * Checkout Session with the checkout's idempotency key when none is recorded yet (the first
 * request, or a retry after the provider did not answer). A refusal that retrying cannot fix
 * ends the checkout and gives the cart back.
 */
async function ensureExternalPayment(checkoutId: string): Promise<void> {
  const db = getDb();
  const row = await db
    .selectFrom('checkouts as k')
    .innerJoin('payments as p', 'p.checkoutId', 'k.id')
    .select(['k.status', 'k.provider', 'p.stripeSessionId'])
    .where('k.id', '=', checkoutId)
    .executeTakeFirstOrThrow();
  if (row.provider !== 'stripe' || row.stripeSessionId || row.status !== 'pending') return;
  let started;
  try {
    started = await stripeProvider.start(db, await paymentRequest(db, checkoutId));
  } catch (error) {
    if (isPermanentStripeError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      await db.transaction().execute((tx) => releaseCheckout(tx, checkoutId, { status: 'failed', reason: `Stripe refused the payment: ${message}` }));
      throw new DomainError('unprocessable', `The payment could not be started: ${message}`, undefined, { reason: 'provider_refused' });
    }
    throw conflict('The payment provider did not answer. Your stock is held; try paying again in a moment.', { reason: 'provider_unavailable', checkoutId });
  }
  if (started.kind !== 'redirect') throw new Error('Stripe did not answer with a payment page');
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('payments')
      .set({ stripeSessionId: started.sessionId, redirectUrl: started.url })
      .where('checkoutId', '=', checkoutId)
      .where('stripeSessionId', 'is', null)
      .execute();
    await tx.updateTable('checkouts').set({ status: 'awaiting_payment' }).where('id', '=', checkoutId).where('status', '=', 'pending').execute();
  });
}

// ---------------------------------------------------------------------------------------------
// Confirmation and the split

/**
 * Records that a checkout's payment is confirmed (invoice at once; Stripe from its webhook).
 * Idempotent: a paid or split checkout stays as it is. Returns whether the checkout is now
 * waiting to be split.
 */
export async function markPaid(
  tx: Tx | Db,
  checkoutId: string,
  details: { confirmedBy?: Principal; sessionId?: string; paymentIntentId?: string | null; amountTotalCents?: number | null } = {},
): Promise<boolean> {
  const checkout = await tx.selectFrom('checkouts').select(['id', 'status', 'clinicId', 'amountCents', 'provider']).where('id', '=', checkoutId).forUpdate().executeTakeFirst();
  if (!checkout) return false;
  if (checkout.status === 'paid') return true;
  if (checkout.status === 'split') return false;
  const at = now();
  const lateAfter = checkout.status === 'expired' || checkout.status === 'failed' ? checkout.status : null;
  await tx.updateTable('checkouts').set({ status: 'paid', paidAt: at, failureReason: null }).where('id', '=', checkoutId).execute();
  await tx
    .updateTable('payments')
    .set({
      status: 'succeeded',
      confirmedAt: at,
      ...(details.paymentIntentId ? { stripePaymentIntentId: details.paymentIntentId } : {}),
    })
    .where('checkoutId', '=', checkoutId)
    .execute();
  if (details.sessionId) {
    await tx.updateTable('payments').set({ stripeSessionId: details.sessionId }).where('checkoutId', '=', checkoutId).where('stripeSessionId', 'is', null).execute();
  }
  const mismatch = details.amountTotalCents != null && details.amountTotalCents !== checkout.amountCents;
  await audit(tx, details.confirmedBy ?? SYSTEM, {
    action: 'payment.confirmed',
    subjectType: 'checkout',
    subjectId: checkoutId,
    clinicId: checkout.clinicId,
    detail: {
      provider: checkout.provider,
      amountCents: checkout.amountCents,
      ...(details.paymentIntentId ? { paymentIntentId: details.paymentIntentId } : {}),
      ...(mismatch ? { amountChargedCents: details.amountTotalCents, mismatch: true } : {}),
      ...(lateAfter ? { confirmedAfter: lateAfter } : {}),
    },
  });
  return true;
}

/**
 * Splits a paid checkout into one order per pharmacy, in one transaction: snapshot order lines,
 * reservations committed, refills counted, each order's delivery enqueued, a fresh open cart.
 * Idempotent: a split checkout answers `created: false`. Throws for an unpaid checkout.
 */
export async function splitCheckout(checkoutId: string): Promise<{ created: boolean; orderIds: string[] }> {
  return getDb().transaction().execute((tx) => splitInTx(tx, checkoutId));
}

/** `known`: the plan the caller holds in memory (the checkout just made it), to spare reading it back. */
async function splitInTx(tx: Tx, checkoutId: string, known?: CheckoutPlan): Promise<{ created: boolean; orderIds: string[] }> {
  const checkout = await tx
    .selectFrom('checkouts')
    .select(['id', 'clinicId', 'cartId', 'cartVersion', 'status', 'createdBy', 'amountCents', 'provider'])
    .select(known ? sql<unknown>`null`.as('plan') : 'plan')
    .where('id', '=', checkoutId)
    .forUpdate()
    .executeTakeFirst();
  if (!checkout) throw notFound('Checkout');
  if (checkout.status === 'split') {
    const orders = await tx.selectFrom('orders').select('id').where('checkoutId', '=', checkoutId).execute();
    return { created: false, orderIds: orders.map((o) => o.id) };
  }
  if (checkout.status !== 'paid') throw conflict(`Checkout ${checkoutId} is ${checkout.status}, not paid: it cannot be split.`);
  const plan = known ?? (checkout.plan as CheckoutPlan);
  const at = now();
  const filledOn = today();
  const snapshot = await loadSnapshots(tx, checkout.clinicId, plan);

  // One order per pharmacy, in the order the pharmacy first appears in the cart.
  type Group = { pharmacyId: string; lines: PlanLine[]; subtotal: number; shipping: number; fees: number; platform: number; total: number };
  const groups = new Map<string, Group>();
  for (const line of plan.lines) {
    let g = groups.get(line.pharmacyId);
    if (!g) groups.set(line.pharmacyId, (g = { pharmacyId: line.pharmacyId, lines: [], subtotal: 0, shipping: 0, fees: 0, platform: 0, total: 0 }));
    g.lines.push(line);
    g.subtotal += line.unitPriceCents * line.quantity;
    g.shipping += line.shippingShareCents;
    g.fees += line.feeShareCents;
    g.platform += line.platformFeeCents;
    g.total += line.lineTotalCents;
  }
  const sum = [...groups.values()].reduce((s, g) => s + g.total, 0);
  if (sum !== checkout.amountCents) throw new Error(`checkout ${checkoutId}: orders would total ${sum}, the charge was ${checkout.amountCents}`);

  const orders = await tx
    .insertInto('orders')
    .values(
      [...groups.values()].map((g) => ({
        clinicId: checkout.clinicId,
        checkoutId,
        pharmacyId: g.pharmacyId,
        status: 'pending_delivery' as const,
        subtotalCents: g.subtotal,
        shippingCents: g.shipping,
        feesCents: g.fees,
        platformFeeCents: g.platform,
        totalCents: g.total,
        createdAt: at,
        updatedAt: at,
      })),
    )
    .returning(['id', 'pharmacyId'])
    .execute();
  const orderOf = new Map(orders.map((o) => [o.pharmacyId, o.id]));

  // A refill day repeats the same few SIGs: parse each text once.
  const parsedSigs = new Map<string, ReturnType<typeof parseSig>>();
  const lineRows = plan.lines.map((l) => {
    let parsed = parsedSigs.get(l.sig);
    if (!parsed) parsedSigs.set(l.sig, (parsed = parseSig(l.sig)));
    const packageSize = snapshot.packageSize(l.offerId);
    const supply = daysSupply(parsed, l.quantity, packageSize ?? 1);
    return {
      orderId: orderOf.get(l.pharmacyId)!,
      clinicId: checkout.clinicId,
      cartLineId: l.cartLineId,
      patientId: l.patientId,
      prescriptionId: l.prescriptionId,
      offerId: l.offerId,
      medicationId: l.medicationId,
      prescriberId: l.prescriberId,
      quantity: l.quantity,
      sig: l.sig,
      sigParsed: parsed,
      shipTo: l.shipTo,
      shipState: l.shipState,
      unitPriceCents: l.unitPriceCents,
      lineTotalCents: l.lineTotalCents,
      landedCostCents: l.landedCostPerVialCents,
      snapshot: snapshot.of(l),
      filledOn,
      daysSupply: packageSize && supply !== undefined ? Math.max(1, Math.round(supply)) : null,
    };
  });
  // One JSON parameter for all lines: binding 20 parameters per line costs more than the insert.
  await sql`insert into order_lines (order_id, clinic_id, cart_line_id, patient_id, prescription_id, offer_id, medication_id, prescriber_id, quantity,
              sig, sig_parsed, ship_to, ship_state, unit_price_cents, line_total_cents, landed_cost_cents, snapshot, filled_on, days_supply, created_at)
            select r."orderId", r."clinicId", r."cartLineId", r."patientId", r."prescriptionId", r."offerId", r."medicationId", r."prescriberId", r.quantity,
              r.sig, r."sigParsed", r."shipTo", r."shipState", r."unitPriceCents", r."lineTotalCents", r."landedCostCents", r.snapshot, r."filledOn", r."daysSupply", ${at}
            from jsonb_to_recordset(${JSON.stringify(lineRows)}::jsonb) as r(
              "orderId" uuid, "clinicId" uuid, "cartLineId" uuid, "patientId" uuid, "prescriptionId" uuid, "offerId" uuid, "medicationId" uuid, "prescriberId" uuid,
              quantity int, sig text, "sigParsed" jsonb, "shipTo" text, "shipState" text, "unitPriceCents" int, "lineTotalCents" int, "landedCostCents" int,
              snapshot jsonb, "filledOn" date, "daysSupply" int)`.execute(tx);

  await commitStock(tx, checkoutId, plan);

  const refills = new Map<string, number>();
  for (const l of plan.lines) if (l.prescriptionId) refills.set(l.prescriptionId, (refills.get(l.prescriptionId) ?? 0) + 1);
  if (refills.size > 0) {
    const ids = [...refills.keys()].sort();
    await sql`update prescriptions p set refills_used = p.refills_used + r.n
              from unnest(${ids}::uuid[], ${ids.map((id) => refills.get(id)!)}::int[]) as r(id, n)
              where p.id = r.id and p.clinic_id = ${checkout.clinicId}`.execute(tx);
  }

  for (const order of orders) await enqueueOrderDelivery(tx, order.id);

  await tx.updateTable('checkouts').set({ status: 'split' }).where('id', '=', checkoutId).execute();
  const cart = await tx.selectFrom('carts').select(['id', 'status', 'version', 'name']).where('id', '=', checkout.cartId).forUpdate().executeTakeFirstOrThrow();
  // A cart reopened after an expiry and edited since is the clinic's again: leave it alone.
  const cartIsThisCheckout = cart.status === 'checking_out' || (cart.status === 'open' && cart.version === checkout.cartVersion + 1);
  if (cartIsThisCheckout) {
    await tx.updateTable('carts').set({ status: 'checked_out', updatedAt: at }).where('id', '=', cart.id).execute();
    if (cart.name === null) {
      await sql`insert into carts (clinic_id, created_by, created_at, updated_at) values (${checkout.clinicId}, ${checkout.createdBy}, ${at}, ${at})
                on conflict (clinic_id) where status in ('open', 'checking_out') and name is null do nothing`.execute(tx);
    }
  }

  const byPharmacy = [...groups.values()].map((g) => ({ orderId: orderOf.get(g.pharmacyId)!, pharmacyId: g.pharmacyId, totalCents: g.total, lines: g.lines.length }));
  await audit(tx, SYSTEM, [
    {
      action: 'checkout.split',
      subjectType: 'checkout',
      subjectId: checkoutId,
      clinicId: checkout.clinicId,
      detail: { checkedOutBy: checkout.createdBy, amountCents: checkout.amountCents, provider: checkout.provider, orders: byPharmacy },
    },
    ...byPharmacy.map((o) => ({
      action: 'order.created',
      subjectType: 'order',
      subjectId: o.orderId,
      clinicId: checkout.clinicId,
      pharmacyId: o.pharmacyId,
      detail: { checkoutId, checkedOutBy: checkout.createdBy, totalCents: o.totalCents, lines: o.lines },
    })),
  ]);
  return { created: true, orderIds: orders.map((o) => o.id) };
}

/** Held reservations become sales: stock on hand and reserved both go down by the vials. */
async function commitStock(tx: Tx, checkoutId: string, plan: CheckoutPlan): Promise<void> {
  const held = await tx.selectFrom('stockReservations').select(['offerId', 'quantity']).where('checkoutId', '=', checkoutId).where('status', '=', 'held').execute();
  const ids = vialsByOffer(plan.lines).map(([id]) => id);
  await sql`select id from offers where id = any(${ids}::uuid[]) order by id for update`.execute(tx);
  if (held.length > 0) {
    await sql`update offers o set stock_on_hand = o.stock_on_hand - r.quantity, reserved = o.reserved - r.quantity, updated_at = now()
              from stock_reservations r
              where r.checkout_id = ${checkoutId} and r.status = 'held' and o.id = r.offer_id`.execute(tx);
    await tx.updateTable('stockReservations').set({ status: 'committed' }).where('checkoutId', '=', checkoutId).where('status', '=', 'held').execute();
  }
  // A payment confirmed after its reservation was released (Stripe answered late): take the
  // vials from what is left without touching other clinics' reservations. The pharmacy may
  // reject an order it cannot fill, which refunds it.
  const released = await tx.selectFrom('stockReservations').select(['offerId', 'quantity']).where('checkoutId', '=', checkoutId).where('status', '=', 'released').execute();
  if (released.length > 0) {
    await sql`update offers o set stock_on_hand = greatest(o.reserved, o.stock_on_hand - r.quantity), updated_at = now()
              from stock_reservations r
              where r.checkout_id = ${checkoutId} and r.status = 'released' and o.id = r.offer_id`.execute(tx);
    await tx.updateTable('stockReservations').set({ status: 'committed' }).where('checkoutId', '=', checkoutId).where('status', '=', 'released').execute();
  }
}

/** Everything an order line's snapshot names, loaded for the whole plan in a fixed number of queries. */
async function loadSnapshots(tx: Tx, clinicId: string, plan: CheckoutPlan) {
  const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  const patientIds = unique(plan.lines.map((l) => l.patientId));
  const offerIds = unique(plan.lines.map((l) => l.offerId));
  const prescriberIds = unique(plan.lines.map((l) => l.prescriberId));
  const none = patientIds.length === 0;
  const [clinic, patients, offers, prescribers, licenses, deas] = await Promise.all([
    tx.selectFrom('clinics').select(['name', 'addressLine1', 'addressLine2', 'city', 'state', 'postalCode', 'phone']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
    none
      ? []
      : tx
          .selectFrom('patients as p')
          .innerJoin('clients as c', 'c.id', 'p.clientId')
          .select(['p.id', 'p.name', 'p.species', 'p.breed', 'p.weightKg', 'p.birthDate', 'c.firstName', 'c.lastName', 'c.phone', 'c.email', 'c.addressLine1', 'c.addressLine2', 'c.city', 'c.state', 'c.postalCode'])
          .where('p.id', 'in', patientIds)
          .where('p.clinicId', '=', clinicId)
          .execute(),
    none
      ? []
      : tx
          .selectFrom('offers as o')
          .innerJoin('medications as m', 'm.id', 'o.medicationId')
          .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
          .select(['o.id', 'o.sku', 'o.packageDescription', 'm.name', 'm.strength', 'm.form', 'm.controlledSchedule', 'm.compounded', 'm.coldChain', 'ph.name as pharmacyName'])
          .where('o.id', 'in', offerIds)
          .execute(),
    none ? [] : tx.selectFrom('prescribers').select(['id', 'name']).where('id', 'in', prescriberIds).where('clinicId', '=', clinicId).execute(),
    none ? [] : tx.selectFrom('prescriberLicenses').select(['prescriberId', 'state', 'number', 'expiresOn']).where('prescriberId', 'in', prescriberIds).orderBy('state').execute(),
    none ? [] : tx.selectFrom('deaRegistrations').select(['prescriberId', 'state', 'number', 'schedules', 'expiresOn']).where('prescriberId', 'in', prescriberIds).orderBy('state').execute(),
  ]);
  const patientById = new Map(patients.map((p) => [p.id, p]));
  const offerById = new Map(offers.map((o) => [o.id, o]));
  const prescriberById = new Map(prescribers.map((p) => [p.id, p]));
  const licensesOf = new Map<string, typeof licenses>();
  for (const l of licenses) licensesOf.set(l.prescriberId, [...(licensesOf.get(l.prescriberId) ?? []), l]);
  const deasOf = new Map<string, typeof deas>();
  for (const d of deas) deasOf.set(d.prescriberId, [...(deasOf.get(d.prescriberId) ?? []), d]);
  const sizes = new Map<string, number | null>();

  return {
    packageSize(offerId: string): number | null {
      if (!sizes.has(offerId)) {
        const offer = offerById.get(offerId);
        sizes.set(offerId, offer ? (packageSizeFromDescription(offer.packageDescription)?.amount ?? null) : null);
      }
      return sizes.get(offerId)!;
    },
    of(line: PlanLine): Record<string, unknown> {
      const p = patientById.get(line.patientId);
      const o = offerById.get(line.offerId);
      const pr = prescriberById.get(line.prescriberId);
      const shipTo =
        line.shipTo === 'clinic'
          ? { kind: 'clinic', name: clinic.name, addressLine1: clinic.addressLine1, addressLine2: clinic.addressLine2, city: clinic.city, state: clinic.state, postalCode: clinic.postalCode, phone: clinic.phone }
          : { kind: 'owner', name: p ? `${p.firstName} ${p.lastName}` : null, addressLine1: p?.addressLine1 ?? null, addressLine2: p?.addressLine2 ?? null, city: p?.city ?? null, state: line.shipState, postalCode: p?.postalCode ?? null, phone: p?.phone ?? null };
      return {
        patient: p
          ? { id: p.id, name: p.name, species: p.species, breed: p.breed, weightKg: p.weightKg === null ? null : Number(p.weightKg), birthDate: p.birthDate, owner: `${p.firstName} ${p.lastName}`, ownerPhone: p.phone, ownerEmail: p.email }
          : { id: line.patientId },
        medication: o
          ? { id: line.medicationId, name: o.name, strength: o.strength, form: o.form, controlledSchedule: o.controlledSchedule, compounded: o.compounded, coldChain: o.coldChain }
          : { id: line.medicationId },
        offer: o ? { id: line.offerId, sku: o.sku, package: o.packageDescription, pharmacyId: line.pharmacyId, pharmacyName: o.pharmacyName } : { id: line.offerId },
        quantity: line.quantity,
        sig: { text: line.sig },
        prescriber: {
          id: line.prescriberId,
          name: pr?.name ?? null,
          licenses: (licensesOf.get(line.prescriberId) ?? []).map((l) => ({ state: l.state, number: l.number, expiresOn: l.expiresOn })),
          dea: (deasOf.get(line.prescriberId) ?? []).map((d) => ({ state: d.state, number: d.number, schedules: d.schedules, expiresOn: d.expiresOn })),
        },
        prescriptionId: line.prescriptionId,
        source: line.source,
        shipTo,
        price: {
          unitPriceCents: line.unitPriceCents,
          shippingShareCents: line.shippingShareCents,
          feeShareCents: line.feeShareCents,
          platformFeeCents: line.platformFeeCents,
          lineTotalCents: line.lineTotalCents,
          landedCostPerVialCents: line.landedCostPerVialCents,
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Ending a checkout without orders

/**
 * Ends an unpaid checkout: reservations released, the payment marked expired or failed, and
 * the cart reopened with its version moved on (so the clinic reviews it again, and a new
 * checkout gets a new idempotency key). Does nothing to a checkout that is paid or split.
 */
export async function releaseCheckout(
  tx: Tx,
  checkoutId: string,
  options: { status: 'expired' | 'failed'; reason: string; actor?: Principal },
): Promise<boolean> {
  const checkout = await tx.selectFrom('checkouts').select(['id', 'status', 'clinicId', 'cartId', 'cartVersion']).where('id', '=', checkoutId).forUpdate().executeTakeFirst();
  if (!checkout || (checkout.status !== 'pending' && checkout.status !== 'awaiting_payment')) return false;
  const held = await tx.selectFrom('stockReservations').select(['offerId']).where('checkoutId', '=', checkoutId).where('status', '=', 'held').orderBy('offerId').execute();
  if (held.length > 0) {
    await sql`select id from offers where id = any(${held.map((h) => h.offerId)}::uuid[]) order by id for update`.execute(tx);
    await sql`update offers o set reserved = o.reserved - r.quantity, updated_at = now()
              from stock_reservations r
              where r.checkout_id = ${checkoutId} and r.status = 'held' and o.id = r.offer_id`.execute(tx);
    await tx.updateTable('stockReservations').set({ status: 'released' }).where('checkoutId', '=', checkoutId).where('status', '=', 'held').execute();
  }
  await tx.updateTable('checkouts').set({ status: options.status, failureReason: options.reason }).where('id', '=', checkoutId).execute();
  await tx.updateTable('payments').set({ status: options.status }).where('checkoutId', '=', checkoutId).where('status', '=', 'pending').execute();
  await tx
    .updateTable('carts')
    .set((eb) => ({ status: 'open', version: eb('version', '+', 1), updatedAt: now() }))
    .where('id', '=', checkout.cartId)
    .where('status', '=', 'checking_out')
    .where('version', '=', checkout.cartVersion)
    .execute();
  await audit(tx, options.actor ?? SYSTEM, {
    action: options.status === 'expired' ? 'checkout.expired' : 'checkout.failed',
    subjectType: 'checkout',
    subjectId: checkoutId,
    clinicId: checkout.clinicId,
    detail: { reason: options.reason, cartId: checkout.cartId, releasedOffers: held.length },
  });
  return true;
}

/**
 * The clinic gives up on paying (the "Cancel" of Stripe's page, or the button on the checkout
 * page): the Stripe session is expired first, so it can no longer be paid, then the stock is
 * released and the cart reopened. 409 once the payment went through.
 */
export async function cancelCheckout(principal: Principal, checkoutId: string): Promise<CheckoutView> {
  const clinicId = clinicScope(principal);
  const row = await checkoutRow(getDb(), clinicId, checkoutId);
  if (row.status === 'paid' || row.status === 'split') throw conflict('This checkout has been paid; it can no longer be cancelled.');
  if (row.status === 'pending' || row.status === 'awaiting_payment') {
    const outcome = await settleWithStripe(checkoutId, 'cancelled');
    if (outcome === 'paid') throw conflict('The payment went through just now; your orders are being created.');
    await getDb()
      .transaction()
      .execute((tx) => releaseCheckout(tx, checkoutId, { status: 'expired', reason: 'cancelled by the clinic', actor: principal }));
  }
  return checkoutView(getDb(), clinicId, checkoutId);
}

/**
 * Asks Stripe where an unpaid checkout's session stands and closes it if it is still open.
 * Answers `paid` when Stripe took the money (the checkout is then marked paid and the split
 * queued), `pending` while an asynchronous payment is still on its way, else `closed`.
 */
async function settleWithStripe(checkoutId: string, why: string): Promise<'paid' | 'pending' | 'closed'> {
  const payment = await getDb().selectFrom('payments').select(['provider', 'stripeSessionId']).where('checkoutId', '=', checkoutId).executeTakeFirst();
  if (!payment || payment.provider !== 'stripe' || !payment.stripeSessionId) return 'closed';
  const stripe = getStripe();
  let session = await stripe.checkout.sessions.retrieve(payment.stripeSessionId);
  if (session.status === 'open') {
    try {
      session = await stripe.checkout.sessions.expire(payment.stripeSessionId, {}, { idempotencyKey: `expire:${checkoutId}` });
    } catch (error) {
      // It completed between the two calls: read it again and follow what it says.
      if (!isPermanentStripeError(error)) throw error;
      session = await stripe.checkout.sessions.retrieve(payment.stripeSessionId);
    }
  }
  if (session.status === 'complete') {
    if (session.payment_status === 'unpaid') return 'pending';
    await getDb()
      .transaction()
      .execute(async (tx) => {
        const paymentIntentId = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
        if (await markPaid(tx, checkoutId, { sessionId: session.id, paymentIntentId, amountTotalCents: session.amount_total })) {
          await enqueue(tx, 'checkout.split', { checkoutId }, { jobKey: `checkout.split:${checkoutId}` });
        }
        await audit(tx, SYSTEM, { action: 'checkout.found_paid', subjectType: 'checkout', subjectId: checkoutId, detail: { when: why } });
      });
    return 'paid';
  }
  return 'closed';
}

/** The expiry timer: an unpaid checkout past its time gives its stock back. */
async function expireCheckout(checkoutId: string): Promise<void> {
  const row = await getDb().selectFrom('checkouts').select(['status', 'provider']).where('id', '=', checkoutId).executeTakeFirst();
  if (!row || (row.status !== 'pending' && row.status !== 'awaiting_payment')) return;
  const outcome = row.provider === 'stripe' ? await settleWithStripe(checkoutId, 'expiry timer') : 'closed';
  if (outcome === 'pending') {
    // An asynchronous payment (bank debit) is on its way: Stripe's event will settle it.
    return;
  }
  if (outcome === 'closed') {
    await getDb()
      .transaction()
      .execute((tx) => releaseCheckout(tx, checkoutId, { status: 'expired', reason: 'not paid in time' }));
  }
}

// ---------------------------------------------------------------------------------------------
// Reading checkouts

async function checkoutRow(db: Db, clinicId: string, checkoutId: string) {
  const row = await db
    .selectFrom('checkouts as k')
    .innerJoin('payments as p', 'p.checkoutId', 'k.id')
    .select([
      'k.id', 'k.cartId', 'k.cartVersion', 'k.status', 'k.provider', 'k.amountCents', 'k.createdAt', 'k.expiresAt', 'k.paidAt', 'k.failureReason',
      'p.redirectUrl', 'p.invoiceNumber', 'p.dueOn', 'p.refundedCents', 'p.status as paymentStatus',
    ])
    .where('k.id', '=', checkoutId)
    .where('k.clinicId', '=', clinicId)
    .executeTakeFirst();
  if (!row) throw notFound('Checkout');
  return row;
}

async function ordersOf(db: Db, checkoutIds: string[]): Promise<Map<string, OrderSummary[]>> {
  const out = new Map<string, OrderSummary[]>();
  if (checkoutIds.length === 0) return out;
  const rows = await db
    .selectFrom('orders as o')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'o.id', 'o.checkoutId', 'o.pharmacyId', 'ph.name as pharmacyName', 'o.status', 'o.subtotalCents', 'o.shippingCents', 'o.feesCents', 'o.platformFeeCents', 'o.totalCents',
      sql<number>`(select count(*)::int from order_lines l where l.order_id = o.id)`.as('lineCount'),
      sql<number>`(select coalesce(sum(l.quantity), 0)::int from order_lines l where l.order_id = o.id)`.as('vials'),
    ])
    .where('o.checkoutId', 'in', checkoutIds)
    .orderBy('o.createdAt')
    .orderBy('ph.name')
    .execute();
  for (const r of rows) {
    const { checkoutId, ...order } = r;
    out.set(checkoutId, [...(out.get(checkoutId) ?? []), { ...order, payableCents: order.totalCents - order.platformFeeCents }]);
  }
  return out;
}

async function checkoutView(db: Db, clinicId: string, checkoutId: string): Promise<CheckoutView> {
  const row = await checkoutRow(db, clinicId, checkoutId);
  const orders = (await ordersOf(db, [checkoutId])).get(checkoutId) ?? [];
  return {
    id: row.id,
    cartId: row.cartId,
    cartVersion: row.cartVersion,
    status: row.status,
    provider: row.provider,
    amountCents: row.amountCents,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
    paidAt: row.paidAt ? row.paidAt.toISOString() : null,
    failureReason: row.failureReason,
    redirectUrl: row.status === 'awaiting_payment' ? row.redirectUrl : null,
    invoiceNumber: row.invoiceNumber,
    dueOn: row.dueOn,
    refundedCents: row.refundedCents,
    orders,
  };
}

/** One checkout of the clinic, with its orders (the confirmation page and `GET` in the API). */
export async function getCheckout(principal: Principal, checkoutId: string): Promise<CheckoutView> {
  const clinicId = clinicScope(principal);
  if (!/^[0-9a-f-]{36}$/i.test(checkoutId)) throw notFound('Checkout');
  return checkoutView(getDb(), clinicId, checkoutId);
}

/** Everything the printable invoice shows: who pays whom, per pharmacy, and what each is owed. */
export async function getInvoice(principal: Principal, checkoutId: string) {
  const clinicId = clinicScope(principal);
  const checkout = await getCheckout(principal, checkoutId);
  const db = getDb();
  const [clinic, lines] = await Promise.all([
    db.selectFrom('clinics').select(['name', 'addressLine1', 'addressLine2', 'city', 'state', 'postalCode', 'email', 'phone', 'paymentTermsDays', 'timezone']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
    db
      .selectFrom('orderLines as l')
      .innerJoin('orders as o', 'o.id', 'l.orderId')
      .innerJoin('patients as p', 'p.id', 'l.patientId')
      .innerJoin('medications as m', 'm.id', 'l.medicationId')
      .select(['l.id', 'l.orderId', 'p.name as patientName', sql<string>`m.name || ' ' || m.strength || ' ' || m.form`.as('medicationName'), 'l.quantity', 'l.unitPriceCents', 'l.lineTotalCents', 'l.landedCostCents'])
      .where('o.checkoutId', '=', checkoutId)
      .where('l.clinicId', '=', clinicId)
      .orderBy('l.createdAt')
      .orderBy('l.id')
      .execute(),
  ]);
  const credits = await db
    .selectFrom('paymentMovements as mv')
    .innerJoin('payments as p', 'p.id', 'mv.paymentId')
    .select(['mv.orderId', 'mv.amountCents', 'mv.status', 'mv.createdAt'])
    .where('p.checkoutId', '=', checkoutId)
    .where('mv.kind', '=', 'refund')
    .execute();
  return {
    checkout,
    clinic,
    orders: checkout.orders.map((o) => ({ ...o, lines: lines.filter((l) => l.orderId === o.id) })),
    credits: credits.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    platformFeeCents: checkout.orders.reduce((s, o) => s + o.platformFeeCents, 0),
  };
}

/**
 * The review page: the cart as it will be paid for, grouped by pharmacy, and what is left to
 * do before paying (errors to fix, warnings to acknowledge). `version` is what the form posts.
 */
export async function loadReview(principal: Principal, cart: { id: string; version: number; status: string }) {
  const clinicId = clinicScope(principal);
  const validation = await validateClinicCart(principal, { cartId: cart.id });
  const active =
    cart.status === 'checking_out'
      ? await getDb().selectFrom('checkouts').select(['id']).where('cartId', '=', cart.id).where('clinicId', '=', clinicId).orderBy('createdAt', 'desc').limit(1).executeTakeFirst()
      : undefined;
  const todo = validation.lines.flatMap((line) =>
    line.findings
      .filter((f) => f.severity === 'error' || !f.acknowledged)
      .map((f) => ({ lineId: line.lineId, lineNumber: line.index + 1, rule: f.rule, severity: f.severity, message: f.message, hint: f.hint ?? null })),
  );
  return {
    blockingCount: validation.blockingCount,
    warningCount: validation.warningCount,
    validatedVersion: validation.cartVersion,
    todo,
    provider: getPaymentProvider().name,
    activeCheckoutId: active?.id ?? null,
  };
}

/** Registers the checkout jobs (split after a Stripe confirmation, expiry timer). */
export function registerCheckoutTasks(): void {
  registerTasks({
    'checkout.split': async (payload: { checkoutId: string }) => {
      await splitCheckout(payload.checkoutId);
    },
    'checkout.expire': async (payload: { checkoutId: string }) => expireCheckout(payload.checkoutId),
  });
}
