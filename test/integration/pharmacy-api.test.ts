import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import { signPayload } from '../../pharmacies/signature';
import { action as eventsAction } from '../../app/routes/api.pharmacy.v1.orders.$id.events';
import { loader as orderLoader } from '../../app/routes/api.pharmacy.v1.orders.$id';
import { loader as listLoader } from '../../app/routes/api.pharmacy.v1.orders';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { startPharmacySimulator, type EventSender, type PharmacySimulator } from '../support/pharmacy-simulator';
import { call, request } from '../support/requests';
import { connectPharmacyByRest, createPendingOrders } from '../support/routing-fixtures';

registerAllTasks();
const db = () => getDb();
const key = DEMO_API_KEYS.pharmacy;

function postEvent(orderId: string, body: unknown, init: { apiKey?: string; headers?: Record<string, string>; raw?: string } = {}) {
  const req = request(`/api/pharmacy/v1/orders/${orderId}/events`, {
    method: 'POST',
    ...(init.apiKey !== undefined ? { apiKey: init.apiKey } : { apiKey: key('sierra') }),
    headers: { 'Content-Type': 'application/json', ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
  return call(eventsAction, req, { id: orderId });
}

/** The simulator posts its callbacks through the route's action, as over HTTP. */
const inProcess: EventSender = async (orderId, slug, event) => {
  const res = await postEvent(orderId, event, { apiKey: key(slug) });
  return { status: res.status, body: await res.json() };
};

async function history(orderId: string) {
  return db().selectFrom('orderEvents').select(['type', 'fromStatus', 'toStatus', 'eventId']).where('orderId', '=', orderId).orderBy('at').orderBy('seq').execute();
}

const RANK = ['pending_delivery', 'submitted', 'accepted', 'compounding', 'shipped', 'delivered'];
function expectMonotonic(rows: { toStatus: string | null }[]) {
  const ranks = rows.map((r) => RANK.indexOf(r.toStatus ?? ''));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
}

let sim: PharmacySimulator;
beforeEach(async () => {
  sim = await startPharmacySimulator({ secrets: {}, sendEvent: inProcess });
  const secret = await connectPharmacyByRest(db(), 'sierra', sim.endpointFor('sierra'));
  sim.configure({ secrets: { sierra: secret } });
});
afterEach(async () => {
  await sim.close();
});

describe('pharmacy API: who sees what', () => {
  it('answers 401 without a pharmacy key and 404 for another pharmacy’s order', async () => {
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1 });
    await drainJobs();
    const anonymous = await call(listLoader, request('/api/pharmacy/v1/orders'));
    expect(anonymous.status).toBe(401);
    const clinicKey = await call(listLoader, request('/api/pharmacy/v1/orders', { apiKey: DEMO_API_KEYS.riverside }));
    expect(clinicKey.status).toBe(401);

    const own = await call(orderLoader, request(`/api/pharmacy/v1/orders/${id}`, { apiKey: key('sierra') }), { id: id! });
    expect(own.status).toBe(200);
    const { order } = (await own.json()) as { order: any };
    expect(order).toMatchObject({ id, status: 'submitted', clinic: { name: 'Riverside Veterinary Hospital' } });
    expect(order.lines[0]).toMatchObject({ patient: { species: expect.any(String) }, prescriber: { license: { number: expect.any(String) } }, sig: expect.any(String) });
    // Each line carries the dose the clinic's check computed and the weight it used (docs/pharmacy-api.md).
    const dosed = (order.lines as any[]).filter((l) => l.dose?.mgPerKgPerAdministration != null);
    expect(dosed.length).toBeGreaterThan(0);
    for (const l of dosed) {
      expect(l.dose.weightUsed).toEqual({ kg: l.patient.weightKg, measuredOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(l.dose.mgPerKgPerAdministration).toBeCloseTo(l.dose.mgPerAdministration / l.dose.weightUsed.kg, 2);
      if (l.dose.mgPerKgPerDay !== null) expect(l.dose.mgPerKgPerDay).toBeGreaterThan(0);
    }

    const other = await call(orderLoader, request(`/api/pharmacy/v1/orders/${id}`, { apiKey: key('pacific') }), { id: id! });
    expect(other.status).toBe(404);
    const otherEvent = await postEvent(id!, { eventId: 'x1', type: 'accepted' }, { apiKey: key('pacific') });
    expect(otherEvent.status).toBe(404);
    expect((await call(orderLoader, request('/api/pharmacy/v1/orders/not-an-id', { apiKey: key('sierra') }), { id: 'not-an-id' })).status).toBe(404);

    const list = await call(listLoader, request('/api/pharmacy/v1/orders?status=submitted', { apiKey: key('sierra') }));
    const { orders } = (await list.json()) as { orders: { id: string; status: string }[] };
    expect(orders.map((o) => o.id)).toContain(id);
    expect(orders.every((o) => o.status === 'submitted')).toBe(true);
    const ids = await db().selectFrom('orders').select('id').where('pharmacyId', '=', DEMO_IDS.pharmacy('sierra')).execute();
    const all = (await (await call(listLoader, request('/api/pharmacy/v1/orders?limit=500', { apiKey: key('sierra') }))).json()) as { orders: { id: string }[] };
    expect(all.orders.every((o) => ids.some((r) => r.id === o.id))).toBe(true);
    const bad = await call(listLoader, request('/api/pharmacy/v1/orders?status=lost', { apiKey: key('sierra') }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.fields.status).toMatch(/must be one of/);
  });
});

describe('pharmacy API: status events', () => {
  it('enforces the state machine, names missing fields, and replays an eventId with the first answer', async () => {
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1 });
    await drainJobs();
    const noTracking = await postEvent(id!, { eventId: 'e-ship-0', type: 'shipped', carrier: 'UPS' });
    expect(noTracking.status).toBe(400);
    expect(((await noTracking.json()) as any).error.fields).toEqual({ trackingNumber: 'a shipment needs a tracking number' });
    const noReason = await postEvent(id!, { eventId: 'e-rej-0', type: 'rejected' });
    expect(((await noReason.json()) as any).error.fields).toEqual({ reason: 'a rejection needs a reason' });

    const accepted = await postEvent(id!, { eventId: 'e-acc', type: 'accepted' });
    expect(accepted.status).toBe(200);
    const first = await accepted.json();
    const replay = await postEvent(id!, { eventId: 'e-acc', type: 'accepted' });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await replay.json()).toEqual(first);

    const shipped = await postEvent(id!, { eventId: 'e-ship', type: 'shipped', carrier: 'fedex', trackingNumber: '7712 3456 7890', expectedDelivery: '2031-02-01' });
    expect(((await shipped.json()) as any).order).toMatchObject({ status: 'shipped', carrier: 'FedEx', trackingUrl: 'https://www.fedex.com/fedextrack/?trknbr=771234567890' });
    const illegal = await postEvent(id!, { eventId: 'e-rej', type: 'rejected', reason: 'changed our mind' });
    expect(illegal.status).toBe(409);
    expect(((await illegal.json()) as any).error.message).toBe('The order is shipped; it can no longer be rejected.');
    expect((await history(id!)).map((e) => e.type)).toEqual(['submitted', 'accepted', 'shipped']);
  });

  it('keeps a monotonic history through duplicate and out-of-order callbacks', async () => {
    sim.configure({ flow: ['accepted', 'compounding', 'shipped', 'delivered'], duplicateCallbacks: true, outOfOrderCallbacks: true });
    const ids = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 3 });
    await drainJobs();
    await sim.idle();
    expect(sim.callbackResults).toHaveLength(3 * 8);
    expect(sim.callbackResults.every((r) => r.status === 200)).toBe(true);
    for (const id of ids) {
      const order = await db().selectFrom('orders').select(['status', 'carrier', 'trackingNumber', 'trackingUrl']).where('id', '=', id).executeTakeFirstOrThrow();
      // `delivered` arrived first; the late `shipped` still brought its tracking number.
      expect(order).toMatchObject({ status: 'delivered', carrier: 'UPS', trackingUrl: expect.stringContaining('ups.com') });
      const rows = await history(id);
      // Each eventId recorded once; the status never moved back.
      expect(rows.filter((r) => r.eventId).map((r) => r.eventId).sort()).toEqual(
        ['accepted', 'compounding', 'delivered', 'shipped'].map((t) => `sim-${id}-${t}`).sort(),
      );
      expectMonotonic(rows);
      expect(rows.filter((r) => r.fromStatus !== r.toStatus).map((r) => r.toStatus)).toEqual(['submitted', 'delivered']);
    }
  });

  it('refuses a bad Vialcart-Signature and accepts a good one', async () => {
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1 });
    await drainJobs();
    const body = JSON.stringify({ eventId: 'signed-1', type: 'accepted' });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const forged = await postEvent(id!, null, { raw: body, headers: { 'Vialcart-Signature': signPayload('not-the-secret', body, nowSeconds) } });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as any).error.message).toBe("The Vialcart-Signature header is not valid (mismatch).");
    const { webhookSecret } = await db().selectFrom('pharmacies').select('webhookSecret').where('slug', '=', 'sierra').executeTakeFirstOrThrow();
    const good = await postEvent(id!, null, { raw: body, headers: { 'Vialcart-Signature': signPayload(webhookSecret, body, nowSeconds) } });
    expect(good.status).toBe(200);
  });

  it('checks the signature over the bytes before reading them as JSON, then names the body or the field that is wrong', async () => {
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1 });
    await drainJobs();
    const notJson = '{"eventId": "broken-1", "type": ';
    const nowSeconds = Math.floor(Date.now() / 1000);
    const forged = await postEvent(id!, null, { raw: notJson, headers: { 'Vialcart-Signature': signPayload('not-the-secret', notJson, nowSeconds) } });
    expect(forged.status).toBe(401);
    const unreadable = await postEvent(id!, null, { raw: notJson });
    expect(unreadable.status).toBe(400);
    expect(((await unreadable.json()) as any).error).toMatchObject({ code: 'bad_request', fields: { '(body)': 'not valid JSON' } });
    const blank = await postEvent(id!, null, { raw: '  ' });
    expect(blank.status).toBe(400);
    expect(Object.keys(((await blank.json()) as any).error.fields)).toContain('eventId');
    expect(await history(id!)).toEqual([expect.objectContaining({ toStatus: 'submitted' })]);
  });

  it('a rejection refunds the order and puts its lines back in the clinic’s cart with the reason', async () => {
    const [id] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1 });
    await drainJobs();
    const res = await postEvent(id!, { eventId: 'rej-1', type: 'rejected', reason: 'Methimazole base out of stock until March' });
    expect(res.status).toBe(200);
    const order = await db().selectFrom('orders').select(['status', 'rejectionReason', 'totalCents']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ status: 'rejected', rejectionReason: 'Methimazole base out of stock until March' });
    const refund = await db().selectFrom('paymentMovements').select(['kind', 'amountCents']).where('orderId', '=', id!).execute();
    expect(refund).toEqual([{ kind: 'refund', amountCents: order.totalCents }]);
    const lines = await db().selectFrom('orderLines').select(['patientId', 'offerId', 'sig', 'quantity']).where('orderId', '=', id!).execute();
    const returned = await db()
      .selectFrom('cartLines as l')
      .innerJoin('carts as c', 'c.id', 'l.cartId')
      .select(['l.patientId', 'l.offerId', 'l.sig', 'l.quantity', 'l.source', 'l.returnedReason', 'c.status', 'c.name'])
      .where('l.clinicId', '=', DEMO_IDS.riverside)
      .where('l.returnedReason', 'is not', null)
      .execute();
    expect(returned).toHaveLength(lines.length);
    for (const r of returned) {
      expect(r).toMatchObject({ source: 'reorder', status: 'open', name: null, returnedReason: 'Sierra Veterinary Compounding rejected this line: Methimazole base out of stock until March' });
      expect(lines).toContainEqual({ patientId: r.patientId, offerId: r.offerId, sig: r.sig, quantity: r.quantity });
    }
    // Replaying the rejection changes nothing twice.
    await postEvent(id!, { eventId: 'rej-1', type: 'rejected', reason: 'Methimazole base out of stock until March' });
    expect(await db().selectFrom('cartLines').select('id').where('returnedReason', 'is not', null).where('clinicId', '=', DEMO_IDS.riverside).execute()).toHaveLength(lines.length);
  });
});
