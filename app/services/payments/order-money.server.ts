/**
 * Moving an order's money at Stripe, one step at a time (docs/money.md, "One order at a time").
 * Each step is decided under the order's row lock and claimed by compare-and-set (`pending` →
 * `sending`), the Stripe request is made after that transaction commits (never inside one), and
 * its outcome is recorded under the lock again. The rules:
 * - a movement whose request got no answer (`unknown`, or `sending` for too long) is looked up
 *   at Stripe by its key before anything else happens to the order;
 * - while a request is on its way nothing else is sent for the order (the job comes back later);
 * - once the order is being refunded, a transfer not sent yet is cancelled, any transfer that
 *   exists — recorded, found by a lookup, or answered late — is reversed, and the refund is
 *   sent only after the reversal came back, so the platform never pays out what it no longer holds;
 * - otherwise an accepted order's transfer is sent.
 * The `payments.settle_order` job runs this, one at a time per order (queue `money:<order id>`).
 */
import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { enqueue } from '../platform/jobs.server';
import { log } from '../platform/logger.server';
import { keepPlatformFee, returnPlatformFee, syncRefunded } from './charges.server';
import { transferGroupOf } from './keys';
import { addMovement, checkAfterMovement, moveMovement, type Movement } from './movements.server';
import { orderPayment, PAYMENTS_SYSTEM as SYSTEM, setPharmacyPayout } from './order-payment.server';
import { stripeMoney } from './stripe-money.server';
import { PaymentRefused, PaymentsUnavailable, type ProviderRefund } from './types';

type Db = Kysely<Database>;
type OrderRow = Awaited<ReturnType<typeof orderPayment>>;

/** A request `sending` for longer than this is treated as unanswered and looked up (the SDK gives up well before). */
export const SENDING_STALE_MS = 2 * 60_000;
/** Steps one run takes at most (transfer, lookup, reversal, refund fit well within). */
const MAX_STEPS = 8;

const settleKey = (orderId: string) => `money:${orderId}`;

/** Queues the order's money to be moved (after the caller's transaction commits), one job per order at a time. */
export async function scheduleOrderMoney(tx: Db, orderId: string): Promise<void> {
  await enqueue(tx, 'payments.settle_order', { orderId }, { jobKey: settleKey(orderId), queueName: settleKey(orderId) });
}

/** Something of the order is on its way to Stripe from elsewhere: the job tries again later. */
export class MoneyInFlight extends Error {
  override readonly name = 'MoneyInFlight';
}

/** Where the order's money stands after a run: `done` (nothing left to do now) or `waiting` (a request on its way elsewhere). */
export type SettleOutcome = { state: 'done' | 'waiting'; steps: number };

type Step =
  | { kind: 'done' }
  | { kind: 'wait'; reason: string }
  | { kind: 'send'; movement: Movement; order: OrderRow; transferId?: string }
  | { kind: 'look_up'; movement: Movement; order: OrderRow; transferId?: string };

/**
 * Moves an order's money as far as it can now. Throws `PaymentsUnavailable` when Stripe did not
 * answer or refused our key (the job retries; an unanswered request is looked up first next time).
 */
export async function settleOrderMoney(orderId: string): Promise<SettleOutcome> {
  const db = getDb();
  for (let steps = 0; steps < MAX_STEPS; steps++) {
    const step = await db.transaction().execute((tx) => nextStep(tx, orderId));
    if (step.kind === 'done') return { state: 'done', steps };
    if (step.kind === 'wait') return { state: 'waiting', steps };
    if (step.kind === 'look_up') await lookUp(step);
    else await send(step);
  }
  return { state: 'done', steps: MAX_STEPS };
}

const byKind = (ms: Movement[], kind: Movement['kind']) => ms.filter((m) => m.kind === kind);
const live = (m: Movement) => m.status !== 'failed' && m.status !== 'canceled';

