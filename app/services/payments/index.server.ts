/**
 * Payments: which provider takes the clinic's money, and the money movements after it —
 * refunds of rejected or cancelled orders and Stripe Connect transfers to pharmacies.
 * docs/decisions/004-payments.md says when each happens and which idempotency key it carries.
 */
import { sql, type Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import { notFound } from '../platform/errors';
import { enqueue, registerTasks } from '../platform/jobs.server';
import { invoiceProvider } from './invoice.server';
import { getStripe, stripeConfigured, stripeProvider } from './stripe.server';
import type { PaymentProvider } from './types';

export type { PaymentProvider, PaymentRequest, PaymentStart, PaymentPart, ProviderName } from './types';
export { configureStripe, createStripeClient, stripeConfigured, type StripeConnection } from './stripe.server';

/** Stripe when STRIPE_SECRET_KEY is set (or a test configured it), otherwise pay on account. */
export function getPaymentProvider(): PaymentProvider {
  return stripeConfigured() ? stripeProvider : invoiceProvider;
}

/** The Stripe Connect transfer group of a checkout: the charge and every pharmacy's transfer carry it. */
export function transferGroupOf(checkoutId: string): string {
  return `checkout_${checkoutId}`;
}

/** Idempotency keys of the money movements of an order: one of each kind per order, ever. */
export const movementKey = {
  refund: (orderId: string) => `refund:${orderId}`,
  transfer: (orderId: string) => `transfer:${orderId}`,
  transferReversal: (orderId: string) => `transfer_reversal:${orderId}`,
};

const SYSTEM = { actorType: 'system' as const, actorLabel: 'vialcart payments' };

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

async function orderPayment(db: Kysely<Database>, orderId: string, lock: boolean) {
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
  // Locking the payment serialises refunds of its orders, so refunded_cents never races.
  if (lock) q = q.forUpdate('payments');
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('Order');
  return row;
}

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

/** What `transferToPharmacy` did. */
export type TransferOutcome =
  | { status: 'succeeded'; movementId: string; transferId: string; amountCents: number; created: boolean }
  | { status: 'skipped'; reason: 'invoice' | 'no_connected_account' | 'refunded' };

/** The charge behind a Stripe payment (`PaymentIntent.latest_charge`), stored once known. */
async function chargeOf(paymentId: string, paymentIntentId: string | null, known: string | null): Promise<string> {
  if (known) return known;
  if (!paymentIntentId) throw new Error(`payment ${paymentId} has no PaymentIntent yet`);
  const intent = await getStripe().paymentIntents.retrieve(paymentIntentId);
  const charge = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
  if (!charge) throw new Error(`PaymentIntent ${paymentIntentId} has no charge yet`);
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
  const transfer = await getStripe().transfers.create(
    {
      amount: movement.amountCents,
      currency: 'usd',
      destination: order.stripeAccountId,
      transfer_group: order.transferGroup ?? transferGroupOf(order.checkoutId),
      source_transaction: charge,
      description: `${order.pharmacyName}: order ${orderId}`,
      metadata: { orderId, checkoutId: order.checkoutId },
    },
    { idempotencyKey: key },
  );
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('paymentMovements').set({ status: 'succeeded', externalId: transfer.id }).where('id', '=', movement.id).execute();
    await audit(tx, SYSTEM, {
      action: 'payment.transferred',
      subjectType: 'order',
      subjectId: orderId,
      clinicId: order.clinicId,
      pharmacyId: order.pharmacyId,
      detail: { amountCents: movement.amountCents, transferId: transfer.id, destination: order.stripeAccountId, transferGroup: transfer.transfer_group },
    });
  });
  return { status: 'succeeded', movementId: movement.id, transferId: transfer.id, amountCents: movement.amountCents, created: true };
}

/** Enqueues `transferToPharmacy(orderId)` in the caller's transaction (runs once it commits; retried on Stripe errors). */
export async function scheduleTransfer(tx: Kysely<Database>, orderId: string): Promise<void> {
  await enqueue(tx, 'payments.transfer', { orderId }, { jobKey: movementKey.transfer(orderId) });
}

async function runRefund(movementId: string): Promise<void> {
  const db = getDb();
  const movement = await db
    .selectFrom('paymentMovements')
    .innerJoin('payments', 'payments.id', 'paymentMovements.paymentId')
    .select(['paymentMovements.id', 'paymentMovements.status', 'paymentMovements.amountCents', 'paymentMovements.idempotencyKey', 'paymentMovements.orderId', 'payments.id as paymentId', 'payments.checkoutId', 'payments.stripePaymentIntentId'])
    .where('paymentMovements.id', '=', movementId)
    .executeTakeFirst();
  if (!movement || movement.status !== 'pending') return;
  if (!movement.stripePaymentIntentId) throw new Error(`payment ${movement.paymentId} has no PaymentIntent to refund`);
  const refund = await getStripe().refunds.create(
    {
      payment_intent: movement.stripePaymentIntentId,
      amount: movement.amountCents,
      reason: 'requested_by_customer',
      metadata: { orderId: movement.orderId ?? '', checkoutId: movement.checkoutId },
    },
    { idempotencyKey: movement.idempotencyKey },
  );
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

async function runTransferReversal(movementId: string): Promise<void> {
  const db = getDb();
  const movement = await db.selectFrom('paymentMovements').selectAll().where('id', '=', movementId).executeTakeFirst();
  if (!movement || movement.status !== 'pending' || !movement.orderId) return;
  const transfer = await db
    .selectFrom('paymentMovements')
    .select('externalId')
    .where('idempotencyKey', '=', movementKey.transfer(movement.orderId))
    .executeTakeFirst();
  if (!transfer?.externalId) throw new Error(`order ${movement.orderId} has no transfer to reverse`);
  const reversal = await getStripe().transfers.createReversal(
    transfer.externalId,
    { amount: movement.amountCents, metadata: { orderId: movement.orderId } },
    { idempotencyKey: movement.idempotencyKey },
  );
  await db.updateTable('paymentMovements').set({ status: 'succeeded', externalId: reversal.id }).where('id', '=', movementId).execute();
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

/** Registers the payment jobs (refunds, transfers, reversals); called from registerAllTasks. */
export function registerPaymentTasks(): void {
  registerTasks({
    'payments.refund': async (payload: { movementId: string }) => runRefund(payload.movementId),
    'payments.transfer': async (payload: { orderId: string }) => {
      await transferToPharmacy(payload.orderId);
    },
    'payments.transfer_reversal': async (payload: { movementId: string }) => runTransferReversal(payload.movementId),
  });
}
