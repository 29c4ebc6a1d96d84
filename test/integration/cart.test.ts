import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as apiCart from '../../app/routes/api.v1.carts.current';
import * as apiLines from '../../app/routes/api.v1.carts.current.lines';
import * as apiLine from '../../app/routes/api.v1.carts.current.lines.$id';
import * as apiAck from '../../app/routes/api.v1.carts.current.acknowledgements';
import * as apiRefillDay from '../../app/routes/api.v1.refill-day';
import {
  addDueToCart,
  dueForRefill,
  getOpenCart,
  loadCartView,
  quickfillFromOrderLine,
  reorderOrder,
  switchOffer,
  offerAlternatives,
  undoRemoveCartLine,
  removeCartLine,
  searchOffersForCart,
  updateCartLine,
} from '../../app/services/cart/index.server';
import { DomainError } from '../../app/services/platform/errors';
import { acknowledgeWarning } from '../../app/services/validation/validation.server';
import { listPatients } from '../../app/services/records/index.server';
import type { Principal } from '../../app/services/identity/principal';
import { call, request } from '../support/requests';

const RIVERSIDE = DEMO_API_KEYS.riverside;
const LAKESIDE = DEMO_API_KEYS.lakeside;
const tech: Principal = { kind: 'user', userId: DEMO_IDS.user('tech@riverside.example'), name: 'Tina Morales', email: 'tech@riverside.example', role: 'technician', clinicId: DEMO_IDS.riverside, pharmacyId: null };
const tech2: Principal = { kind: 'user', userId: DEMO_IDS.user('dkim@riverside.example'), name: 'Derek Kim', email: 'dkim@riverside.example', role: 'technician', clinicId: DEMO_IDS.riverside, pharmacyId: null };
const lakesideTech: Principal = { kind: 'clinic_key', keyId: 'lakeside-test', clinicId: DEMO_IDS.lakeside };

type Json = Record<string, any>;
const body = async (res: Response): Promise<Json> => (await res.json()) as Json;

let patients: { id: string; clientId: string }[];
let offers: { id: string; medicationId: string; pharmacyId: string; flavors: string[] }[];
let prescriberId: string;
let lakesidePatientId: string;

/** Empties the clinic's open cart (hard delete: tests start from nothing). */
async function emptyCart(clinicId = DEMO_IDS.riverside) {
  const db = getDb();
  const carts = await db.selectFrom('carts').select('id').where('clinicId', '=', clinicId).where('status', '=', 'open').execute();
  if (carts.length === 0) return;
  const ids = carts.map((c) => c.id);
  await db.deleteFrom('acknowledgements').where('cartLineId', 'in', db.selectFrom('cartLines').select('id').where('cartId', 'in', ids)).execute();
  await db.deleteFrom('cartLines').where('cartId', 'in', ids).execute();
}

function line(i: number, extra: Json = {}) {
  const patient = patients[i % patients.length]!;
  const offer = offers[i % offers.length]!;
  return { patientId: patient.id, offerId: offer.id, quantity: 1 + (i % 3), sig: 'Give 1 ml by mouth BID for 30 days', prescriberId, shipTo: 'clinic', ...extra };
}

async function post(lines: Json[], opts: { key?: string; apiKey?: string } = {}) {
  return call(apiLines.action, request('/api/v1/carts/current/lines', { apiKey: opts.apiKey ?? RIVERSIDE, json: { lines }, headers: opts.key ? { 'Idempotency-Key': opts.key } : {} }));
}

async function getCart(apiKey = RIVERSIDE) {
  return body(await call(apiCart.loader, request('/api/v1/carts/current', { apiKey })));
}

beforeAll(async () => {
  const db = getDb();
  patients = await db.selectFrom('patients').select(['id', 'clientId']).where('clinicId', '=', DEMO_IDS.riverside).where('status', '=', 'active').orderBy('id').limit(250).execute();
  offers = await db.selectFrom('offers').select(['id', 'medicationId', 'pharmacyId', 'flavors']).where('available', '=', true).orderBy('id').execute();
  const vet = await db.selectFrom('prescribers').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('name', '=', 'Dr. Maria Alvarez').executeTakeFirstOrThrow();
  prescriberId = vet.id;
  lakesidePatientId = (await db.selectFrom('patients').select('id').where('clinicId', '=', DEMO_IDS.lakeside).limit(1).executeTakeFirstOrThrow()).id;
});

