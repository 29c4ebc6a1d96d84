/**
 * Routing: hands each paid order to its pharmacy exactly once, through the pharmacy's adapter
 * (signed REST POST, or the portal), retrying with back-off for up to 24 h before the order
 * shows as `delivery_failed` with a "Retry now" button. docs/pharmacy-api.md describes what a
 * pharmacy sees; docs/decisions/002-job-queue.md the queue.
 *
 * Exactly once: one job per order (`jobKey`), and the attempt runs inside a transaction that
 * holds the order row (`select … for update`) and checks it is still `pending_delivery`, so a
 * duplicate job waits and then finds the order submitted. A worker killed mid-attempt rolls
 * its transaction back; the job runs again and the pharmacy dedupes the re-sent document by
 * its `Idempotency-Key` (the order id).
 */
import { performance } from 'node:perf_hooks';
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database, OrderStatus } from '../../../db/schema';
import { getAdapter } from '../../../pharmacies/registry';
import type { OrderDocumentV1, PharmacySettings, SubmitResult } from '../../../pharmacies/types';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { conflict, notFound } from '../platform/errors';
import { enqueue, registerCron, registerTasks, type JobContext } from '../platform/jobs.server';
import { enqueueNotification } from '../owners/notifications.server';
import { refundOrder } from '../payments/index.server';
import { buildOrderDocument } from './order-document.server';
import { appendCartLines, lockCartForReturnedLines } from '../cart/store.server';
import { carrySignoffs } from '../cart/signoffs.server';
import { clinicScope, type Principal } from '../identity/principal';

/** The delivery task's name; its payload is `{ orderId }`. */
export const DELIVER_TASK = 'orders.deliver';
/** The sweep that re-enqueues deliveries whose job was lost. */
export const DELIVERY_SWEEP_TASK = 'orders.delivery_sweep';
/** How long a delivery keeps being retried after its first attempt. */
export const DELIVERY_WINDOW_MS = 24 * 3600_000;

/** The retry schedule: `baseMs × 2^(attempt−1)`, capped at `capMs`, each delay jittered by ±`jitter`. */
export type DeliveryBackoff = { baseMs: number; capMs: number; jitter: number };
const DEFAULT_BACKOFF: DeliveryBackoff = { baseMs: 30_000, capMs: 3600_000, jitter: 0.2 };
let backoff: DeliveryBackoff = DEFAULT_BACKOFF;
let random: () => number = Math.random;

/** Tests and benchmarks shorten the schedule or fix the jitter; no argument restores the defaults. */
export function setDeliveryBackoff(options?: Partial<DeliveryBackoff> & { random?: () => number }): void {
  backoff = { ...DEFAULT_BACKOFF, ...options };
  random = options?.random ?? Math.random;
}

/**
 * Milliseconds to wait after failed attempt number `attempt` (1 = the first). A pharmacy's
 * `Retry-After` is honoured when it asks for longer, up to the cap.
 */
export function deliveryDelayMs(attempt: number, retryAfterSeconds?: number): number {
  const exponential = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  // Jitter spreads the retries of many orders to a pharmacy that just came back up.
  const jittered = exponential * (1 - backoff.jitter + 2 * backoff.jitter * random());
  const hinted = retryAfterSeconds !== undefined ? Math.min(backoff.capMs, retryAfterSeconds * 1000) : 0;
  return Math.round(Math.max(jittered, hinted));
}

const jobKeyOf = (orderId: string) => `${DELIVER_TASK}:${orderId}`;

/**
 * Queues the delivery of an order to its pharmacy, inside the caller's transaction (checkout
 * calls it for each order it creates in `pending_delivery`). At most one delivery job per order
 * is pending; calling again moves it to `runAt`.
 */
export async function enqueueOrderDelivery(tx: Kysely<Database>, orderId: string, runAt?: Date): Promise<void> {
  await enqueue(tx, DELIVER_TASK, { orderId }, { jobKey: jobKeyOf(orderId), runAt: runAt ?? now(), maxAttempts: 10 });
}

