/**
 * Ending a checkout without orders: the clinic cancels, the payment fails, or the expiry timer
 * finds it unpaid. The stock goes back and the cart reopens at its next version, so the clinic
 * reviews it again and a new checkout gets a new idempotency key. Before giving up on an
 * external payment the provider is asked where it stands: a payment that went through is
 * confirmed instead; one still processing (a bank debit) keeps the checkout `processing`, which
 * can be neither cancelled nor paid again until the provider says how it went.
 */
import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import { reopenCart } from '../cart/store.server';
import { clinicScope, type Principal } from '../identity/principal';
import { now } from '../platform/clock.server';
import { conflict } from '../platform/errors';
import { enqueue } from '../platform/jobs.server';
import { chargeEnded, chargeProcessing, paymentProviderNamed, PaymentsUnavailable, type PaymentTaken } from '../payments/index.server';
import { CHECKOUT_SYSTEM as SYSTEM, type CheckoutView, type Tx } from './model';
import { paymentsUnavailable } from './unavailable.server';
import { confirmPayment } from './split.server';
import { releaseStock } from './stock.server';
import { checkoutRow, checkoutView } from './views.server';

/** How often the expiry timer looks again at a bank payment still processing (they take days). */
const PROCESSING_RECHECK_MS = 24 * 3600_000;
/** The expiry job runs this long after the session's own expiry, so Stripe's event usually wins. */
const EXPIRY_GRACE_MS = 5 * 60_000;

/** (Re)schedules the expiry timer of a checkout whose payment page expires at `expiresAt`. */
export async function scheduleExpiry(tx: Kysely<Database>, checkoutId: string, expiresAt: Date): Promise<void> {
  await enqueue(tx, 'checkout.expire', { checkoutId }, { runAt: new Date(expiresAt.getTime() + EXPIRY_GRACE_MS), jobKey: `checkout.expire:${checkoutId}` });
}

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
  if (!checkout || (checkout.status !== 'pending' && checkout.status !== 'awaiting_payment' && checkout.status !== 'processing')) return false;
  const releasedOffers = await releaseStock(tx, checkoutId);
  await tx.updateTable('checkouts').set({ status: options.status, failureReason: options.reason }).where('id', '=', checkoutId).execute();
  await tx.updateTable('payments').set({ status: options.status }).where('checkoutId', '=', checkoutId).where('status', '=', 'pending').execute();
  await chargeEnded(tx, checkoutId, options.status === 'failed' ? 'failed' : 'canceled', options.reason);
  await reopenCart(tx, checkout.cartId, checkout.cartVersion);
  await audit(tx, options.actor ?? SYSTEM, {
    action: options.status === 'expired' ? 'checkout.expired' : 'checkout.failed',
    subjectType: 'checkout',
    subjectId: checkoutId,
    clinicId: checkout.clinicId,
    detail: { reason: options.reason, cartId: checkout.cartId, releasedOffers },
  });
  return true;
}

/**
 * An asynchronous payment (a bank debit) is on its way: the checkout is `processing`, holding
 * its stock, until the provider says how it went. Answers whether it changed the checkout.
 */
export async function markProcessing(tx: Tx, checkoutId: string, payment: Pick<PaymentTaken, 'paymentIntentId'>, detail: Record<string, unknown>): Promise<boolean> {
  const moved = await tx
    .updateTable('checkouts')
    .set({ status: 'processing' })
    .where('id', '=', checkoutId)
    .where('status', 'in', ['pending', 'awaiting_payment'])
    .returning(['clinicId'])
    .executeTakeFirst();
  if (payment.paymentIntentId) {
    await tx.updateTable('payments').set({ stripePaymentIntentId: payment.paymentIntentId }).where('checkoutId', '=', checkoutId).where('stripePaymentIntentId', 'is', null).execute();
  }
  if (!moved) return false;
  await chargeProcessing(tx, checkoutId, payment.paymentIntentId);
  await audit(tx, SYSTEM, { action: 'payment.processing', subjectType: 'checkout', subjectId: checkoutId, clinicId: moved.clinicId, detail });
  return true;
}

const PROCESSING_MESSAGE = 'The bank payment for this checkout is processing: it can no longer be cancelled. Your orders are created when the bank confirms it; if it fails, the cart opens again.';

