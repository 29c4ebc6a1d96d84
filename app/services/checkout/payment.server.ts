/**
 * Asking the payment provider for the checkout's payment: what it is asked to charge (one part
 * per pharmacy), and, for an external provider, making sure it holds a payment page for the
 * checkout (created after the checkout's transaction commits, retried with the same key).
 */
import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { getEnv } from '../../env.server';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { log } from '../platform/logger.server';
import { expireOtherSessions, PaymentRefused, PaymentsUnavailable, paymentProviderNamed, transferGroupOf, type PaymentPart, type PaymentRequest } from '../payments/index.server';
import { releaseCheckout, scheduleExpiry } from './expiry.server';
import { CHECKOUT_TTL_MS, type CheckoutPlan, type Db } from './model';
import { paymentsUnavailable } from './unavailable.server';

/** What a provider is asked to charge for a checkout. */
export async function paymentRequest(db: Db, checkoutId: string, known?: CheckoutPlan): Promise<PaymentRequest> {
  const row = await db
    .selectFrom('checkouts as k')
    .innerJoin('clinics as c', 'c.id', 'k.clinicId')
    .select(['k.id', 'k.clinicId', 'k.cartId', 'k.cartVersion', 'k.amountCents', 'k.idempotencyKey', 'k.paymentAttempt', 'k.expiresAt', 'c.name', 'c.email', 'c.slug', 'c.stripeCustomerId', 'c.paymentTermsDays'])
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
    // A page made again with a fresh expiry is a new request: Stripe refuses a key reused with other parameters.
    idempotencyKey: row.paymentAttempt === 0 ? row.idempotencyKey : `${row.idempotencyKey}:attempt${row.paymentAttempt}`,
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

/** Stripe refuses a payment page that expires sooner than this (plus a margin for the request itself). */
const MIN_PAGE_LIFETIME_MS = 30 * 60_000 + 2 * 60_000;

/**
 * Makes sure an external provider (Stripe) holds a payment for the checkout: starts its payment
 * page (a Checkout Session) with the checkout's idempotency key when none is recorded yet (the
 * first request, or a retry after the provider did not answer). A retry whose stored expiry
 * is under 30 minutes away gets a fresh expiry and a fresh key (Stripe refuses the old one),
 * after any page an unanswered request may have made is expired. Payments unavailable (our key
 * refused, no answer): 503, the checkout and its cart as they were. A refusal that retrying
 * cannot fix ends the checkout and gives the cart back.
 */
export async function ensureExternalPayment(checkoutId: string): Promise<void> {
  const db = getDb();
  const row = await db
    .selectFrom('checkouts as k')
    .innerJoin('payments as p', 'p.checkoutId', 'k.id')
    .select(['k.status', 'k.provider', 'k.expiresAt', 'k.createdAt', 'k.paymentAttempt', 'p.stripeSessionId'])
    .where('k.id', '=', checkoutId)
    .executeTakeFirstOrThrow();
  const provider = paymentProviderNamed(row.provider);
  if (!provider.external || row.stripeSessionId || row.status !== 'pending') return;
  let started;
  try {
    if (row.expiresAt && row.expiresAt.getTime() < now().getTime() + MIN_PAGE_LIFETIME_MS) await freshExpiry(checkoutId, row.createdAt, row.paymentAttempt);
    started = await provider.start(db, await paymentRequest(db, checkoutId));
  } catch (error) {
    if (error instanceof PaymentsUnavailable) throw paymentsUnavailable(error, checkoutId);
    if (error instanceof PaymentRefused) {
      log().warn({ checkoutId, stripe: error.detail }, 'the payment provider refused the payment page');
      await db.transaction().execute((tx) => releaseCheckout(tx, checkoutId, { status: 'failed', reason: `${error.providerLabel} refused the payment: ${error.message}` }));
      throw new DomainError('unprocessable', `The payment could not be started: ${error.message}`, undefined, { reason: 'provider_refused' });
    }
    throw error;
  }
  if (started.kind !== 'redirect') throw new Error(`${provider.name} did not answer with a payment page`);
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

/**
 * A new expiry (and so a new attempt, with its own idempotency key) for a payment page that has
 * to be made again: any page of the checkout an earlier, unanswered request made is expired
 * first, and the expiry timer moves with the hold.
 */
async function freshExpiry(checkoutId: string, since: Date, attempt: number): Promise<void> {
  await expireOtherSessions(checkoutId, since, null);
  // Whole seconds: what Stripe is sent is what the checkout keeps.
  const expiresAt = new Date(Math.floor((now().getTime() + CHECKOUT_TTL_MS) / 1000) * 1000);
  await getDb()
    .transaction()
    .execute(async (tx) => {
      await tx.updateTable('checkouts').set({ expiresAt, paymentAttempt: attempt + 1 }).where('id', '=', checkoutId).where('status', '=', 'pending').execute();
      await scheduleExpiry(tx, checkoutId, expiresAt);
    });
}
