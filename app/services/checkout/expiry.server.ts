/**
 * Ending a checkout without orders: the clinic cancels, the payment fails, or the expiry timer
 * finds it unpaid. The stock goes back and the cart reopens at its next version, so the clinic
 * reviews it again and a new checkout gets a new idempotency key. Before giving up on an
 * external payment the provider is asked where it stands: a payment that went through is
 * confirmed instead, one still processing is left to the provider's event.
 */
import { getDb } from '../../../db/client';
import { audit } from '../audit/audit.server';
import { reopenCart } from '../cart/store.server';
import { clinicScope, type Principal } from '../identity/principal';
import { conflict } from '../platform/errors';
import { paymentProviderNamed } from '../payments/index.server';
import { CHECKOUT_SYSTEM as SYSTEM, type CheckoutView, type Tx } from './model';
import { confirmPayment } from './split.server';
import { releaseStock } from './stock.server';
import { checkoutRow, checkoutView } from './views.server';

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
  const releasedOffers = await releaseStock(tx, checkoutId);
  await tx.updateTable('checkouts').set({ status: options.status, failureReason: options.reason }).where('id', '=', checkoutId).execute();
  await tx.updateTable('payments').set({ status: options.status }).where('checkoutId', '=', checkoutId).where('status', '=', 'pending').execute();
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
 * The clinic gives up on paying (the "Cancel" of Stripe's page, or the button on the checkout
 * page): the payment page is closed at the provider first, so it can no longer be paid, then
 * the stock is released and the cart reopened. 409 once the payment went through.
 */
export async function cancelCheckout(principal: Principal, checkoutId: string): Promise<CheckoutView> {
  const clinicId = clinicScope(principal);
  const row = await checkoutRow(getDb(), clinicId, checkoutId);
  if (row.status === 'paid' || row.status === 'split') throw conflict('This checkout has been paid; it can no longer be cancelled.');
  if (row.status === 'pending' || row.status === 'awaiting_payment') {
    const outcome = await settleWithProvider(checkoutId, 'cancelled');
    if (outcome === 'paid') throw conflict('The payment went through just now; your orders are being created.');
    await getDb()
      .transaction()
      .execute((tx) => releaseCheckout(tx, checkoutId, { status: 'expired', reason: 'cancelled by the clinic', actor: principal }));
  }
  return checkoutView(getDb(), clinicId, checkoutId);
}

/**
 * Asks the provider where an unpaid checkout's payment stands, closing it if it is still open.
 * Answers `paid` when the money was taken (the checkout is then marked paid and the split
 * queued), `pending` while an asynchronous payment is still on its way, else `closed`.
 */
async function settleWithProvider(checkoutId: string, why: string): Promise<'paid' | 'pending' | 'closed'> {
  const payment = await getDb().selectFrom('payments').select(['provider', 'stripeSessionId']).where('checkoutId', '=', checkoutId).executeTakeFirst();
  if (!payment?.stripeSessionId) return 'closed';
  const closing = await paymentProviderNamed(payment.provider).close({ checkoutId, reference: payment.stripeSessionId });
  if (closing.state !== 'paid') return closing.state;
  await getDb()
    .transaction()
    .execute(async (tx) => {
      await confirmPayment(tx, checkoutId, closing);
      await audit(tx, SYSTEM, { action: 'checkout.found_paid', subjectType: 'checkout', subjectId: checkoutId, detail: { when: why } });
    });
  return 'paid';
}

/** The expiry timer: an unpaid checkout past its time gives its stock back. */
export async function expireCheckout(checkoutId: string): Promise<void> {
  const row = await getDb().selectFrom('checkouts').select(['status']).where('id', '=', checkoutId).executeTakeFirst();
  if (!row || (row.status !== 'pending' && row.status !== 'awaiting_payment')) return;
  const outcome = await settleWithProvider(checkoutId, 'expiry timer');
  if (outcome === 'pending') {
    // An asynchronous payment (bank debit) is on its way: the provider's event will settle it.
    return;
  }
  if (outcome === 'closed') {
    await getDb()
      .transaction()
      .execute((tx) => releaseCheckout(tx, checkoutId, { status: 'expired', reason: 'not paid in time' }));
  }
}
