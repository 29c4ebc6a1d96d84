import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import { action as createRequest } from '../../app/routes/api.v1.refill-requests';
import { action as requestsAction } from '../../app/routes/_clinic.requests';
import { loader as cartLoader } from '../../app/routes/api.v1.carts.current';
import { action as addLinesAction } from '../../app/routes/api.v1.carts.current.lines';
import { action as lineAction } from '../../app/routes/api.v1.carts.current.lines.$id';
import { action as signoffAction } from '../../app/routes/api.v1.carts.current.lines.$id.signoff';
import { action as apiCheckout } from '../../app/routes/api.v1.carts.current.checkout';
import { action as refillDayAction, loader as refillDayLoader } from '../../app/routes/_clinic.refill-day/route';
import { action as reviewAction } from '../../app/routes/_clinic.refill-day_.review';
import { demoToday } from '../support/demo-day';
import { call, request, signIn } from '../support/requests';
import { loadRxCases, pick, requestBody, type RxCase } from '../support/refill-cases';
import { ALVAREZ, BUPRENORPHINE, CLEAN_SIG, HYDROCODONE, METHIMAZOLE, healthyPatients, offerOf } from '../support/validation-fixtures';

// A veterinarian's sign-off is bound to the content it authorised (docs/signoff.md), and
// every controlled line needs one, whatever its source (docs/validation.md).

const key = DEMO_API_KEYS.riverside;
const VET_ID = DEMO_IDS.user('vet@riverside.example');
const CHEN_ID = DEMO_IDS.user('jchen@riverside.example');
const TECH_ID = DEMO_IDS.user('tech@riverside.example');
const MANAGER_ID = DEMO_IDS.user('manager@riverside.example');
let vet: string;
let tech: string;
let desk: string;
let manager: string;
let cases: RxCase[];
const used = new Set<string>();

type CartLine = { id: string; version: number; quantity: number; sig: string; prescriberId: string; shipTo: string; contentHash: string; signoff: { name: string; current: boolean } | null; findings: { rule: string; severity: string; message: string }[] };

beforeAll(async () => {
  [vet, tech, desk, manager] = await Promise.all([signIn('vet@riverside.example'), signIn('tech@riverside.example'), signIn('frontdesk@riverside.example'), signIn('manager@riverside.example')]);
  cases = await loadRxCases(getDb());
});

async function cartLines(): Promise<{ version: number; lines: CartLine[] }> {
  const res = await call(cartLoader, request('/api/v1/carts/current', { apiKey: key }));
  return ((await res.json()) as { cart: { version: number; lines: CartLine[] } }).cart;
}
async function lineOf(id: string) {
  const line = (await cartLines()).lines.find((l) => l.id === id);
  if (!line) throw new Error(`line ${id} is not in the cart`);
  return line;
}
const rulesOf = (line: CartLine) => line.findings.map((f) => f.rule);
async function signoffByApi(lineId: string, body: Record<string, unknown>) {
  const res = await call(signoffAction, request(`/api/v1/carts/current/lines/${lineId}/signoff`, { method: 'POST', apiKey: key, json: body }), { id: lineId });
  return { status: res.status, body: (await res.json()) as any };
}
async function ordersCount() {
  return Number((await getDb().selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).where('clinicId', '=', DEMO_IDS.riverside).executeTakeFirstOrThrow()).n);
}
async function removeAll() {
  for (const line of (await cartLines()).lines) {
    await call(lineAction, request(`/api/v1/carts/current/lines/${line.id}`, { method: 'DELETE', apiKey: key }), { id: line.id });
  }
}
async function payOnPage(cookie: string) {
  const cart = await cartLines();
  const open = await getDb().selectFrom('carts').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('status', '=', 'open').where('name', 'is', null).executeTakeFirstOrThrow();
  const res = await call(reviewAction, request('/refill-day/review', { method: 'POST', cookie, form: { version: String(cart.version), cartId: open.id } }));
  return { status: res.status, body: res.status === 302 ? null : ((await res.json()) as any) };
}