/** Decides (and claims) the order's next step under its row lock. */
async function nextStep(tx: Db, orderId: string): Promise<Step> {
  const order = await orderPayment(tx, orderId, true);
  if (order.provider !== 'stripe') return { kind: 'done' };
  const ms = await tx.selectFrom('paymentMovements').selectAll().where('orderId', '=', orderId).orderBy('createdAt').orderBy('id').execute();
  const transfer = byKind(ms, 'transfer')[0];
  const reversals = byKind(ms, 'transfer_reversal');
  const refunds = byKind(ms, 'refund');
  const at = now().getTime();

  // 1. A request without an answer is looked up before anything else happens to the order.
  for (const m of [transfer, ...reversals, ...refunds]) {
    if (!m) continue;
    const stale = m.status === 'sending' && (m.sendingSince?.getTime() ?? 0) < at - SENDING_STALE_MS;
    if (m.status === 'unknown' || stale) return { kind: 'look_up', movement: m, order, ...(m.kind === 'transfer_reversal' ? { transferId: transfer?.externalId ?? undefined } : {}) };
  }
  // 2. One request at a time per order.
  if ([transfer, ...reversals, ...refunds].some((m) => m?.status === 'sending')) return { kind: 'wait', reason: 'a request is on its way' };

  const refunding = refunds.some(live);
  if (refunding) {
    // 3a. Not sent yet: the pharmacy will not be paid for a refunded order.
    if (transfer?.status === 'pending') {
      await moveMovement(tx, transfer.id, ['pending'], 'canceled', { note: 'not sent: the order is refunded' });
    }
    // 3b. Any transfer that exists is reversed, in full, before the refund goes out.
    if (transfer && (transfer.status === 'succeeded' || transfer.status === 'processing') && !reversals.some(live)) {
      const { movement } = await addReversal(tx, order, transfer);
      reversals.push(movement);
    }
    const reversal = reversals.find((r) => r.status === 'pending');
    if (reversal) {
      if (!transfer?.externalId) return { kind: 'wait', reason: 'the transfer to reverse is not known yet' };
      return claim(tx, reversal, order, transfer.externalId);
    }
    if (reversals.some((r) => r.status === 'processing')) return { kind: 'wait', reason: 'a reversal is not final yet' };
    const refund = refunds.find((r) => r.status === 'pending');
    if (refund) return claim(tx, refund, order);
    return { kind: 'done' };
  }
  // 4. An accepted order's pharmacy is paid.
  if (transfer?.status === 'pending') {
    if (!order.stripeAccountId) {
      await moveMovement(tx, transfer.id, ['pending'], 'canceled', { note: 'not sent: the pharmacy has no connected Stripe account that can receive transfers (paid on account)' });
      await setPharmacyPayout(tx, order.orderId, 'on_account');
      return { kind: 'done' };
    }
    return claim(tx, transfer, order);
  }
  return { kind: 'done' };
}

async function claim(tx: Db, movement: Movement, order: OrderRow, transferId?: string): Promise<Step> {
  const claimed = await moveMovement(tx, movement.id, ['pending'], 'sending', { note: 'sending to Stripe', sending: true });
  if (!claimed) return { kind: 'wait', reason: 'claimed elsewhere' };
  // The clinic gets the order's platform fee back with its refund.
  if (claimed.kind === 'refund' && claimed.orderId) await returnPlatformFee(tx, claimed.orderId);
  return { kind: 'send', movement: claimed, order, ...(transferId ? { transferId } : {}) };
}

/** The reversal of an order's transfer (all of it: the order's whole total is refunded). */
export async function addReversal(tx: Db, order: OrderRow, transfer: Movement) {
  return addMovement(tx, {
    paymentId: order.paymentId,
    checkoutId: order.checkoutId,
    clinicId: order.clinicId,
    orderId: order.orderId,
    kind: 'transfer_reversal',
    provider: 'stripe',
    amountCents: transfer.amountCents,
    key: `transfer_reversal:${order.orderId}`,
    status: 'pending',
    note: 'the order is refunded after its pharmacy was paid',
  });
}

const metadataOf = (m: Movement) => ({ orderId: m.orderId ?? '', checkoutId: m.checkoutId, movement: m.idempotencyKey });

/** Whether the order is being (or has been) refunded: a refund of it that has not failed. */
async function isRefunding(tx: Db, orderId: string): Promise<boolean> {
  const refund = await tx.selectFrom('paymentMovements').select('id').where('orderId', '=', orderId).where('kind', '=', 'refund').where('status', 'not in', ['failed', 'canceled']).executeTakeFirst();
  return refund !== undefined;
}

