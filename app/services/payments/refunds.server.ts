/**
 * Refunds: the clinic gets back what it paid for an order (an invoice credit at once, or a
 * Stripe refund sent by the order's money job after the caller commits, after any transfer to
 * the pharmacy has been reversed), and what Stripe later says of a refund is recorded. Only a
 * refund Stripe calls `succeeded` counts as refunded; `pending` and `requires_action` wait for
 * its event (`charge.refund.updated`, `refund.updated`, `refund.failed`).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import { enqueue } from '../platform/jobs.server';
import { keepPlatformFee, returnPlatformFee, syncRefunded } from './charges.server';
import { movementKey } from './keys';
import { addMovement, checkAfterMovement, moveMovement } from './movements.server';
import { addReversal, refundOutcome, scheduleOrderMoney } from './order-money.server';
import { orderPayment, PAYMENTS_SYSTEM as SYSTEM } from './order-payment.server';
import { stripeMoney } from './stripe-money.server';
import type { ProviderRefund } from './types';
import { getDb } from '../../../db/client';

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

const publicStatus = (status: string): RefundOutcome['status'] => (status === 'succeeded' ? 'succeeded' : status === 'failed' || status === 'canceled' ? 'failed' : 'pending');

/**
 * Gives the clinic back what it paid for one order (a pharmacy rejected it, or it was
 * cancelled). Runs in the caller's transaction, under the order's row lock, and is idempotent
 * per order (key `refund:<order id>`): a second call returns the first outcome and moves no money.
 * - Invoice: a credit against the invoice, recorded at once.
 * - Stripe: a refund of the order's total on the checkout's PaymentIntent, sent by the order's
 *   money job after the caller commits (a rolled-back rejection never refunds). A transfer not
 *   sent yet is cancelled; one already made is reversed first (key `transfer_reversal:<order id>`);
 *   one whose answer is not known yet is looked up and, if it exists, reversed.
 */
export async function refundOrder(tx: Kysely<Database>, orderId: string, reason: string): Promise<RefundOutcome> {
  const order = await orderPayment(tx, orderId, true);
  const isInvoice = order.provider === 'invoice';
  const { movement, created } = await addMovement(tx, {
    paymentId: order.paymentId,
    checkoutId: order.checkoutId,
    clinicId: order.clinicId,
    orderId,
    kind: 'refund',
    provider: order.provider,
    amountCents: order.totalCents,
    key: movementKey.refund(orderId),
    status: isInvoice ? 'succeeded' : 'pending',
    note: reason.slice(0, 500),
  });
  const outcome: RefundOutcome = { movementId: movement.id, kind: isInvoice ? 'credit' : 'refund', amountCents: movement.amountCents, status: publicStatus(movement.status), created };
  if (!created) return outcome;
  if (isInvoice) {
    await returnPlatformFee(tx, orderId);
    await syncRefunded(tx, order.paymentId);
  } else {
    const transfer = await tx.selectFrom('paymentMovements').selectAll().where('idempotencyKey', '=', movementKey.transfer(orderId)).executeTakeFirst();
    if (transfer?.status === 'pending') await moveMovement(tx, transfer.id, ['pending'], 'canceled', { note: 'not sent: the order is refunded' });
    if (transfer && (transfer.status === 'succeeded' || transfer.status === 'processing')) {
      outcome.reversalMovementId = (await addReversal(tx, order, transfer)).movement.id;
    }
    await scheduleOrderMoney(tx, orderId);
  }
  await audit(tx, SYSTEM, {
    action: isInvoice ? 'payment.credited' : 'payment.refund_requested',
    subjectType: 'order',
    subjectId: orderId,
    clinicId: order.clinicId,
    pharmacyId: order.pharmacyId,
    detail: { amountCents: order.totalCents, reason, paymentId: order.paymentId, checkoutId: order.checkoutId },
  });
  await checkAfterMovement(tx, order.checkoutId);
  return outcome;
}

/**
 * A refund as Stripe reports it later (`charge.refund.updated`, `refund.updated`,
 * `refund.failed`): ours (by its Stripe id, or the movement key in its metadata) moves to
 * Stripe's status — never back from a final one, so a late or repeated event changes nothing;
 * one made outside vialcart is recorded under its Stripe id. Answers what it did.
 */