/**
 * Queues the deliveries of many orders in one statement (graphile's `add_jobs`), inside the
 * caller's transaction: what `enqueueOrderDelivery` does for each, in one round trip.
 */
export async function enqueueOrderDeliveries(tx: Kysely<Database>, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await sql`select graphile_worker.add_jobs(array(
    select row(${DELIVER_TASK}::text, json_build_object('orderId', id), null::text, ${now().toISOString()}::timestamptz, 10, ${`${DELIVER_TASK}:`}::text || id, 0, null::text[])::graphile_worker.job_spec
    from unnest(${orderIds}::text[]) as id
  ))`.execute(tx);
}

/** What one delivery attempt did. */
export type DeliveryOutcome =
  | { kind: 'delivered'; attempt: number }
  | { kind: 'retry'; attempt: number; nextAt: Date; message: string }
  | { kind: 'failed'; attempt: number; message: string }
  | { kind: 'skipped'; status: OrderStatus };

function settingsOf(pharmacy: { id: string; slug: string; connectionSettings: { endpoint?: string; timeoutMs?: number }; webhookSecret: string }): PharmacySettings {
  return {
    pharmacyId: pharmacy.id,
    slug: pharmacy.slug,
    orderEndpoint: pharmacy.connectionSettings.endpoint ?? null,
    signingSecret: pharmacy.webhookSecret,
    ...(pharmacy.connectionSettings.timeoutMs ? { timeoutMs: pharmacy.connectionSettings.timeoutMs } : {}),
  };
}

const SYSTEM = { actorType: 'system' as const, actorLabel: 'vialcart routing' };

/**
 * One delivery attempt of an order (the `orders.deliver` task). Does nothing unless the order
 * is `pending_delivery`. Throws only when `signal` fires (the worker is stopping): the
 * transaction rolls back and the job runs again later.
 */