/**
 * The clinic gives up on paying (the "Cancel" of Stripe's page, or the button on the checkout
 * page): the payment page is closed at the provider first, so it can no longer be paid, then
 * the stock is released and the cart reopened. 409 once the payment went through, or while a
 * bank payment is processing (`payment_processing`); 503 when the provider cannot be asked.
 */
export async function cancelCheckout(principal: Principal, checkoutId: string): Promise<CheckoutView> {
  const db = getDb();
  const clinicId = clinicScope(principal);
  const row = await checkoutRow(db, clinicId, checkoutId);
  if (row.status === 'paid' || row.status === 'split') throw conflict('This checkout has been paid; it can no longer be cancelled.');
  if (row.status === 'processing') throw conflict(PROCESSING_MESSAGE, { reason: 'payment_processing' });
  if (row.status === 'pending' || row.status === 'awaiting_payment') {
    const outcome = await settleWithProvider(db, checkoutId, 'cancelled').catch((error: unknown) => {
      if (error instanceof PaymentsUnavailable) throw paymentsUnavailable(error, checkoutId);
      throw error;
    });
    if (outcome === 'paid') throw conflict('The payment went through just now; your orders are being created.');
    if (outcome === 'pending') throw conflict(PROCESSING_MESSAGE, { reason: 'payment_processing' });
    await db
      .transaction()
      .execute((tx) =>
        releaseCheckout(tx, checkoutId, outcome === 'failed' ? { status: 'failed', reason: 'the bank payment failed', actor: principal } : { status: 'expired', reason: 'cancelled by the clinic', actor: principal }),
      );
  }
  return checkoutView(db, clinicId, checkoutId);
}

/**
 * Asks the provider where an unpaid checkout's payment stands, closing it if it is still open.
 * Answers `paid` when the money was taken (the checkout is then marked paid and the split
 * queued), `pending` while an asynchronous payment is on its way (the checkout is then
 * `processing`), `failed` when such a payment was turned down, else `closed`.
 */
async function settleWithProvider(db: Kysely<Database>, checkoutId: string, why: string): Promise<'paid' | 'pending' | 'failed' | 'closed'> {
  const payment = await db.selectFrom('payments').select(['provider', 'stripeSessionId']).where('checkoutId', '=', checkoutId).executeTakeFirst();
  if (!payment?.stripeSessionId) return 'closed';
  const closing = await paymentProviderNamed(payment.provider).close({ checkoutId, reference: payment.stripeSessionId });
  if (closing.state === 'pending') {
    await db
      .transaction()
      .execute((tx) => markProcessing(tx, checkoutId, closing, { when: why, found: 'processing at the provider' }));
    return 'pending';
  }
  if (closing.state !== 'paid') return closing.state;
  await db
    .transaction()
    .execute(async (tx) => {
      await confirmPayment(tx, checkoutId, closing);
      await audit(tx, SYSTEM, { action: 'checkout.found_paid', subjectType: 'checkout', subjectId: checkoutId, detail: { when: why } });
    });
  return 'paid';
}

/**
 * The expiry timer: an unpaid checkout past its time gives its stock back. A bank payment still
 * processing is looked at again a day later (its own event usually settles it first).
 */
export async function expireCheckout(checkoutId: string): Promise<void> {
  const db = getDb();
  const row = await db.selectFrom('checkouts').select(['status']).where('id', '=', checkoutId).executeTakeFirst();
  if (!row || (row.status !== 'pending' && row.status !== 'awaiting_payment' && row.status !== 'processing')) return;
  const outcome = await settleWithProvider(db, checkoutId, 'expiry timer');
  if (outcome === 'pending') {
    await enqueue(db, 'checkout.expire', { checkoutId }, { runAt: new Date(now().getTime() + PROCESSING_RECHECK_MS), jobKey: `checkout.expire:${checkoutId}` });
    return;
  }
  if (outcome === 'closed' || outcome === 'failed') {
    await db
      .transaction()
      .execute((tx) => releaseCheckout(tx, checkoutId, outcome === 'failed' ? { status: 'failed', reason: 'the bank payment failed' } : { status: 'expired', reason: 'not paid in time' }));
  }
}