/** Makes a claimed movement's request and records its outcome. */
async function send(step: Extract<Step, { kind: 'send' }>): Promise<void> {
  const { movement: m, order } = step;
  try {
    if (m.kind === 'transfer') {
      const sourceCharge = await chargeOf(order);
      const transfer = await stripeMoney.transfer({
        amountCents: m.amountCents,
        destination: order.stripeAccountId!,
        transferGroup: order.transferGroup ?? transferGroupOf(order.checkoutId),
        sourceCharge,
        description: `${order.pharmacyName}: order ${order.orderId}`,
        metadata: metadataOf(m),
        idempotencyKey: m.idempotencyKey,
      });
      await recordFound(m, { stripeId: transfer.id, state: 'succeeded', note: 'transferred' });
    } else if (m.kind === 'transfer_reversal') {
      const reversal = await stripeMoney.reverseTransfer({ transferId: step.transferId!, amountCents: m.amountCents, metadata: metadataOf(m), idempotencyKey: m.idempotencyKey });
      await recordFound(m, { stripeId: reversal.id, state: 'succeeded', note: 'reversed' });
    } else if (m.kind === 'refund') {
      if (!order.stripePaymentIntentId) throw new PaymentRefused('Stripe', `payment ${order.paymentId} has no PaymentIntent to refund`);
      const refund = await stripeMoney.refund({ paymentIntentId: order.stripePaymentIntentId, amountCents: m.amountCents, metadata: metadataOf(m), idempotencyKey: m.idempotencyKey });
      await recordFound(m, refundOutcome(refund));
    }
  } catch (error) {
    await recordFailure(m, error);
  }
}

/** The charge behind the order's payment, asked of Stripe once and kept. */
async function chargeOf(order: OrderRow): Promise<string> {
  if (order.stripeChargeId) return order.stripeChargeId;
  if (!order.stripePaymentIntentId) throw new PaymentRefused('Stripe', `payment ${order.paymentId} has no PaymentIntent yet`);
  const charge = await stripeMoney.chargeOf(order.stripePaymentIntentId);
  if (!charge) throw new PaymentsUnavailable('busy', { type: 'no_charge_yet' });
  await getDb().updateTable('payments').set({ stripeChargeId: charge }).where('id', '=', order.paymentId).execute();
  return charge;
}

/** A movement's outcome as Stripe gave it (or as a lookup found it). */
type Found = { stripeId: string; state: 'succeeded' | 'processing' | 'failed'; providerStatus?: string; note: string };

/** Stripe's refund statuses in ledger terms: only `succeeded` is succeeded; `pending` and `requires_action` wait for Stripe's event. */
export function refundOutcome(refund: ProviderRefund): Found {
  if (refund.status === 'succeeded') return { stripeId: refund.id, state: 'succeeded', providerStatus: refund.status, note: 'refunded' };
  if (refund.status === 'failed' || refund.status === 'canceled') return { stripeId: refund.id, state: 'failed', providerStatus: refund.status, note: `the refund ${refund.status}` };
  return { stripeId: refund.id, state: 'processing', providerStatus: refund.status, note: `refund ${refund.status.replace(/_/g, ' ')} at Stripe` };
}

/**
 * Records what exists at Stripe for a movement, whatever the movement's state is by now: an
 * answer arriving after the request was given up on (or looked up and not found) is recorded
 * all the same, and if the order is being refunded meanwhile, the transfer is queued to be reversed.
 */
async function recordFound(m: Movement, found: Found): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const order = await orderPayment(tx, m.orderId!, true);
      const current = await tx.selectFrom('paymentMovements').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
      const from = found.state === 'succeeded' ? (['sending', 'unknown', 'pending', 'processing', 'failed', 'canceled'] as const) : (['sending', 'unknown', 'pending'] as const);
      const moved = await moveMovement(tx, m.id, from, found.state, { externalId: found.stripeId, providerStatus: found.providerStatus ?? null, note: found.note });
      if (!moved) return;
      if (found.state === 'failed' && m.kind === 'refund') await keepPlatformFee(tx, order.orderId);
      if (m.kind === 'refund') await syncRefunded(tx, order.paymentId);
      if (current.status === 'canceled' || current.status === 'failed') log().warn({ orderId: order.orderId, movement: m.idempotencyKey, stripeId: found.stripeId }, 'money movement found at Stripe after it was given up');
      await audit(tx, SYSTEM, {
        action: `payment.${m.kind === 'transfer' ? 'transferred' : m.kind === 'transfer_reversal' ? 'transfer_reversed' : found.state === 'succeeded' ? 'refunded' : found.state === 'failed' ? 'refund_failed' : 'refund_pending'}`,
        subjectType: 'order',
        subjectId: order.orderId,
        clinicId: order.clinicId,
        pharmacyId: order.pharmacyId,
        detail: { amountCents: m.amountCents, stripeId: found.stripeId, state: found.state, ...(found.providerStatus ? { stripeStatus: found.providerStatus } : {}) },
      });
      // A transfer that turned up while the order is being refunded goes back.
      if (m.kind === 'transfer' && found.state === 'succeeded' && (await isRefunding(tx, order.orderId))) await scheduleOrderMoney(tx, order.orderId);
      await checkAfterMovement(tx, order.checkoutId);
    });
}