describe('cart API', () => {
  it('adds a line and answers the priced cart: shipments sum to the total, lines to their shipment', async () => {
    await emptyCart();
    const res = await post([line(0), line(1), line(2, { shipTo: 'owner' })]);
    expect(res.status).toBe(201);
    const { cart } = await body(res);
    expect(cart.lines).toHaveLength(3);
    const first = cart.lines[0];
    for (const key of ['id', 'version', 'patientId', 'patientName', 'offerId', 'pharmacyId', 'medicationName', 'quantity', 'sig', 'prescriberId', 'shipTo', 'shipState', 'unitPriceCents', 'landedCostCents', 'lineTotalCents', 'findings']) {
      expect(first).toHaveProperty(key);
    }
    expect(first.shipState).toBe('CA');
    expect(cart.totalCents).toBe(cart.shipments.reduce((s: number, x: Json) => s + x.totalCents, 0));
    for (const s of cart.shipments) {
      const sum = cart.lines.filter((l: Json) => s.lineIds.includes(l.id)).reduce((a: number, l: Json) => a + l.lineTotalCents, 0);
      expect(sum).toBe(s.totalCents);
      expect(s.totalCents).toBe(s.subtotalCents + s.shippingCents + s.feesCents + s.platformFeeCents);
    }
    expect(typeof cart.blockingCount).toBe('number');
    expect(typeof cart.warningCount).toBe('number');
    // Survives a reload: the same cart comes back.
    const again = await getCart();
    expect(again.cart.lines.map((l: Json) => l.id)).toEqual(cart.lines.map((l: Json) => l.id));
  });

  it('adds 200 lines in one transaction, and on one bad line adds none and names its index and field', async () => {
    await emptyCart();
    const lines = Array.from({ length: 200 }, (_, i) => line(i));
    const bad = lines.map((l, i) => (i === 137 ? { ...l, patientId: lakesidePatientId } : l));
    const rejected = await post(bad);
    expect(rejected.status).toBe(400);
    const error = (await body(rejected)).error;
    expect(error.fields).toEqual({ 'lines.137.patientId': expect.any(String) });
    expect(error.message).toMatch(/Line 138/);
    const zodBad = await post(lines.map((l, i) => (i === 42 ? { ...l, quantity: 0 } : l)));
    expect(zodBad.status).toBe(400);
    expect(Object.keys((await body(zodBad)).error.fields)).toEqual(['lines.42.quantity']);
    expect((await getCart()).cart.lines).toHaveLength(0);

    const ok = await post(lines);
    expect(ok.status).toBe(201);
    const { cart } = await body(ok);
    expect(cart.lines).toHaveLength(200);
    const audits = await getDb().selectFrom('auditEvents').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'cart.line_added').where('subjectId', 'in', cart.lines.map((l: Json) => l.id)).executeTakeFirstOrThrow();
    expect(Number(audits.n)).toBe(200);
  });

  it('lets exactly one of two concurrent edits of a line win; the other gets 409 with the current values', async () => {
    await emptyCart();
    const { cart } = await body(await post([line(5)]));
    const target = cart.lines[0];
    const patch = (quantity: number, who: Principal) => updateCartLine(who, target.id, { version: target.version, quantity }).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    const [a, b] = await Promise.all([patch(7, tech), patch(9, tech2)]);
    const winners = [a, b].filter((x) => x.ok);
    const losers = [a, b].filter((x) => !x.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const err = (losers[0] as { e: DomainError }).e;
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe('conflict');
    const current = err.details!.current as Json;
    const won = a.ok ? 7 : 9;
    expect(current.quantity).toBe(won);
    expect(current.version).toBe(target.version + 1);
    const now = (await getCart()).cart.lines[0];
    expect(now.quantity).toBe(won);
    expect(now.version).toBe(target.version + 1);

    // Over HTTP: a stale version answers 409 with the current values, a fresh one succeeds.
    const stale = await call(apiLine.action, request(`/api/v1/carts/current/lines/${target.id}`, { method: 'PATCH', apiKey: RIVERSIDE, json: { version: target.version, quantity: 3 } }), { id: target.id });
    expect(stale.status).toBe(409);
    const staleBody = await body(stale);
    expect(staleBody.error.code).toBe('conflict');
    expect(staleBody.error.details.current.quantity).toBe(won);
    const fresh = await call(apiLine.action, request(`/api/v1/carts/current/lines/${target.id}`, { method: 'PATCH', apiKey: RIVERSIDE, json: { version: now.version, quantity: 3, sig: 'Give 2 ml PO BID x 30 days' } }), { id: target.id });
    expect(fresh.status).toBe(200);
    const after = (await body(fresh)).cart.lines[0];
    expect(after).toMatchObject({ quantity: 3, sig: 'Give 2 ml PO BID x 30 days', version: now.version + 1 });
  });

  it('removes a line softly, undoes the removal, and DELETE answers the cart', async () => {
    await emptyCart();
    const { cart } = await body(await post([line(1), line(2)]));
    const [a, b] = cart.lines;
    await removeCartLine(tech, a.id);
    let view = await loadCartView(tech);
    expect(view.lines.map((l) => l.id)).toEqual([b.id]);
    expect(view.recentlyRemoved[0]!.id).toBe(a.id);
    await undoRemoveCartLine(tech, a.id);
    view = await loadCartView(tech);
    expect(view.lines.map((l) => l.id)).toEqual([a.id, b.id]);
    const del = await call(apiLine.action, request(`/api/v1/carts/current/lines/${b.id}`, { method: 'DELETE', apiKey: RIVERSIDE }), { id: b.id });
    expect(del.status).toBe(200);
    expect((await body(del)).cart.lines.map((l: Json) => l.id)).toEqual([a.id]);
  });

  it('switches pharmacy to another offer of the same medication and reports the landed-cost difference', async () => {
    await emptyCart();
    const medication = offers.find((o) => offers.filter((x) => x.medicationId === o.medicationId).length >= 3)!;
    const { cart } = await body(await post([{ ...line(0), offerId: medication.id }]));
    const target = cart.lines[0];
    const alternatives = await offerAlternatives(tech, target.id);
    expect(alternatives[0]!.current).toBe(true);
    const other = alternatives.find((a) => !a.current)!;
    const result = await switchOffer(tech, target.id, { version: target.version, offerId: other.offerId });
    expect(result.landedCostCents).toBe(other.landedCostCents);
    expect(result.differenceCents).toBe(other.landedCostCents - target.landedCostCents);
    const view = await loadCartView(tech);
    expect(view.lines[0]!.offerId).toBe(other.offerId);
    // Another medication's offer is refused.
    const foreign = offers.find((o) => o.medicationId !== medication.medicationId)!;
    await expect(updateCartLine(tech, target.id, { version: view.lines[0]!.version, offerId: foreign.id })).rejects.toMatchObject({ code: 'bad_request', fields: { offerId: expect.any(String) } });
  });

  it('replays an idempotent POST: same key and body answer the first cart and add nothing', async () => {
    await emptyCart();
    const lines = [line(3), line(4)];
    const first = await post(lines, { key: 'refill-day-key-1' });
    expect(first.status).toBe(201);
    const firstBody = await body(first);
    const [second, third] = await Promise.all([post(lines, { key: 'refill-day-key-1' }), post(lines, { key: 'refill-day-key-1' })]);
    expect(second.status).toBe(201);
    expect(await body(second)).toEqual(firstBody);
    expect(await body(third)).toEqual(firstBody);
    expect((await getCart()).cart.lines).toHaveLength(2);
    const reused = await post([line(5)], { key: 'refill-day-key-1' });
    expect(reused.status).toBe(409);
  });

  it('keeps clinics apart: Lakeside gets 404 for Riverside lines, history and patients', async () => {
    await emptyCart();
    const { cart } = await body(await post([line(0)]));
    const id = cart.lines[0].id;
    const patch = await call(apiLine.action, request(`/api/v1/carts/current/lines/${id}`, { method: 'PATCH', apiKey: LAKESIDE, json: { version: 1, quantity: 2 } }), { id });
    expect(patch.status).toBe(404);
    const del = await call(apiLine.action, request(`/api/v1/carts/current/lines/${id}`, { method: 'DELETE', apiKey: LAKESIDE }), { id });
    expect(del.status).toBe(404);
    const lakesideUser: Principal = { kind: 'user', userId: DEMO_IDS.user('tech@lakeside.example'), name: 'Lee Tran', email: 'tech@lakeside.example', role: 'technician', clinicId: DEMO_IDS.lakeside, pharmacyId: null };
    await expect(acknowledgeWarning(lakesideUser, { lineId: id, rule: 'sig.duration' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(updateCartLine(lakesideUser, id, { version: 1, quantity: 2 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(removeCartLine(lakesideUser, id)).rejects.toMatchObject({ code: 'not_found' });
    const foreignPatient = await post([line(0)], { apiKey: LAKESIDE });
    expect(foreignPatient.status).toBe(400);
    expect((await body(foreignPatient)).error.fields).toHaveProperty('lines.0.patientId');
    const lakesideCart = await getCart(LAKESIDE);
    expect(lakesideCart.cart.lines).toHaveLength(0);
    expect(lakesideCart.cart.id).not.toBe(cart.id);
    const orderLine = await getDb().selectFrom('orderLines').select(['id', 'orderId']).where('clinicId', '=', DEMO_IDS.riverside).limit(1).executeTakeFirstOrThrow();
    await expect(quickfillFromOrderLine(lakesideTech, orderLine.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(reorderOrder(lakesideTech, orderLine.orderId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(addDueToCart(lakesideTech, [orderLine.id])).rejects.toMatchObject({ code: 'not_found' });
    // Riverside's line is untouched.
    expect((await getCart()).cart.lines[0].version).toBe(1);
  });

  it('refuses to acknowledge an error rule (422)', async () => {
    await emptyCart();
    const { cart } = await body(await post([line(0, { sig: 'as directed' })]));
    const id = cart.lines[0].id;
    const res = await call(apiAck.action, request('/api/v1/carts/current/acknowledgements', { apiKey: RIVERSIDE, json: { lineId: id, rule: 'sig.complete' } }));
    expect(res.status).toBe(422);
  });
});

describe('fast entry', () => {
  it('finds patients by name for the typeahead (a name without digits once broke the phone clause)', async () => {
    const { patients: found } = await listPatients(tech, { q: 'Mochi', status: 'active', limit: 10 });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => /mochi/i.test(p.name) || /mochi/i.test(p.clientName))).toBe(true);
  });

  it('finds offers by medication name with landed cost, the patient’s prescription first with its SIG', async () => {
    const rx = await getDb()
      .selectFrom('prescriptions as rx')
      .innerJoin('medications as m', 'm.id', 'rx.medicationId')
      .select(['rx.patientId', 'rx.sig', 'rx.prescriberId', 'm.name'])
      .where('rx.clinicId', '=', DEMO_IDS.riverside)
      .where('rx.status', '=', 'active')
      .where('m.compounded', '=', true)
      .limit(1)
      .executeTakeFirstOrThrow();
    const found = await searchOffersForCart(tech, { q: rx.name, patientId: rx.patientId });
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.prescription).toMatchObject({ sig: rx.sig, prescriberId: rx.prescriberId });
    expect(found[0]!.landedCostCents).toBeGreaterThanOrEqual(found[0]!.unitPriceCents);
    const opened = await searchOffersForCart(tech, { q: '', patientId: rx.patientId });
    expect(opened.every((o) => o.prescription)).toBe(true);
    expect(await searchOffersForCart(tech, { q: 'Fluoxetine 2.5' })).not.toHaveLength(0);
  });
});

describe('lines from history', () => {
  const historyFields = ['patientId', 'offerId', 'quantity', 'sig', 'prescriberId', 'shipTo', 'prescriptionId'] as const;

  async function orderLine(id: string) {
    return getDb().selectFrom('orderLines').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function cartLine(id: string) {
    return getDb().selectFrom('cartLines').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  function pick(row: Json) {
    return Object.fromEntries(historyFields.map((k) => [k, row[k] ?? null]));
  }

  it('quickfill repeats a past line exactly; a gone offer is proposed an alternative, not silently swapped', async () => {
    await emptyCart();
    const db = getDb();
    const past = await db
      .selectFrom('orderLines as ol')
      .innerJoin('offers as o', 'o.id', 'ol.offerId')
      .select(['ol.id', 'ol.offerId'])
      .where('ol.clinicId', '=', DEMO_IDS.riverside)
      .where('o.available', '=', true)
      .where((eb) => eb('o.stockOnHand', '>', 10))
      .orderBy('ol.id')
      .limit(2)
      .execute();
    const result = await quickfillFromOrderLine(tech, past[0]!.id);
    expect(result.proposals).toEqual([]);
    expect(result.lineIds).toHaveLength(1);
    const added = await cartLine(result.lineIds[0]!);
    expect(pick(added)).toEqual(pick(await orderLine(past[0]!.id)));
    expect(added.source).toBe('quickfill');

    await db.updateTable('offers').set({ available: false }).where('id', '=', past[1]!.offerId).execute();
    try {
      const gone = await quickfillFromOrderLine(tech, past[1]!.id);
      expect(gone.lineIds).toEqual([]);
      expect(gone.proposals).toHaveLength(1);
      expect(gone.proposals[0]!.reason).toMatch(/no longer offered/);
      const alt = gone.proposals[0]!.alternative!;
      expect(alt.offerId).not.toBe(past[1]!.offerId);
      const accepted = await quickfillFromOrderLine(tech, past[1]!.id, { offerId: alt.offerId });
      const line = await cartLine(accepted.lineIds[0]!);
      expect(line.offerId).toBe(alt.offerId);
      expect({ ...pick(line), offerId: past[1]!.offerId }).toEqual(pick(await orderLine(past[1]!.id)));
    } finally {
      await db.updateTable('offers').set({ available: true }).where('id', '=', past[1]!.offerId).execute();
    }
  });

  it('reorder repeats every line of a past order (or one patient’s) exactly', async () => {
    await emptyCart();
    const db = getDb();
    const order = await db
      .selectFrom('orders as o')
      .select(['o.id'])
      .where('o.clinicId', '=', DEMO_IDS.riverside)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('orderLines as ol').innerJoin('offers as f', 'f.id', 'ol.offerId').select('ol.id').whereRef('ol.orderId', '=', 'o.id').where((eb) => eb.or([eb('f.available', '=', false), eb('f.stockOnHand', '<', 30)])))),
      )
      .orderBy('o.createdAt', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const history = await db.selectFrom('orderLines').selectAll().where('orderId', '=', order.id).orderBy('createdAt').orderBy('id').execute();
    const result = await reorderOrder(tech, order.id);
    expect(result.proposals).toEqual([]);
    expect(result.lineIds).toHaveLength(history.length);
    const added = await Promise.all(result.lineIds.map(cartLine));
    expect(added.map(pick)).toEqual(history.map(pick));
    expect(added.every((l) => l.source === 'reorder')).toBe(true);
  });

  it('the builder lists due patients and adds the chosen ones as lines identical to their last fill', async () => {
    await emptyCart();
    const due = await dueForRefill(tech, { withinDays: 14 });
    expect(due.patients.length).toBeGreaterThan(5);
    for (const p of due.patients) {
      expect(p.daysLeft).toBeLessThanOrEqual(14);
      expect(p.dueOn <= due.today || p.daysLeft >= 0).toBe(true);
    }
    const api = await body(await call(apiRefillDay.loader, request('/api/v1/refill-day?withinDays=14', { apiKey: RIVERSIDE })));
    expect(api.patients.map((p: Json) => p.orderLineId)).toEqual(due.patients.map((p) => p.orderLineId));
    const bad = await call(apiRefillDay.loader, request('/api/v1/refill-day?withinDays=lots', { apiKey: RIVERSIDE }));
    expect(bad.status).toBe(400);

    const chosen = due.patients.filter((p) => p.line && !p.note).slice(0, 5);
    const result = await addDueToCart(tech, chosen.map((p) => p.orderLineId));
    expect(result.lineIds).toHaveLength(chosen.length);
    for (const [i, p] of chosen.entries()) {
      expect(pick(await cartLine(result.lineIds[i]!))).toEqual(pick(await orderLine(p.orderLineId)));
    }
    // Patients now in the cart for that medication drop off the list.
    const after = await dueForRefill(tech, { withinDays: 14 });
    const listed = new Set(after.patients.map((p) => p.orderLineId));
    expect(chosen.some((p) => listed.has(p.orderLineId))).toBe(false);
    expect(after.patients.length).toBe(due.patients.length - chosen.length);
  });

  it('skips inactive and deceased patients', async () => {
    const due = await dueForRefill(tech, { withinDays: 365 });
    const ids = due.patients.map((p) => p.patientId);
    const statuses = await getDb().selectFrom('patients').select('status').where('id', 'in', ids).execute();
    expect(statuses.every((s) => s.status === 'active')).toBe(true);
  });

  it('creates one open cart per clinic even when asked concurrently', async () => {
    await getDb().deleteFrom('acknowledgements').execute();
    await getDb().deleteFrom('cartLines').where('clinicId', '=', DEMO_IDS.lakeside).execute();
    await getDb().deleteFrom('carts').where('clinicId', '=', DEMO_IDS.lakeside).where('status', '=', 'open').execute();
    const carts = await Promise.all(Array.from({ length: 5 }, () => getOpenCart(lakesideTech)));
    expect(new Set(carts.map((c) => c.id)).size).toBe(1);
  });
});