describe('a sign-off follows the content it authorised', () => {
  it("reproduction: a vet approves a C-IV request for one bottle, a technician makes it 40 with a new SIG; the sign-off is cleared, audited, and paying is blocked with a finding — no order", async () => {
    const c = pick(cases, 'controlled', demoToday(), used, 1, (x) => x.compounded && x.controlledSchedule === 'IV' && x.medicationName === 'Alprazolam')[0]!;
    const created = await call(createRequest, request('/api/v1/refill-requests', { method: 'POST', apiKey: key, json: requestBody(c) }));
    const r = ((await created.json()) as any).request as { id: string; queue: string };
    expect(r.queue).toBe('vet_review');

    const approved = await call(requestsAction, request('/requests', { method: 'POST', cookie: vet, form: { intent: 'approve', id: r.id } }));
    expect(approved.status).toBe(200);
    const { cartLineId } = await getDb().selectFrom('refillRequests').select('cartLineId').where('id', '=', r.id).executeTakeFirstOrThrow();
    const signed = await lineOf(cartLineId!);
    // The approval signed off exactly what it approved: the line passes the controlled rule.
    expect(signed.signoff).toMatchObject({ name: 'Dr. Maria Alvarez', current: true });
    expect(rulesOf(signed)).not.toContain('controlled.needs_vet');
    const stored = await getDb().selectFrom('lineSignoffs').selectAll().where('cartLineId', '=', cartLineId!).executeTakeFirstOrThrow();
    expect(stored.contentHash).toBe(signed.contentHash);
    expect(stored.content).toMatchObject({ quantity: signed.quantity, sig: signed.sig, prescriberId: signed.prescriberId, patientId: c.patientId });
    expect(stored.deaRegistration).toMatchObject({ state: 'CA', number: 'BA1234563' });

    // The technician makes it 40 bottles with a new SIG on the refill-day page.
    const edit = await call(
      refillDayAction,
      request('/refill-day', { method: 'POST', cookie: tech, form: { intent: 'update', lineId: signed.id, version: String(signed.version), quantity: '40', sig: 'Give 2 ml by mouth every 8 hours for 60 days', prescriberId: signed.prescriberId, shipTo: signed.shipTo, flavor: '', needBy: '' } }),
    );
    expect(edit.status).toBe(200);
    const changed = await lineOf(signed.id);
    expect(changed.quantity).toBe(40);
    expect(changed.signoff).toBeNull();
    const needsVet = changed.findings.find((f) => f.rule === 'controlled.needs_vet');
    expect(needsVet?.severity).toBe('error');
    expect(needsVet?.message).toMatch(/a veterinarian has not signed it off/);

    // Who changed what is on the record: the cleared sign-off with the fields' before and after.
    const cleared = await getDb().selectFrom('auditEvents').selectAll().where('subjectId', '=', signed.id).where('action', '=', 'cart_line.signoff_cleared').executeTakeFirstOrThrow();
    expect(cleared.actorLabel).toMatch(/Tina Morales/);
    expect((cleared.detail as any).changes).toMatchObject({ quantity: { from: signed.quantity, to: 40 }, sig: { from: signed.sig, to: 'Give 2 ml by mouth every 8 hours for 60 days' } });
    expect((cleared.detail as any).signedBy).toBe(VET_ID);

    // The front desk may not pay at all; a manager may, and is blocked by the finding. No order.
    const before = await ordersCount();
    const byDesk = await payOnPage(desk);
    expect(byDesk.status).toBe(403);
    const byManager = await payOnPage(manager);
    expect(byManager.status).toBe(422);
    expect(byManager.body.findings).toEqual(expect.arrayContaining([expect.objectContaining({ lineId: signed.id, rule: 'controlled.needs_vet', severity: 'error' })]));
    expect(await ordersCount()).toBe(before);
    await removeAll();
  });

  it('checkout re-verifies the hash in its transaction: a line changed behind the services is a finding naming who signed', async () => {
    const [patient] = await healthyPatients(getDb(), 1, demoToday());
    const bup = await offerOf(getDb(), 'pacific', BUPRENORPHINE);
    const added = await call(addLinesAction, request('/api/v1/carts/current/lines', { method: 'POST', apiKey: key, json: { lines: [{ patientId: patient, offerId: bup.id, quantity: 1, sig: 'Give 0.1 ml buccally q8h for 5 days', prescriberId: ALVAREZ, shipTo: 'clinic' }] } }));
    expect(added.status).toBe(201);
    const [line] = (await cartLines()).lines;
    expect((await signoffByApi(line!.id, { actingUserId: VET_ID, contentHash: line!.contentHash })).status).toBe(200);
    expect(rulesOf(await lineOf(line!.id))).not.toContain('controlled.needs_vet');

    // A write that bypasses the cart service (a bug, a console session) leaves the sign-off row.
    await getDb().updateTable('cartLines').set({ quantity: 40 }).where('id', '=', line!.id).execute();
    const after = await lineOf(line!.id);
    expect(after.signoff).toMatchObject({ current: false });
    const before = await ordersCount();
    const res = await call(apiCheckout, request('/api/v1/carts/current/checkout', { method: 'POST', apiKey: key, json: { version: (await cartLines()).version, actingUserId: MANAGER_ID } }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as any;
    expect(JSON.stringify(body)).toMatch(/changed after Dr\. Maria Alvarez signed it off/);
    expect(await ordersCount()).toBe(before);
    await removeAll();
  });
});

describe('every controlled line needs a veterinarian with DEA, whatever its source', () => {
  it('a manual C-III line added through the API is blocked until a veterinarian with DEA signs it off; the client cannot claim another source', async () => {
    const [patient] = await healthyPatients(getDb(), 2, demoToday());
    const bup = await offerOf(getDb(), 'pacific', BUPRENORPHINE);
    const res = await call(addLinesAction, request('/api/v1/carts/current/lines', { method: 'POST', apiKey: key, json: { lines: [{ patientId: patient, offerId: bup.id, quantity: 1, sig: 'Give 0.1 ml buccally q8h for 5 days', prescriberId: ALVAREZ, shipTo: 'clinic', source: 'request' }] } }));
    expect(res.status).toBe(201);
    const [line] = (await cartLines()).lines;
    const source = await getDb().selectFrom('cartLines').select('source').where('id', '=', line!.id).executeTakeFirstOrThrow();
    expect(source.source).toBe('manual');
    expect(line!.findings.find((f) => f.rule === 'controlled.needs_vet')?.severity).toBe('error');

    // A key alone, or in a technician's name, cannot sign off; a stale hash is a 409.
    expect((await signoffByApi(line!.id, {})).status).toBe(403);
    expect((await signoffByApi(line!.id, { actingUserId: TECH_ID })).status).toBe(403);
    const stale = await signoffByApi(line!.id, { actingUserId: VET_ID, contentHash: 'a'.repeat(64) });
    expect(stale.status).toBe(409);
    const ok = await signoffByApi(line!.id, { actingUserId: VET_ID, contentHash: line!.contentHash });
    expect(ok.status).toBe(200);
    expect(ok.body.signoff).toMatchObject({ lineId: line!.id, contentHash: line!.contentHash, deaRegistration: { state: 'CA' } });
    expect(rulesOf(await lineOf(line!.id))).not.toContain('controlled.needs_vet');
    await removeAll();
  });

  it('a C-II line from fast entry is blocked until the veterinarian signs it off on the page; a vet whose DEA lacks schedule II cannot', async () => {
    const [, , patient] = await healthyPatients(getDb(), 3, demoToday());
    const hydrocodone = await offerOf(getDb(), 'pacific', HYDROCODONE).catch(() => offerOf(getDb(), 'greatlakes', HYDROCODONE));
    const add = await call(
      refillDayAction,
      request('/refill-day', { method: 'POST', cookie: tech, form: { intent: 'add', patientId: patient!, offerId: hydrocodone.id, prescriptionId: '', quantity: '1', sig: 'Give 0.5 ml by mouth q12h for 5 days', prescriberId: ALVAREZ, shipTo: 'clinic' } }),
    );
    expect(add.status).toBe(200);
    const page = (await (await call(refillDayLoader, request('/refill-day', { cookie: tech }))).json()) as any;
    expect(page.canSignOff).toBe(false);
    const line = page.cart.lines[0] as CartLine;
    expect(line.findings.find((f) => f.rule === 'controlled.needs_vet')?.message).toMatch(/has not signed it off/);

    // The technician's post is refused; Dr. Chen's DEA does not list schedule II.
    const byTech = await call(refillDayAction, request('/refill-day', { method: 'POST', cookie: tech, form: { intent: 'signoff', lineId: line.id, contentHash: line.contentHash } }));
    expect(byTech.status).toBe(403);
    const chen = await signoffByApi(line.id, { actingUserId: CHEN_ID, contentHash: line.contentHash });
    expect(chen.status).toBe(403);
    expect(chen.body.error.message).toMatch(/DEA registration does not cover schedule II in CA/);

    const vetPage = (await (await call(refillDayLoader, request('/refill-day', { cookie: vet }))).json()) as any;
    expect(vetPage.canSignOff).toBe(true);
    const byVet = await call(refillDayAction, request('/refill-day', { method: 'POST', cookie: vet, form: { intent: 'signoff', lineId: line.id, contentHash: line.contentHash } }));
    expect(byVet.status).toBe(200);
    const now = await lineOf(line.id);
    expect(now.signoff).toMatchObject({ name: 'Dr. Maria Alvarez', current: true });
    expect(rulesOf(now)).not.toContain('controlled.needs_vet');
    const audit = await getDb().selectFrom('auditEvents').select(['detail', 'actorLabel']).where('subjectId', '=', line.id).where('action', '=', 'cart_line.signed_off').executeTakeFirstOrThrow();
    expect((audit.detail as any).contentHash).toBe(line.contentHash);
    // Editing a field the sign-off does not bind (need-by) keeps it.
    await call(lineAction, request(`/api/v1/carts/current/lines/${line.id}`, { method: 'PATCH', apiKey: key, json: { version: now.version, needBy: '2026-12-30' } }), { id: line.id });
    expect((await lineOf(line.id)).signoff).toMatchObject({ current: true });
    await removeAll();
  });

  it('a clean non-controlled line is not held for a sign-off', async () => {
    const [, , , patient] = await healthyPatients(getDb(), 4, demoToday());
    const offer = await offerOf(getDb(), 'pacific', METHIMAZOLE);
    await call(addLinesAction, request('/api/v1/carts/current/lines', { method: 'POST', apiKey: key, json: { lines: [{ patientId: patient, offerId: offer.id, quantity: 1, sig: CLEAN_SIG, prescriberId: ALVAREZ, shipTo: 'clinic' }] } }));
    const [line] = (await cartLines()).lines;
    expect(rulesOf(line!)).not.toContain('controlled.needs_vet');
    await removeAll();
  });
});