/** A request that failed: refused (final), not made (sent again later), or unanswered (looked up next). */
async function recordFailure(m: Movement, error: unknown): Promise<void> {
  const failure = error instanceof PaymentRefused ? 'refused' : error instanceof PaymentsUnavailable ? error.failure : null;
  if (!failure) {
    // Not Stripe's answer (a bug, the database): treat the request as unanswered.
    await getDb().transaction().execute((tx) => moveMovement(tx, m.id, ['sending'], 'unknown', { note: 'the request ended without an answer' }));
    throw error;
  }
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const order = await orderPayment(tx, m.orderId!, true);
      if (failure === 'refused') {
        await moveMovement(tx, m.id, ['sending'], 'failed', { note: `Stripe refused it: ${(error as Error).message}`.slice(0, 500) });
        if (m.kind === 'refund') await keepPlatformFee(tx, order.orderId);
        log().error({ orderId: order.orderId, movement: m.idempotencyKey, stripe: (error as PaymentRefused).detail }, 'Stripe refused a money movement');
      } else if (failure === 'unknown') {
        await moveMovement(tx, m.id, ['sending'], 'unknown', { note: 'Stripe did not answer: it will be looked up' });
      } else {
        await moveMovement(tx, m.id, ['sending'], 'pending', { note: failure === 'busy' ? 'Stripe asked us to try later' : 'payments are unavailable (Stripe refused our key)' });
        if (m.kind === 'refund') await keepPlatformFee(tx, order.orderId);
      }
      await checkAfterMovement(tx, order.checkoutId);
    });
  if (failure !== 'refused') throw error;
}

/** Looks an unanswered movement up at Stripe by its key, and records what it finds. */
async function lookUp(step: Extract<Step, { kind: 'look_up' }>): Promise<void> {
  const { movement: m, order } = step;
  let found: Found | null = null;
  if (m.kind === 'transfer') {
    const transfer = await stripeMoney.findTransfer(order.transferGroup ?? transferGroupOf(order.checkoutId), m.idempotencyKey);
    if (transfer) found = { stripeId: transfer.id, state: 'succeeded', note: 'found at Stripe by its transfer group' };
  } else if (m.kind === 'transfer_reversal') {
    const reversal = step.transferId ? await stripeMoney.findReversal(step.transferId, m.idempotencyKey) : null;
    if (reversal) found = { stripeId: reversal.id, state: 'succeeded', note: 'found at Stripe among the transfer’s reversals' };
  } else if (m.kind === 'refund' && order.stripePaymentIntentId) {
    const refund = await stripeMoney.findRefund(order.stripePaymentIntentId, m.idempotencyKey);
    if (refund) found = { ...refundOutcome(refund), note: 'found at Stripe among the payment’s refunds' };
  }
  if (found) return recordFound(m, found);
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const locked = await orderPayment(tx, m.orderId!, true);
      // Not at Stripe: a transfer of an order being refunded is not sent again; anything else is.
      if (m.kind === 'transfer' && (await isRefunding(tx, locked.orderId))) await moveMovement(tx, m.id, ['unknown', 'sending'], 'canceled', { note: 'not found at Stripe, and the order is refunded: not sent again' });
      else await moveMovement(tx, m.id, ['unknown', 'sending'], 'pending', { note: 'not found at Stripe: it will be sent again with the same key' });
      await checkAfterMovement(tx, locked.checkoutId);
    });
}

/** Registers nothing itself: the payments room's entry registers `payments.settle_order` with `settleOrderMoney`. */
export async function settleOrderMoneyJob(orderId: string): Promise<void> {
  const outcome = await settleOrderMoney(orderId);
  if (outcome.state === 'waiting') throw new MoneyInFlight(`order ${orderId}: a money movement is on its way; trying again later`);
}
