/**
 * The charge of a checkout and each order's platform fee, in the ledger. The charge is recorded
 * when the checkout starts (`pending` while its payment page is open), becomes `processing`
 * while a bank payment is on its way, and ends `succeeded`, `failed` or `canceled` (the page
 * ended unpaid). Each order's platform fee is what vialcart keeps of the charge: recorded when
 * the order is created, given back (`returned`) when the order's refund is sent.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { addMovement, checkAfterMovement, moveMovement, movementByKey } from './movements.server';

export const chargeKey = (checkoutId: string) => `charge:${checkoutId}`;
export const platformFeeKey = (orderId: string) => `platform_fee:${orderId}`;

/** The charge of a checkout that just started, `pending` until its payment is confirmed. */
export async function openCharge(tx: Kysely<Database>, c: { checkoutId: string; paymentId: string; clinicId: string; provider: 'stripe' | 'invoice'; amountCents: number }): Promise<void> {
  await addMovement(tx, {
    paymentId: c.paymentId,
    checkoutId: c.checkoutId,
    clinicId: c.clinicId,
    orderId: null,
    kind: 'charge',
    provider: c.provider,
    amountCents: c.amountCents,
    key: chargeKey(c.checkoutId),
    status: 'pending',
    note: c.provider === 'invoice' ? 'invoice issued' : 'payment page opened',
  });
}

/** The payment went through (`paymentIntentId`: Stripe's). Also after the page had been given up on: the money was taken. */
export async function chargeSucceeded(tx: Kysely<Database>, checkoutId: string, paymentIntentId: string | null, note: string): Promise<void> {
  const charge = await movementByKey(tx, chargeKey(checkoutId));
  if (!charge || charge.status === 'succeeded') return;
  await moveMovement(tx, charge.id, ['pending', 'processing', 'canceled', 'failed'], 'succeeded', { externalId: paymentIntentId, note });
  await checkAfterMovement(tx, checkoutId);
}

/** An asynchronous payment (bank debit) is on its way. */
export async function chargeProcessing(tx: Kysely<Database>, checkoutId: string, paymentIntentId: string | null): Promise<void> {
  const charge = await movementByKey(tx, chargeKey(checkoutId));
  if (!charge) return;
  await moveMovement(tx, charge.id, ['pending'], 'processing', { externalId: paymentIntentId, providerStatus: 'processing', note: 'bank payment processing' });
}

/** The payment page ended unpaid (`canceled`), or the bank payment was turned down (`failed`). */
export async function chargeEnded(tx: Kysely<Database>, checkoutId: string, outcome: 'failed' | 'canceled', note: string): Promise<void> {
  const charge = await movementByKey(tx, chargeKey(checkoutId));
  if (!charge) return;
  await moveMovement(tx, charge.id, ['pending', 'processing'], outcome, { note });
}

/** Each new order's platform fee, kept by vialcart out of the charge. */
export async function recordPlatformFees(
  tx: Kysely<Database>,
  checkout: { id: string; clinicId: string; provider: 'stripe' | 'invoice' },
  orders: { id: string; platformFeeCents: number }[],
): Promise<void> {
  const payment = await tx.selectFrom('payments').select('id').where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow();
  for (const o of orders) {
    if (o.platformFeeCents <= 0) continue;
    await addMovement(tx, {
      paymentId: payment.id,
      checkoutId: checkout.id,
      clinicId: checkout.clinicId,
      orderId: o.id,
      kind: 'platform_fee',
      provider: checkout.provider,
      amountCents: o.platformFeeCents,
      key: platformFeeKey(o.id),
      status: 'succeeded',
      note: 'kept from the charge when the order was created',
    });
  }
  await checkAfterMovement(tx, checkout.id);
}

/** An order's refund went out: the platform fee it included goes back to the clinic with it. */
export async function returnPlatformFee(tx: Kysely<Database>, orderId: string): Promise<void> {
  const fee = await movementByKey(tx, platformFeeKey(orderId));
  if (fee) await moveMovement(tx, fee.id, ['succeeded'], 'returned', { note: 'given back with the order’s refund' });
}

/** An order's refund failed: the fee it would have given back is kept again. */
export async function keepPlatformFee(tx: Kysely<Database>, orderId: string): Promise<void> {
  const fee = await movementByKey(tx, platformFeeKey(orderId));
  if (fee) await moveMovement(tx, fee.id, ['returned'], 'succeeded', { note: 'kept again: the order’s refund failed' });
}

/**
 * Keeps `payments.refunded_cents` and the payment's status equal to what the ledger says was
 * refunded: the refunds that succeeded (the payment's row is locked while it is computed).
 */
export async function syncRefunded(tx: Kysely<Database>, paymentId: string): Promise<void> {
  await tx.selectFrom('payments').select('id').where('id', '=', paymentId).forUpdate().executeTakeFirst();
  const { cents } = await tx
    .selectFrom('paymentMovements')
    .select(sql<number>`coalesce(sum(amount_cents), 0)::int`.as('cents'))
    .where('paymentId', '=', paymentId)
    .where('kind', '=', 'refund')
    .where('status', '=', 'succeeded')
    .executeTakeFirstOrThrow();
  await tx
    .updateTable('payments')
    .set({
      refundedCents: sql`least(amount_cents, ${cents}::int)`,
      status: sql`case when status not in ('succeeded', 'refunded', 'partially_refunded') then status
                       when ${cents}::int >= amount_cents then 'refunded'
                       when ${cents}::int > 0 then 'partially_refunded' else 'succeeded' end`,
    })
    .where('id', '=', paymentId)
    .execute();
}
