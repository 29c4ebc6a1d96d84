/**
 * An order's payment as the money movements need it: the order's figures, the payment it was
 * paid with, and the pharmacy's connected account.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { notFound } from '../platform/errors';

/** The actor the payment jobs and recordings are audited as. */
export const PAYMENTS_SYSTEM = { actorType: 'system' as const, actorLabel: 'vialcart payments' };

/**
 * The order with its payment; `lock` locks the order's row: every decision about an order's
 * money (refund, transfer, reversal, a lookup's outcome) is taken under it, so they happen one
 * after the other (docs/money.md, "One order at a time").
 */
export async function orderPayment(db: Kysely<Database>, orderId: string, lock: boolean) {
  let q = db
    .selectFrom('orders')
    .innerJoin('payments', 'payments.checkoutId', 'orders.checkoutId')
    .innerJoin('pharmacies', 'pharmacies.id', 'orders.pharmacyId')
    .select([
      'orders.id as orderId',
      'orders.clinicId',
      'orders.pharmacyId',
      'orders.checkoutId',
      'orders.totalCents',
      'orders.platformFeeCents',
      'orders.status as orderStatus',
      'payments.id as paymentId',
      'payments.provider',
      'payments.status as paymentStatus',
      'payments.amountCents as paymentAmountCents',
      'payments.stripePaymentIntentId',
      'payments.stripeChargeId',
      'payments.transferGroup',
      'pharmacies.stripeAccountId',
      'pharmacies.name as pharmacyName',
    ])
    .where('orders.id', '=', orderId);
  if (lock) q = q.forUpdate('orders');
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Order');
  return row;
}
