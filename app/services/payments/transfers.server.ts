/**
 * Transfers: a pharmacy is paid its share of an order when it accepts it (a Stripe Connect
 * transfer funded by the checkout's charge), and a transfer is reversed when its order is
 * refunded after acceptance.
 */
import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import { enqueue } from '../platform/jobs.server';
import { movementKey, transferGroupOf } from './keys';
import { orderPayment, PAYMENTS_SYSTEM as SYSTEM } from './order-payment.server';
import { stripeMoney } from './stripe.server';

/** What `transferToPharmacy` did. */
export type TransferOutcome =
  | { status: 'succeeded'; movementId: string; transferId: string; amountCents: number; created: boolean }
  | { status: 'skipped'; reason: 'invoice' | 'no_connected_account' | 'refunded' };

/** The charge behind a Stripe payment (`PaymentIntent.latest_charge`), stored once known. */
async function chargeOf(paymentId: string, paymentIntentId: string | null, known: string | null): Promise<string> {
  if (known) return known;
  if (!paymentIntentId) throw new Error(`payment ${paymentId} has no PaymentIntent yet`);
  const charge = await stripeMoney.chargeOf(paymentIntentId);
  await getDb().updateTable('payments').set({ stripeChargeId: charge }).where('id', '=', paymentId).execute();
  return charge;
}

/**
 * Pays a pharmacy its share of an order it has accepted: a Stripe Connect Transfer of the
 * order's total less vialcart's platform fee, to the pharmacy's connected account, in the
 * checkout's transfer group, funded by the checkout's charge (`source_transaction`), with the
 * idempotency key `transfer:<order id>`. Call it after the acceptance commits (or enqueue
 * `scheduleTransfer` in the accepting transaction). Idempotent: a second call returns the
 * first transfer. Invoice payments and pharmacies without a connected account are skipped:
 * the invoice lists what vialcart owes each pharmacy. Throws on Stripe errors (retry it).
 */
export async function transferToPharmacy(orderId: string): Promise<TransferOutcome> {
  const db = getDb();
  const order = await orderPayment(db, orderId, false);
  if (order.provider !== 'stripe') return { status: 'skipped', reason: 'invoice' };
  if (!order.stripeAccountId) return { status: 'skipped', reason: 'no_connected_account' };
  const key = movementKey.transfer(orderId);
  const refunded = await db.selectFrom('paymentMovements').select('id').where('idempotencyKey', '=', movementKey.refund(orderId)).executeTakeFirst();
  if (refunded) return { status: 'skipped', reason: 'refunded' };

  const amountCents = order.totalCents - order.platformFeeCents;
  await db
    .insertInto('paymentMovements')
    .values({ paymentId: order.paymentId, orderId, kind: 'transfer', amountCents, idempotencyKey: key, status: 'pending' })
    .onConflict((oc) => oc.column('idempotencyKey').doNothing())
    .execute();
  const movement = await db.selectFrom('paymentMovements').selectAll().where('idempotencyKey', '=', key).executeTakeFirstOrThrow();
  if (movement.status === 'succeeded' && movement.externalId) {
    return { status: 'succeeded', movementId: movement.id, transferId: movement.externalId, amountCents: movement.amountCents, created: false };
  }
  const charge = await chargeOf(order.paymentId, order.stripePaymentIntentId, order.stripeChargeId);
  const transfer = await stripeMoney.transfer({
    amountCents: movement.amountCents,
    destination: order.stripeAccountId,
    transferGroup: order.transferGroup ?? transferGroupOf(order.checkoutId),
    sourceCharge: charge,
    description: `${order.pharmacyName}: order ${orderId}`,
    metadata: { orderId, checkoutId: order.checkoutId },
    idempotencyKey: key,
  });
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('paymentMovements').set({ status: 'succeeded', externalId: transfer.id }).where('id', '=', movement.id).execute();
    await audit(tx, SYSTEM, {
      action: 'payment.transferred',
      subjectType: 'order',
      subjectId: orderId,
      clinicId: order.clinicId,
      pharmacyId: order.pharmacyId,
      detail: { amountCents: movement.amountCents, transferId: transfer.id, destination: order.stripeAccountId, transferGroup: transfer.transferGroup },
    });
  });
  return { status: 'succeeded', movementId: movement.id, transferId: transfer.id, amountCents: movement.amountCents, created: true };
}

/** Enqueues `transferToPharmacy(orderId)` in the caller's transaction (runs once it commits; retried on Stripe errors). */
export async function scheduleTransfer(tx: Kysely<Database>, orderId: string): Promise<void> {
  await enqueue(tx, 'payments.transfer', { orderId }, { jobKey: movementKey.transfer(orderId) });
}
export async function runTransferReversal(movementId: string): Promise<void> {
  const db = getDb();
  const movement = await db.selectFrom('paymentMovements').selectAll().where('id', '=', movementId).executeTakeFirst();
  if (!movement || movement.status !== 'pending' || !movement.orderId) return;
  const transfer = await db
    .selectFrom('paymentMovements')
    .select('externalId')
    .where('idempotencyKey', '=', movementKey.transfer(movement.orderId))
    .executeTakeFirst();
  if (!transfer?.externalId) throw new Error(`order ${movement.orderId} has no transfer to reverse`);
  const reversal = await stripeMoney.reverseTransfer({
    transferId: transfer.externalId,
    amountCents: movement.amountCents,
    metadata: { orderId: movement.orderId },
    idempotencyKey: movement.idempotencyKey,
  });
  await db.updateTable('paymentMovements').set({ status: 'succeeded', externalId: reversal.id }).where('id', '=', movementId).execute();
}