export async function deliverOrder(orderId: string, options: { signal?: AbortSignal } = {}): Promise<DeliveryOutcome> {
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const order = await tx
        .selectFrom('orders')
        .select(['id', 'clinicId', 'pharmacyId', 'checkoutId', 'status', 'deliveryAttempts', 'deliveryWindowStartedAt'])
        .where('id', '=', orderId)
        .forUpdate()
        .executeTakeFirst();
      if (!order) return { kind: 'skipped', status: 'cancelled' } as const;
      if (order.status !== 'pending_delivery') return { kind: 'skipped', status: order.status } as const;
      const pharmacy = await tx
        .selectFrom('pharmacies')
        .select(['id', 'slug', 'name', 'connectionKind', 'connectionSettings', 'webhookSecret'])
        .where('id', '=', order.pharmacyId)
        .executeTakeFirstOrThrow();
      const startedAt = now();
      const windowStart = order.deliveryWindowStartedAt ?? startedAt;
      const attempt = order.deliveryAttempts + 1;

      const t0 = performance.now();
      const doc = await buildOrderDocument(tx, orderId);
      let result: SubmitResult;
      if (!doc) {
        result = { outcome: 'permanent', message: 'the order has no lines' };
      } else {
        // The REST adapter checks the document itself (an invalid one is a permanent failure
        // naming the fields, never sent); the portal shows the order from the database.
        result = await getAdapter(pharmacy.connectionKind).submitOrder(doc as OrderDocumentV1, settingsOf(pharmacy), {
          now,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      }
      if (options.signal?.aborted) throw new Error(`delivery of order ${orderId} was stopped mid-attempt`);
      const durationMs = Math.round(performance.now() - t0);

      await tx
        .insertInto('orderDeliveryAttempts')
        .values({
          orderId,
          attempt,
          outcome: result.outcome,
          httpStatus: result.status ?? null,
          message: result.outcome === 'delivered' ? null : result.message.slice(0, 1000),
          durationMs,
          at: startedAt,
        })
        .execute();

      const at = now();
      if (result.outcome === 'delivered') {
        await tx
          .updateTable('orders')
          .set({
            status: 'submitted',
            deliveredToPharmacyAt: at,
            deliveryAttempts: attempt,
            deliveryWindowStartedAt: windowStart,
            lastDeliveryError: null,
            nextDeliveryAt: null,
            updatedAt: at,
          })
          .where('id', '=', orderId)
          .execute();
        await tx
          .insertInto('orderEvents')
          .values({ orderId, type: 'submitted', fromStatus: 'pending_delivery', toStatus: 'submitted', actor: 'system', at })
          .execute();
        await audit(tx, SYSTEM, {
          action: 'order.submitted',
          subjectType: 'order',
          subjectId: orderId,
          clinicId: order.clinicId,
          pharmacyId: order.pharmacyId,
          detail: { attempt, via: pharmacy.connectionKind, pharmacy: pharmacy.name, checkoutId: order.checkoutId },
        }, at);
        return { kind: 'delivered', attempt } as const;
      }

      const nextAt = new Date(at.getTime() + (result.outcome === 'retryable' ? deliveryDelayMs(attempt, result.retryAfterSeconds) : 0));
      if (result.outcome === 'retryable' && nextAt.getTime() <= windowStart.getTime() + DELIVERY_WINDOW_MS) {
        await tx
          .updateTable('orders')
          .set({ deliveryAttempts: attempt, deliveryWindowStartedAt: windowStart, lastDeliveryError: result.message.slice(0, 1000), nextDeliveryAt: nextAt, updatedAt: at })
          .where('id', '=', orderId)
          .execute();
        await enqueueOrderDelivery(tx, orderId, nextAt);
        return { kind: 'retry', attempt, nextAt, message: result.message } as const;
      }

      const message =
        result.outcome === 'permanent'
          ? result.message
          : `${result.message} (gave up after ${attempt} attempts over ${Math.round((at.getTime() - windowStart.getTime()) / 3600_000)} h)`;
      await tx
        .updateTable('orders')
        .set({ status: 'delivery_failed', deliveryAttempts: attempt, deliveryWindowStartedAt: windowStart, lastDeliveryError: message.slice(0, 1000), nextDeliveryAt: null, updatedAt: at })
        .where('id', '=', orderId)
        .execute();
      await tx
        .insertInto('orderEvents')
        .values({ orderId, type: 'delivery_failed', fromStatus: 'pending_delivery', toStatus: 'delivery_failed', reason: message.slice(0, 1000), actor: 'system', at })
        .execute();
      await audit(tx, SYSTEM, {
        action: 'order.delivery_failed',
        subjectType: 'order',
        subjectId: orderId,
        clinicId: order.clinicId,
        pharmacyId: order.pharmacyId,
        detail: { attempt, message, pharmacy: pharmacy.name },
      }, at);
      return { kind: 'failed', attempt, message } as const;
    });
}

/** Who may press "Retry now": the order's clinic, or a vialcart admin for any clinic. */
function retryScope(principal: Principal): string | null {
  if (principal.kind === 'user' && principal.role === 'admin' && !principal.clinicId) return null;
  return clinicScope(principal);
}

/**
 * "Retry now": sends a failed (or still retrying) order again at once, with a fresh 24 h
 * window. Another clinic's order is not found; an order the pharmacy already has is a 409.
 */
