import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { drainJobs, pendingJobs } from '../../app/services/platform/jobs.server';
import type { Principal } from '../../app/services/identity/principal';
import { deliverOrder, DELIVER_TASK, enqueueOrderDelivery, retryOrderDelivery, setDeliveryBackoff } from '../../app/services/orders/index.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { orderDocumentV1Schema } from '../../pharmacies/types';
import { startPharmacySimulator, type PharmacySimulator } from '../support/pharmacy-simulator';
import { connectPharmacyByRest, createPendingOrders } from '../support/routing-fixtures';
import { call, request, signIn } from '../support/requests';
import { action as adminAction, loader as adminLoader } from '../../app/routes/admin.deliveries';

registerAllTasks();
const db = () => getDb();
const clock = manualClock('2031-01-06T09:00:00Z');
let sim: PharmacySimulator;
let secret: string;

const riversideTech: Principal = {
  kind: 'user', userId: DEMO_IDS.user('tech@riverside.example'), name: 'Tina Morales', email: 'tech@riverside.example', role: 'technician',
  clinicId: DEMO_IDS.riverside, pharmacyId: null,
};
const lakesideManager: Principal = { ...riversideTech, userId: DEMO_IDS.user('manager@lakeside.example'), clinicId: DEMO_IDS.lakeside, role: 'manager' };

async function submittedEvents(orderId: string) {
  return db().selectFrom('orderEvents').select(['type']).where('orderId', '=', orderId).where('type', '=', 'submitted').execute();
}

/** Moves simulated time on in steps, running what falls due, until `done` or `maxSteps`. */
async function runUntil(done: () => Promise<boolean>, stepMs: number, maxSteps: number) {
  for (let i = 0; i < maxSteps && !(await done()); i++) {
    clock.advance(stepMs);
    await drainJobs();
  }
}

beforeEach(async () => {
  clock.set('2031-01-06T09:00:00Z');
  setClock(clock);
  setDeliveryBackoff({ random: () => 0.5 });
  sim = await startPharmacySimulator({ secrets: {}, now: () => clock.now() });
  secret = await connectPharmacyByRest(db(), 'sierra', sim.endpointFor('sierra'), 1000);
  sim.configure({ secrets: { sierra: secret } });
});

afterEach(async () => {
  setClock(undefined);
  setDeliveryBackoff();
  await sim.close();
});

