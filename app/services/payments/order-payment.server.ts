/**
 * An order's payment as the money movements need it: the order's figures, the payment it was
 * paid with, and the pharmacy's connected account.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../db/schema';
import { notFound } from '../platform/errors';

/**
 * The connected account a pharmacy (table alias `alias`) is paid through by transfer, as SQL:
 * its account unless Stripe said it cannot receive payouts (`payouts_enabled` false). An
 * account Stripe has said nothing of yet is tried (the transfer's answer says the rest).
 */
export function payoutAccountSql(alias: string): RawBuilder<string | null> {
  return sql<string | null>`case when ${sql.ref(`${alias}.stripePayoutsEnabled`)} is false then null else ${sql.ref(`${alias}.stripeAccountId`)} end`;
}

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
      // The account it is paid through: null when it has none or cannot receive payouts, or the
      // order was settled as paid on account when it was accepted.
      sql<string | null>`case when ${sql.ref('orders.pharmacyPayout')} = 'on_account' then null else ${payoutAccountSql('pharmacies')} end`.as('stripeAccountId'),
      'orders.pharmacyPayout',
      'pharmacies.name as pharmacyName',
    ])
    .where('orders.id', '=', orderId);
  if (lock) q = q.forUpdate('orders');
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Order');
  return row;
}

/** Records how an accepted order's pharmacy is paid (once: the first decision stands). */
export async function setPharmacyPayout(tx: Kysely<Database>, orderId: string, payout: 'transfer' | 'on_account'): Promise<void> {
  await tx.updateTable('orders').set({ pharmacyPayout: payout }).where('id', '=', orderId).where((eb) => eb.or([eb('pharmacyPayout', 'is', null), eb('pharmacyPayout', '=', 'transfer')])).execute();
}