export async function retryOrderDelivery(principal: Principal, orderId: string): Promise<void> {
  const clinicId = retryScope(principal);
  if (!isUuid(orderId)) throw notFound('Order');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      let query = tx.selectFrom('orders').select(['id', 'status', 'clinicId', 'pharmacyId']).where('id', '=', orderId);
      if (clinicId) query = query.where('clinicId', '=', clinicId);
      const order = await query.forUpdate().executeTakeFirst();
      if (!order) throw notFound('Order');
      if (order.status !== 'delivery_failed' && order.status !== 'pending_delivery') {
        throw conflict(`The order is ${order.status}: the pharmacy already has it.`, { status: order.status });
      }
      const at = now();
      await tx
        .updateTable('orders')
        .set({ status: 'pending_delivery', deliveryWindowStartedAt: null, nextDeliveryAt: at, updatedAt: at })
        .where('id', '=', orderId)
        .execute();
      if (order.status === 'delivery_failed') {
        const actor = principal.kind === 'user' ? `user:${principal.userId}` : `api_key:${principal.kind === 'clinic_key' ? principal.keyId : ''}`;
        await tx
          .insertInto('orderEvents')
          .values({ orderId, type: 'delivery_retried', fromStatus: 'delivery_failed', toStatus: 'pending_delivery', actor, at })
          .execute();
      }
      await audit(tx, principal, { action: 'order.delivery_retried', subjectType: 'order', subjectId: orderId, clinicId: order.clinicId, pharmacyId: order.pharmacyId, detail: { from: order.status } }, at);
      await enqueueOrderDelivery(tx, orderId, at);
    });
}

/**
 * Re-enqueues deliveries that should have run by now but have no job left (a job lost with its
 * worker's database, or rows written without one). Jobs are keyed per order, so a delivery that
 * does have its job only has that job moved up.
 */
export async function sweepStuckDeliveries(olderThanMs = 15 * 60_000): Promise<number> {
  const db = getDb();
  const cutoff = new Date(now().getTime() - olderThanMs);
  const stuck = await db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', 'pending_delivery')
    .where((eb) => eb.or([eb('nextDeliveryAt', '<', cutoff), eb.and([eb('nextDeliveryAt', 'is', null), eb('createdAt', '<', cutoff)])]))
    .limit(500)
    .execute();
  for (const { id } of stuck) await enqueueOrderDelivery(db, id);
  return stuck.length;
}

/** Orders that could not be delivered and those still retrying, for the admin's delivery page. */
export async function listDeliveryProblems(principal: Principal) {
  const clinicId = retryScope(principal);
  let query = getDb()
    .selectFrom('orders as o')
    .innerJoin('clinics as c', 'c.id', 'o.clinicId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'o.id', 'o.status', 'o.createdAt', 'o.deliveryAttempts', 'o.lastDeliveryError', 'o.nextDeliveryAt', 'o.totalCents',
      'c.name as clinicName', 'ph.name as pharmacyName', 'ph.connectionKind',
    ])
    .where((eb) => eb.or([eb('o.status', '=', 'delivery_failed'), eb.and([eb('o.status', '=', 'pending_delivery'), eb('o.deliveryAttempts', '>', 0)])]))
    .orderBy('o.status', 'asc')
    .orderBy('o.createdAt', 'desc')
    .limit(500);
  if (clinicId) query = query.where('o.clinicId', '=', clinicId);
  return query.execute();
}

/** Registers the delivery task and its sweep (from app/services/platform/tasks.server.ts). */
export function registerRoutingTasks(): void {
  registerTasks({
    [DELIVER_TASK]: async (payload: { orderId?: unknown }, job: JobContext) => {
      if (typeof payload?.orderId !== 'string') return;
      await deliverOrder(payload.orderId, job.abortSignal ? { signal: job.abortSignal } : {});
    },
    [DELIVERY_SWEEP_TASK]: async () => {
      await sweepStuckDeliveries();
    },
  });
  registerCron(DELIVERY_SWEEP_TASK, '*/10 * * * *', DELIVERY_SWEEP_TASK);
}

// ---------------------------------------------------------------------------------------------
// What follows a pharmacy's answer

