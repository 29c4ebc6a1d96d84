/**
 * Refunds: the clinic gets back what it paid for an order (an invoice credit at once, or a
 * Stripe refund made by a job after the caller commits, with the reversal of a transfer already
 * made), and what Stripe reports as refunded on a charge is recorded.
 */
import { sql, type Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import { enqueue } from '../platform/jobs.server';
import { movementKey } from './keys';
import { orderPayment, PAYMENTS_SYSTEM as SYSTEM } from './order-payment.server';
import { stripeMoney } from './stripe.server';

/** What `refundOrder` did. */
export type RefundOutcome = {
  movementId: string;
  /** `credit`: an invoice credit note, settled at once; `refund`: a Stripe refund, made by a job. */
  kind: 'credit' | 'refund';
  amountCents: number;
  status: 'pending' | 'succeeded' | 'failed';
  /** False when the order had been refunded before: nothing new happened. */
  created: boolean;
  /** Set when a transfer to the pharmacy had already been made and is being reversed. */
  reversalMovementId?: string;
};

/** Sets refunded_cents to at least `atLeastCents` and the status that goes with it. */
async function raiseRefunded(db: Kysely<Database>, paymentId: string, atLeastCents: number): Promise<void> {
  await db
    .updateTable('payments')
    .set({
      refundedCents: sql`least(amount_cents, greatest(refunded_cents, ${atLeastCents}::int))`,
      status: sql`case when least(amount_cents, greatest(refunded_cents, ${atLeastCents}::int)) >= amount_cents then 'refunded'
                       when greatest(refunded_cents, ${atLeastCents}::int) > 0 then 'partially_refunded' else status end`,
    })
    .where('id', '=', paymentId)
    .execute();
}

async function succeededRefundsCents(db: Kysely<Database>, paymentId: string): Promise<number> {
  const row = await db
    .selectFrom('paymentMovements')
    .select(sql<number>`coalesce(sum(amount_cents), 0)::int`.as('cents'))
    .where('paymentId', '=', paymentId)
    .where('kind', '=', 'refund')
    .where('status', '=', 'succeeded')
    .executeTakeFirstOrThrow();
  return row.cents;
}

/**
 * Gives the clinic back what it paid for one order (a pharmacy rejected it, or it was
 * cancelled). Runs in the caller's transaction and is idempotent per order (key
 * `refund:<order id>`): a second call returns the first outcome and moves no money.
 * - Invoice: a credit against the invoice, recorded at once.
 * - Stripe: a partial Refund of the order's total on the checkout's PaymentIntent, made by the
 *   `payments.refund` job after the caller commits (so a rolled-back rejection never refunds).
 *   If the pharmacy had already been paid (cancelled after acceptance), its transfer is
 *   reversed as well (key `transfer_reversal:<order id>`).
 */
export async function refundOrder(tx: Kysely<Database>, orderId: string, reason: string): Promise<RefundOutcome> {
  const order = await orderPayment(tx, orderId, true);
  const key = movementKey.refund(orderId);
  const existing = await tx.selectFrom('paymentMovements').selectAll().where('idempotencyKey', '=', key).executeTakeFirst();
  if (existing) {
    return {
      movementId: existing.id,
      kind: order.provider === 'invoice' ? 'credit' : 'refund',
      amountCents: existing.amountCents,
      status: existing.status,
      created: false,
    };
  }
  const amountCents = order.totalCents;
  const isInvoice = order.provider === 'invoice';
  const movement = await tx
    .insertInto('paymentMovements')
    .values({
      paymentId: order.paymentId,
      orderId,
      kind: 'refund',
      amountCents,
      idempotencyKey: key,
      status: isInvoice ? 'succeeded' : 'pending',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const outcome: RefundOutcome = { movementId: movement.id, kind: isInvoice ? 'credit' : 'refund', amountCents, status: isInvoice ? 'succeeded' : 'pending', created: true };
  if (isInvoice) {
    await raiseRefunded(tx, order.paymentId, await succeededRefundsCents(tx, order.paymentId));
  } else {
    await enqueue(tx, 'payments.refund', { movementId: movement.id }, { jobKey: key });
    const transfer = await tx
      .selectFrom('paymentMovements')
      .select(['externalId', 'amountCents'])
      .where('idempotencyKey', '=', movementKey.transfer(orderId))
      .where('status', '=', 'succeeded')
      .executeTakeFirst();
    if (transfer?.externalId) {
      const reversal = await tx
        .insertInto('paymentMovements')
        .values({
          paymentId: order.paymentId,
          orderId,
          kind: 'transfer_reversal',
          amountCents: transfer.amountCents,
          idempotencyKey: movementKey.transferReversal(orderId),
          status: 'pending',
        })
        .onConflict((oc) => oc.column('idempotencyKey').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (reversal) {
        await enqueue(tx, 'payments.transfer_reversal', { movementId: reversal.id }, { jobKey: movementKey.transferReversal(orderId) });
        outcome.reversalMovementId = reversal.id;
      }
    }
  }
  await audit(tx, SYSTEM, {
    action: isInvoice ? 'payment.credited' : 'payment.refund_requested',
    subjectType: 'order',
    subjectId: orderId,
    clinicId: order.clinicId,
    pharmacyId: order.pharmacyId,
    detail: { amountCents, reason, paymentId: order.paymentId, checkoutId: order.checkoutId },
  });
  return outcome;
}

export async function runRefund(movementId: string): Promise<void> {
  const db = getDb();
  const movement = await db
    .selectFrom('paymentMovements')
    .innerJoin('payments', 'payments.id', 'paymentMovements.paymentId')
    .select(['paymentMovements.id', 'paymentMovements.status', 'paymentMovements.amountCents', 'paymentMovements.idempotencyKey', 'paymentMovements.orderId', 'payments.id as paymentId', 'payments.checkoutId', 'payments.stripePaymentIntentId'])
    .where('paymentMovements.id', '=', movementId)
    .executeTakeFirst();
  if (!movement || movement.status !== 'pending') return;
  if (!movement.stripePaymentIntentId) throw new Error(`payment ${movement.paymentId} has no PaymentIntent to refund`);
  const refund = await stripeMoney.refund({
    paymentIntentId: movement.stripePaymentIntentId,
    amountCents: movement.amountCents,
    metadata: { orderId: movement.orderId ?? '', checkoutId: movement.checkoutId },
    idempotencyKey: movement.idempotencyKey,
  });
  const status = refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : 'succeeded';
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('paymentMovements').set({ status, externalId: refund.id }).where('id', '=', movementId).where('status', '=', 'pending').execute();
    await raiseRefunded(tx, movement.paymentId, await succeededRefundsCents(tx, movement.paymentId));
    await audit(tx, SYSTEM, {
      action: status === 'succeeded' ? 'payment.refunded' : 'payment.refund_failed',
      subjectType: 'order',
      subjectId: movement.orderId ?? movement.paymentId,
      detail: { amountCents: movement.amountCents, refundId: refund.id, refundStatus: refund.status },
    });
  });
}
/**
 * Records what Stripe says a charge has had refunded (`charge.refunded`), including refunds
 * made outside vialcart (the dashboard). Never lowers what is recorded.
 */
export async function recordChargeRefunded(
  tx: Kysely<Database>,
  charge: { id: string; paymentIntentId: string | null; amountRefundedCents: number },
): Promise<boolean> {
  let q = tx.selectFrom('payments').select(['id', 'clinicId', 'checkoutId']).where('provider', '=', 'stripe');
  q = charge.paymentIntentId
    ? q.where((eb) => eb.or([eb('stripeChargeId', '=', charge.id), eb('stripePaymentIntentId', '=', charge.paymentIntentId)]))
    : q.where('stripeChargeId', '=', charge.id);
  const payment = await q.forUpdate().executeTakeFirst();
  if (!payment) return false;
  await tx.updateTable('payments').set({ stripeChargeId: charge.id }).where('id', '=', payment.id).where('stripeChargeId', 'is', null).execute();
  await raiseRefunded(tx, payment.id, charge.amountRefundedCents);
  await audit(tx, SYSTEM, {
    action: 'payment.refund_recorded',
    subjectType: 'checkout',
    subjectId: payment.checkoutId,
    clinicId: payment.clinicId,
    detail: { chargeId: charge.id, amountRefundedCents: charge.amountRefundedCents },
  });
  return true;
}