describe('delivering orders to a REST pharmacy', () => {
  it('sends a valid signed document and delivers every order exactly once after the first deliveries fail', async () => {
    sim.configure({ failFirst: 7 });
    const ids = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 4, createdAt: clock.now() });
    await drainJobs();
    expect(sim.stats.failed).toBe(4);
    const retrying = await db().selectFrom('orders').select(['status', 'deliveryAttempts', 'lastDeliveryError', 'nextDeliveryAt']).where('id', 'in', ids).execute();
    for (const o of retrying) {
      expect(o.status).toBe('pending_delivery');
      expect(o.lastDeliveryError).toMatch(/HTTP 500/);
      // First retry 30 s later (jitter fixed at the middle).
      expect(o.nextDeliveryAt?.toISOString()).toBe('2031-01-06T09:00:30.000Z');
    }

    await runUntil(async () => sim.orders.size === ids.length && sim.stats.posts >= ids.length + 7, 60_000, 20);
    await runUntil(async () => false, 60_000, 3);

    expect(sim.stats.failed).toBe(7);
    expect(sim.stats.badSignatures).toBe(0);
    expect([...sim.orders.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const order = sim.orders.get(id)!;
      expect(order.acknowledged).toBe(1);
      expect(orderDocumentV1Schema.safeParse(order.document).success).toBe(true);
      expect(order.document.orderId).toBe(id);
      expect(await submittedEvents(id)).toHaveLength(1);
    }
    const rows = await db().selectFrom('orders').select(['status', 'deliveredToPharmacyAt', 'nextDeliveryAt']).where('id', 'in', ids).execute();
    expect(rows.every((r) => r.status === 'submitted' && r.deliveredToPharmacyAt && !r.nextDeliveryAt)).toBe(true);
    const attempts = await db().selectFrom('orderDeliveryAttempts').select(['orderId', 'outcome']).where('orderId', 'in', ids).execute();
    expect(attempts.filter((a) => a.outcome === 'delivered')).toHaveLength(ids.length);
    expect(attempts.filter((a) => a.outcome === 'retryable')).toHaveLength(7);
    expect(await pendingJobs(DELIVER_TASK)).toHaveLength(0);
  });

  it('retries for 24 hours, then shows delivery_failed; "Retry now" by the clinic delivers it', async () => {
    sim.configure({ faultFor: () => 'error' });
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1, createdAt: clock.now() });
    await drainJobs();
    await runUntil(async () => (await db().selectFrom('orders').select('status').where('id', '=', id!).executeTakeFirstOrThrow()).status !== 'pending_delivery', 3600_000, 30);
    const failed = await db().selectFrom('orders').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
    expect(failed.status).toBe('delivery_failed');
    expect(failed.lastDeliveryError).toMatch(/HTTP 500.*gave up after \d+ attempts/);
    expect(failed.deliveryAttempts).toBeGreaterThan(20);
    // Every attempt fell inside the 24 h window.
    const last = await db().selectFrom('orderDeliveryAttempts').select((eb) => eb.fn.max('at').as('at')).where('orderId', '=', id!).executeTakeFirstOrThrow();
    expect(new Date(last.at as unknown as string).getTime() - Date.parse('2031-01-06T09:00:00Z')).toBeLessThanOrEqual(24 * 3600_000);
    expect(sim.orders.size).toBe(0);

    await expect(retryOrderDelivery(lakesideManager, id!)).rejects.toMatchObject({ code: 'not_found' });
    sim.configure({ faultFor: () => 'ok' });
    await retryOrderDelivery(riversideTech, id!);
    await drainJobs();
    const after = await db().selectFrom('orders').select(['status']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(after.status).toBe('submitted');
    expect(sim.orders.get(id!)?.acknowledged).toBe(1);
    const history = await db().selectFrom('orderEvents').select(['type', 'fromStatus', 'toStatus']).where('orderId', '=', id!).orderBy('at').orderBy('seq').execute();
    expect(history.map((e) => e.type)).toEqual(['delivery_failed', 'delivery_retried', 'submitted']);
    await expect(retryOrderDelivery(riversideTech, id!)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('bounds each attempt by the pharmacy timeout', async () => {
    sim.configure({ hangFirst: 1 });
    await connectPharmacyByRest(db(), 'sierra', sim.endpointFor('sierra'), 300);
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1, createdAt: clock.now() });
    const outcome = await deliverOrder(id!);
    expect(outcome).toMatchObject({ kind: 'retry', message: 'timed out after 300 ms' });
    await runUntil(async () => sim.orders.get(id!)?.acknowledged === 1, 60_000, 5);
    expect(sim.orders.get(id!)).toMatchObject({ posts: 2, acknowledged: 1 });
  });

  it('never delivers twice when two jobs for one order run at once', async () => {
    sim.configure({ delayMs: 150 });
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1, createdAt: clock.now(), enqueue: false });
    const outcomes = await Promise.all([deliverOrder(id!), deliverOrder(id!), deliverOrder(id!)]);
    expect(outcomes.filter((o) => o.kind === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'skipped')).toHaveLength(2);
    expect(sim.stats.posts).toBe(1);
    expect(await submittedEvents(id!)).toHaveLength(1);
  });

  it('a worker killed mid-delivery leaves the order pending; the restarted job delivers it once', async () => {
    sim.configure({ hangFirst: 1 });
    await connectPharmacyByRest(db(), 'sierra', sim.endpointFor('sierra'), 10_000);
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1, createdAt: clock.now(), enqueue: false });
    const killed = new AbortController();
    const attempt = deliverOrder(id!, { signal: killed.signal });
    await expect.poll(() => sim.stats.hung, { timeout: 5000 }).toBe(1);
    killed.abort();
    await expect(attempt).rejects.toThrow(/stopped mid-attempt/);
    // Rolled back: nothing recorded, the pharmacy has the order but never answered.
    const mid = await db().selectFrom('orders').select(['status', 'deliveryAttempts']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(mid).toEqual({ status: 'pending_delivery', deliveryAttempts: 0 });
    expect(sim.orders.get(id!)).toMatchObject({ posts: 1, acknowledged: 0 });

    await db().transaction().execute((tx) => enqueueOrderDelivery(tx, id!));
    await drainJobs();
    expect((await db().selectFrom('orders').select('status').where('id', '=', id!).executeTakeFirstOrThrow()).status).toBe('submitted');
    expect(sim.orders.size).toBe(1);
    expect(sim.orders.get(id!)).toMatchObject({ posts: 2, acknowledged: 1 });
    expect(await submittedEvents(id!)).toHaveLength(1);
  });

  it('refuses nothing on the portal: a portal order is submitted at once', async () => {
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'pacific', count: 1, createdAt: clock.now() });
    await drainJobs();
    const order = await db().selectFrom('orders').select(['status', 'deliveryAttempts']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'submitted', deliveryAttempts: 1 });
    const audit = await db().selectFrom('auditEvents').select(['action', 'actorType']).where('subjectId', '=', id!).execute();
    expect(audit).toContainEqual({ action: 'order.submitted', actorType: 'system' });
  });

  it('an admin sees every clinic’s failing deliveries and can retry them; clinic staff cannot open the page', async () => {
    sim.configure({ faultFor: () => 'error' });
    await connectPharmacyByRest(db(), 'sierra', sim.endpointFor('sierra'), 1000);
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1, createdAt: clock.now() });
    await db().updateTable('orders').set({ status: 'delivery_failed', lastDeliveryError: 'pharmacy answered HTTP 500' }).where('id', '=', id!).execute();
    const admin = await signIn('admin@vialcart.example');
    const page = await call(adminLoader, request('/admin/deliveries', { cookie: admin }));
    const { orders } = (await page.json()) as { orders: { id: string; lastDeliveryError: string }[] };
    expect(orders).toContainEqual(expect.objectContaining({ id, lastDeliveryError: 'pharmacy answered HTTP 500' }));
    sim.configure({ faultFor: () => 'ok' });
    const retried = await call(adminAction, request('/admin/deliveries', { cookie: admin, form: { orderId: id! } }));
    expect(retried.status).toBe(200);
    await drainJobs();
    expect((await db().selectFrom('orders').select('status').where('id', '=', id!).executeTakeFirstOrThrow()).status).toBe('submitted');
    const tech = await signIn('tech@riverside.example');
    const refused = await call(adminLoader, request('/admin/deliveries', { cookie: tech }));
    expect(refused.status).toBe(302);
  });
});