/**
 * A pharmacy rejected (or cancelled) an order, inside the transaction that records it: the
 * order's part of the payment is refunded, and its lines go back into the clinic's open cart
 * as reorder lines carrying the pharmacy's reason (`cart_lines.returned_reason`), so the clinic
 * can send them to another pharmacy on its next refill day.
 */
export async function onOrderRejected(tx: Transaction<Database>, order: { id: string; clinicId: string; pharmacyName: string }, reason: string): Promise<void> {
  await refundOrder(tx, order.id, `${order.pharmacyName}: ${reason}`);
  await returnLinesToCart(tx, order, reason);
}

/**
 * Puts an order's lines back in the clinic's open cart (the unnamed one), or beside it while it
 * is being checked out; the cart store picks, locks or creates that cart and versions it.
 */
async function returnLinesToCart(tx: Transaction<Database>, order: { id: string; clinicId: string; pharmacyName: string }, reason: string): Promise<void> {
  const lines = await tx
    .selectFrom('orderLines as ol')
    .innerJoin('offers as of', 'of.id', 'ol.offerId')
    .leftJoin('cartLines as cl', 'cl.id', 'ol.cartLineId')
    .select([
      'ol.id', 'ol.patientId', 'ol.offerId', 'ol.quantity', 'ol.sig', 'ol.prescriberId', 'ol.shipTo', 'ol.shipState', 'ol.prescriptionId',
      'of.unitPriceCents', 'cl.flavor', 'cl.needBy', 'ol.cartLineId',
    ])
    .where('ol.orderId', '=', order.id)
    .orderBy('ol.createdAt')
    .orderBy('ol.id')
    .execute();
  if (lines.length === 0) return;
  const at = now();
  const target = await lockCartForReturnedLines(tx, order.clinicId, at);
  const returnedReason = `${order.pharmacyName} rejected this line: ${reason}`;
  const { lineIds } = await appendCartLines(
    tx,
    { id: target.id, clinicId: order.clinicId },
    lines.map((l) => ({
      patientId: l.patientId,
      offerId: l.offerId,
      quantity: l.quantity,
      sig: l.sig,
      prescriberId: l.prescriberId,
      shipTo: l.shipTo,
      shipState: l.shipState,
      flavor: l.flavor,
      needBy: l.needBy,
      source: 'reorder' as const,
      prescriptionId: l.prescriptionId,
      unitPriceCentsAtAdd: l.unitPriceCents,
      returnedReason,
      createdAt: at,
      updatedAt: at,
    })),
    at,
  );
  // The vet's sign-off was for this content; it stands for the same line resent (same hash).
  await carrySignoffs(tx, lines.flatMap((l, i) => (l.cartLineId ? [{ from: l.cartLineId, to: lineIds[i]! }] : [])));
  await audit(tx, SYSTEM, {
    action: 'cart.lines_returned',
    subjectType: 'cart',
    subjectId: target.id,
    clinicId: order.clinicId,
    detail: { orderId: order.id, reason, cartLineIds: lineIds, orderLineIds: lines.map((l) => l.id) },
  }, at);
}

/**
 * An order shipped or was delivered: each owner whose pet's medication ships to them hears
 * about it (once per pet, in the same transaction).
 */
export async function onOrderShippedOrDelivered(tx: Kysely<Database>, orderId: string, type: 'shipped' | 'delivered'): Promise<void> {
  const lines = await tx
    .selectFrom('orderLines as ol')
    .innerJoin('patients as p', 'p.id', 'ol.patientId')
    .select(['ol.clinicId', 'ol.patientId', 'p.clientId'])
    .where('ol.orderId', '=', orderId)
    .where('ol.shipTo', '=', 'owner')
    .execute();
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.patientId)) continue;
    seen.add(line.patientId);
    await enqueueNotification(tx, {
      clinicId: line.clinicId,
      clientId: line.clientId,
      template: type === 'shipped' ? 'order.shipped' : 'order.delivered',
      patientId: line.patientId,
      orderId,
      data: {},
    });
  }
}