export async function recordRefundUpdate(tx: Kysely<Database>, refund: ProviderRefund): Promise<'recorded' | 'unchanged' | 'recorded_outside' | 'unknown_refund'> {
  const ours = await tx
    .selectFrom('paymentMovements')
    .selectAll()
    .where('kind', '=', 'refund')
    .where((eb) => eb.or([eb('externalId', '=', refund.id), eb('idempotencyKey', '=', refund.metadata.movement ?? '')]))
    .executeTakeFirst();
  if (!ours) return recordOutsideRefund(tx, refund);
  if (ours.orderId) await orderPayment(tx, ours.orderId, true);
  const found = refundOutcome(refund);
  const from =
    found.state === 'succeeded'
      ? (['sending', 'unknown', 'processing'] as const)
      : found.state === 'processing'
        ? (['sending', 'unknown'] as const)
        : (['sending', 'unknown', 'processing', 'succeeded'] as const);
  const moved = await moveMovement(tx, ours.id, from, found.state, { externalId: refund.id, providerStatus: refund.status, note: `Stripe: refund ${refund.status.replace(/_/g, ' ')}` });
  if (!moved) return 'unchanged';
  if (found.state === 'failed' && ours.orderId) await keepPlatformFee(tx, ours.orderId);
  await syncRefunded(tx, ours.paymentId);
  await audit(tx, SYSTEM, {
    action: found.state === 'succeeded' ? 'payment.refunded' : found.state === 'failed' ? 'payment.refund_failed' : 'payment.refund_pending',
    subjectType: ours.orderId ? 'order' : 'checkout',
    subjectId: ours.orderId ?? ours.checkoutId,
    clinicId: ours.clinicId,
    detail: { amountCents: ours.amountCents, refundId: refund.id, stripeStatus: refund.status },
  });
  await checkAfterMovement(tx, ours.checkoutId);
  return 'recorded';
}

async function recordOutsideRefund(tx: Kysely<Database>, refund: ProviderRefund): Promise<'recorded_outside' | 'unchanged' | 'unknown_refund'> {
  if (!refund.paymentIntentId) return 'unknown_refund';
  const payment = await tx.selectFrom('payments').select(['id', 'checkoutId', 'clinicId']).where('stripePaymentIntentId', '=', refund.paymentIntentId).executeTakeFirst();
  if (!payment) return 'unknown_refund';
  const found = refundOutcome(refund);
  const { created, movement } = await addMovement(tx, {
    paymentId: payment.id,
    checkoutId: payment.checkoutId,
    clinicId: payment.clinicId,
    orderId: null,
    kind: 'refund',
    provider: 'stripe',
    amountCents: refund.amountCents,
    key: movementKey.outside(refund.id),
    status: found.state,
    externalId: refund.id,
    providerStatus: refund.status,
    note: 'refunded outside vialcart (Stripe dashboard)',
  });
  if (!created) {
    const from = found.state === 'processing' ? ([] as const) : found.state === 'succeeded' ? (['processing'] as const) : (['processing', 'succeeded'] as const);
    if (from.length === 0 || !(await moveMovement(tx, movement.id, from, found.state, { providerStatus: refund.status, note: `Stripe: refund ${refund.status}` }))) return 'unchanged';
  }
  await syncRefunded(tx, payment.id);
  await audit(tx, SYSTEM, { action: 'payment.refund_recorded', subjectType: 'checkout', subjectId: payment.checkoutId, clinicId: payment.clinicId, detail: { refundId: refund.id, amountCents: refund.amountCents, stripeStatus: refund.status } });
  await checkAfterMovement(tx, payment.checkoutId);
  return 'recorded_outside';
}

/**
 * `charge.refunded`: Stripe says how much of a charge is refunded in all. When that is more
 * than the ledger knows of, the charge's refunds are read from Stripe by a job (after this
 * transaction) and the unknown ones recorded. Answers whether the charge is ours.
 */
export async function recordChargeRefunded(
  tx: Kysely<Database>,
  charge: { id: string; paymentIntentId: string | null; amountRefundedCents: number },
): Promise<boolean> {
  let q = tx.selectFrom('payments').select(['id', 'clinicId', 'checkoutId', 'stripePaymentIntentId']).where('provider', '=', 'stripe');
  q = charge.paymentIntentId
    ? q.where((eb) => eb.or([eb('stripeChargeId', '=', charge.id), eb('stripePaymentIntentId', '=', charge.paymentIntentId)]))
    : q.where('stripeChargeId', '=', charge.id);
  const payment = await q.executeTakeFirst();
  if (!payment) return false;
  await tx.updateTable('payments').set({ stripeChargeId: charge.id }).where('id', '=', payment.id).where('stripeChargeId', 'is', null).execute();
  const { cents } = await tx
    .selectFrom('paymentMovements')
    .select(sql<number>`coalesce(sum(amount_cents), 0)::int`.as('cents'))
    .where('paymentId', '=', payment.id)
    .where('kind', '=', 'refund')
    .where('status', 'in', ['sending', 'unknown', 'processing', 'succeeded'])
    .executeTakeFirstOrThrow();
  if (charge.amountRefundedCents > cents && payment.stripePaymentIntentId) {
    await enqueue(tx, 'payments.sync_refunds', { paymentIntentId: payment.stripePaymentIntentId }, { jobKey: `sync_refunds:${payment.stripePaymentIntentId}` });
  }
  return true;
}

/** The `payments.sync_refunds` job: records every refund of a payment that the ledger does not know of yet. */
export async function syncRefundsOf(paymentIntentId: string): Promise<number> {
  const refunds = await stripeMoney.listRefundsOf(paymentIntentId);
  let recorded = 0;
  for (const refund of refunds) {
    const result = await getDb().transaction().execute((tx) => recordRefundUpdate(tx, refund));
    if (result === 'recorded' || result === 'recorded_outside') recorded += 1;
  }
  return recorded;
}
