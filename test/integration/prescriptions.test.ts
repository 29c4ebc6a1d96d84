import { beforeAll, describe, expect, it } from 'vitest';
import { getDb, setDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as apiUsers from '../../app/routes/api.v1.users';
import * as apiPrescriptions from '../../app/routes/api.v1.prescriptions';
import * as apiPrescription from '../../app/routes/api.v1.prescriptions.$id';
import * as apiRenew from '../../app/routes/api.v1.prescriptions.$id.renew';
import * as apiDiscontinue from '../../app/routes/api.v1.prescriptions.$id.discontinue';
import * as apiDea from '../../app/routes/api.v1.prescribers.$id.dea-registrations';
import * as apiRenewals from '../../app/routes/api.v1.renewal-requests';
import * as apiCartLines from '../../app/routes/api.v1.carts.current.lines';
import * as apiCart from '../../app/routes/api.v1.carts.current';
import * as apiSignoff from '../../app/routes/api.v1.carts.current.lines.$id.signoff';
import * as newPage from '../../app/routes/_clinic.prescriptions.new';
import * as listPage from '../../app/routes/_clinic.prescriptions._index';
import * as rxPage from '../../app/routes/_clinic.prescriptions.$id';
import * as batchPage from '../../app/routes/_clinic.renewals.$id';
import * as prescribersPage from '../../app/routes/_clinic.settings_.prescribers';
import * as refillDayPage from '../../app/routes/_clinic.refill-day/route';
import { dueForRefill } from '../../app/services/cart/index.server';
import { renewBatch, requestRenewals, sendCredentialExpiryNotices } from '../../app/services/records/index.server';
import * as homePage from '../../app/routes/_clinic._index';
import { demoToday } from '../support/demo-day';
import { call, callApi, request, signIn, type RouteModule } from '../support/requests';
import { ALVAREZ, CHEN, HYDROCODONE, METHIMAZOLE, PATEL, TECH, BUPRENORPHINE, addDays, demoUser, healthyPatients, offerOf, riversidePatient, storePrescription } from '../support/validation-fixtures';

// Prescriptions written, renewed and discontinued by veterinarians, through the clinic API (a
// key acting for `actingUserId`) and the pages' actions; renewal requests in a vet's batch; the
// DEA registration's check digit; who may do what, and another clinic's ids (Lakeside) are 404.

const LAKESIDE = DEMO_API_KEYS.lakeside;
const VET_USER = DEMO_IDS.user('vet@riverside.example');
const CHEN_USER = DEMO_IDS.user('jchen@riverside.example');
const PATEL_USER = DEMO_IDS.user('ppatel@riverside.example');
const TECH_USER = DEMO_IDS.user('tech@riverside.example');
const SIG = 'Give 0.5 ml by mouth BID for 30 days';
type Json = Record<string, any>;

const send = callApi;
async function page(route: RouteModule, path: string, cookie: string, init: { form?: Record<string, string>; params?: Record<string, string> } = {}) {
  const fn = init.form ? route.action! : route.loader!;
  const res = await call(fn as never, request(path, { cookie, ...(init.form ? { form: init.form } : {}) }), init.params ?? {});
  const text = await res.text();
  let body: Json = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body, location: res.headers.get('location') };
}

let vet: string;
let tech: string;
let manager: string;
let lakesideManager: string;
let today: string;
let patients: string[];
let pacific: { id: string; unitPriceCents: number };

beforeAll(async () => {
  [vet, tech, manager, lakesideManager] = await Promise.all([signIn('vet@riverside.example'), signIn('tech@riverside.example'), signIn('manager@riverside.example'), signIn('manager@lakeside.example')]);
  today = demoToday();
  patients = await healthyPatients(getDb(), 12, today);
  pacific = await offerOf(getDb(), 'pacific', METHIMAZOLE);
});

/** Adds one line filling `prescriptionId` to the open cart through the API; answers the cart line as the API shows it. */
async function quickfill(patientId: string, prescriptionId: string, prescriberId: string) {
  const added = await send(apiCartLines, '/api/v1/carts/current/lines', {
    json: { lines: [{ patientId, offerId: pacific.id, quantity: 1, sig: SIG, prescriberId, shipTo: 'clinic', source: 'quickfill', prescriptionId }] },
  });
  expect(added.status).toBe(201);
  return lineOf(prescriptionId);
}
async function lineOf(prescriptionId: string) {
  const cart = await send(apiCart, '/api/v1/carts/current');
  expect(cart.status).toBe(200);
  return (cart.body.cart.lines as Json[]).find((l) => l.prescriptionId === prescriptionId);
}
const rules = (line: Json | undefined) => (line?.findings as Json[] | undefined)?.filter((f) => f.severity === 'error').map((f) => f.rule) ?? ['(no line)'];

describe('writing a prescription', () => {
  it('lists the staff a key can act for, each veterinarian with a prescriber id', async () => {
    const res = await send(apiUsers, '/api/v1/users');
    expect(res.status).toBe(200);
    const users = res.body.users as Json[];
    expect(users.find((u) => u.id === VET_USER)).toMatchObject({ name: 'Dr. Maria Alvarez', role: 'veterinarian', prescriberId: ALVAREZ });
    expect(users.find((u) => u.id === TECH_USER)).toMatchObject({ role: 'technician' });
    expect(users.find((u) => u.id === TECH_USER)).not.toHaveProperty('prescriberId');
    const lakeside = await send(apiUsers, '/api/v1/users', { apiKey: LAKESIDE });
    expect((lakeside.body.users as Json[]).some((u) => u.id === VET_USER)).toBe(false);
  });

  it('writes one through the API for a veterinarian; a line quickfilled from it validates clean', async () => {
    const body = { actingUserId: VET_USER, patientId: patients[0], medicationId: METHIMAZOLE, sig: SIG, quantity: 1, refillsAuthorized: 3 };
    const res = await send(apiPrescriptions, '/api/v1/prescriptions', { json: body, key: 'rx-write-1' });
    expect(res.status).toBe(201);
    const rx = res.body.prescription;
    expect(rx).toMatchObject({ prescriberId: ALVAREZ, patientId: patients[0], refillsAuthorized: 3, refillsUsed: 0, writtenOn: today, status: 'active', supersedesId: null });
    // The clinic's policy (12 months unless changed) sets the expiry.
    expect(rx.expiresOn > addDays(today, 300)).toBe(true);

    // The same key and body replay the first answer; nothing new is written.
    const again = await send(apiPrescriptions, '/api/v1/prescriptions', { json: body, key: 'rx-write-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.body.prescription.id).toBe(rx.id);
    const count = await getDb().selectFrom('prescriptions').select((eb) => eb.fn.countAll<string>().as('n')).where('patientId', '=', patients[0]!).where('medicationId', '=', METHIMAZOLE).where('writtenOn', '=', today).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);

    // Written under the vet's name in the audit log.
    const audit = await getDb().selectFrom('auditEvents').select(['action', 'actorLabel']).where('subjectType', '=', 'prescription').where('subjectId', '=', rx.id).execute();
    expect(audit.map((a) => a.action)).toContain('prescription.written');
    expect(audit.find((a) => a.action === 'prescription.written')?.actorLabel).toMatch(/Alvarez/);

    const line = await quickfill(patients[0]!, rx.id, ALVAREZ);
    expect(line).toBeDefined();
    expect(rules(line)).toEqual([]);
    const read = await send(apiPrescription, `/api/v1/prescriptions/${rx.id}`, { params: { id: rx.id } });
    expect(read.status).toBe(200);
    expect(read.body.prescription.id).toBe(rx.id);
  });

  it("writes one from the page's form as the signed-in vet; a line from it validates clean", async () => {
    const form = { patientId: patients[1]!, medicationId: METHIMAZOLE, sig: SIG, quantity: '1', quantityUnit: 'bottle', refillsAuthorized: '2' };
    const res = await page(newPage, '/prescriptions/new', vet, { form });
    expect(res.status).toBe(302);
    const id = /\/prescriptions\/([0-9a-f-]{36})/.exec(res.location ?? '')?.[1];
    expect(id).toBeDefined();
    const shown = await page(rxPage, `/prescriptions/${id}`, tech, { params: { id: id! } });
    expect(shown.status).toBe(200);
    expect(shown.body.prescription).toMatchObject({ prescriberId: ALVAREZ, refillsAuthorized: 2, quantityUnit: 'bottle', status: 'active' });
    const line = await quickfill(patients[1]!, id!, ALVAREZ);
    expect(rules(line)).toEqual([]);

    // Bad input keeps what was typed and names the field.
    const bad = await page(newPage, '/prescriptions/new', vet, { form: { ...form, sig: 'Give by mouth', refillsAuthorized: 'many' } });
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors.refillsAuthorized).toBeTruthy();
    expect(bad.body.values.sig).toBe('Give by mouth');
    const vague = await page(newPage, '/prescriptions/new', vet, { form: { ...form, sig: 'Give by mouth' } });
    expect(vague.status).toBe(400);
    expect(vague.body.fieldErrors.sig).toMatch(/dose/);
  });

  it('refuses a line whose prescriber is not its prescription’s', async () => {
    const rx = await storePrescription(getDb(), { patientId: patients[2]!, prescriberId: ALVAREZ, medicationId: METHIMAZOLE, today });
    const added = await send(apiCartLines, '/api/v1/carts/current/lines', {
      json: { lines: [{ patientId: patients[2], offerId: pacific.id, quantity: 1, sig: SIG, prescriberId: CHEN, shipTo: 'clinic', source: 'manual', prescriptionId: rx }] },
    });
    expect(added.status).toBeGreaterThanOrEqual(400);
    expect(added.status).toBeLessThan(500);
    expect(Object.keys(added.body.error.fields ?? {}).join(' ')).toMatch(/prescriberId/);
  });

  it('lets only veterinarians write: a technician is 403, on the API and the page', async () => {
    const body = { actingUserId: TECH_USER, patientId: patients[3], medicationId: METHIMAZOLE, sig: SIG, quantity: 1, refillsAuthorized: 1 };
    const api = await send(apiPrescriptions, '/api/v1/prescriptions', { json: body });
    expect(api.status).toBe(403);
    expect(api.body.error.fields).toHaveProperty('actingUserId');
    const lakesideVet = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { ...body, actingUserId: DEMO_IDS.user('vet@lakeside.example') } });
    expect(lakesideVet.status).toBe(403);

    const ui = await page(newPage, '/prescriptions/new', tech, { form: { patientId: patients[3]!, medicationId: METHIMAZOLE, sig: SIG, quantity: '1', refillsAuthorized: '1' } });
    expect(ui.status).toBe(403);
    const rx = await storePrescription(getDb(), { patientId: patients[3]!, prescriberId: ALVAREZ, medicationId: METHIMAZOLE, today });
    const renew = await page(rxPage, `/prescriptions/${rx}`, tech, { form: { intent: 'renew' }, params: { id: rx } });
    expect(renew.status).toBe(403);
    const stop = await page(rxPage, `/prescriptions/${rx}`, tech, { form: { intent: 'discontinue', reason: 'x' }, params: { id: rx } });
    expect(stop.status).toBe(403);
    const apiRenewTech = await send(apiRenew, `/api/v1/prescriptions/${rx}/renew`, { json: { actingUserId: TECH_USER }, params: { id: rx } });
    expect(apiRenewTech.status).toBe(403);
  });

  it('applies the DEA rules: a vet without a registration covering the schedule, C-II refills, C-III–V limits', async () => {
    const patient = await riversidePatient(getDb(), today, { status: 'active', exam: 'recent', species: 'dog', skip: 2 });
    const base = { patientId: patient, sig: 'Give 2.5 ml by mouth q8h as needed for cough for 4 days', quantity: 1, refillsAuthorized: 0 };
    // Dr. Chen's registration covers III to V, not II.
    const chen = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { ...base, actingUserId: CHEN_USER, medicationId: HYDROCODONE } });
    expect(chen.status).toBe(422);
    expect(chen.body.error.fields.actingUserId).toMatch(/DEA/);
    // Dr. Patel holds no current licence in CA at all.
    const patel = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { ...base, actingUserId: PATEL_USER, medicationId: METHIMAZOLE, sig: SIG } });
    expect(patel.status).toBe(422);
    expect(patel.body.error.fields.actingUserId).toMatch(/licence/);
    // C-II: no refills.
    const refills = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { ...base, actingUserId: VET_USER, medicationId: HYDROCODONE, refillsAuthorized: 1 } });
    expect(refills.status).toBe(422);
    expect(refills.body.error.fields).toHaveProperty('refillsAuthorized');
    // C-III: at most 5 refills and six months.
    const bup = { ...base, actingUserId: VET_USER, medicationId: BUPRENORPHINE, sig: 'Give 0.1 ml buccally q8h for 5 days' };
    const six = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { ...bup, refillsAuthorized: 6, expiresOn: addDays(today, 250) } });
    expect(six.status).toBe(422);
    expect(Object.keys(six.body.error.fields).sort()).toEqual(['expiresOn', 'refillsAuthorized']);
    const ok = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { ...bup, refillsAuthorized: 5 } });
    expect(ok.status).toBe(201);
    // The default expiry of a C-III is six months, not the clinic's twelve.
    expect(ok.body.prescription.expiresOn <= addDays(today, 184)).toBe(true);
    const cii = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { ...base, actingUserId: VET_USER, medicationId: HYDROCODONE } });
    expect(cii.status).toBe(201);
    expect(cii.body.prescription).toMatchObject({ controlledSchedule: 'II', refillsAuthorized: 0, prescriberId: ALVAREZ });
    // A C-II has no refills: its one fill is the original, which a cart line may make once.
    let hydrocodone: { id: string; unitPriceCents: number } | undefined;
    for (const slug of ['pacific', 'sierra', 'greatlakes']) hydrocodone ??= await offerOf(getDb(), slug, HYDROCODONE).catch(() => undefined);
    const added = await send(apiCartLines, '/api/v1/carts/current/lines', {
      json: { lines: [{ patientId: patient, offerId: hydrocodone!.id, quantity: 1, sig: base.sig, prescriberId: ALVAREZ, shipTo: 'clinic', source: 'manual', prescriptionId: cii.body.prescription.id }] },
    });
    expect(added.status).toBe(201);
    // A controlled line waits for a veterinarian's sign-off of its content (docs/signoff.md);
    // signed by the prescribing vet, whose DEA registration covers C-II, it passes.
    const waiting = await lineOf(cii.body.prescription.id);
    expect(rules(waiting)).toEqual(['controlled.needs_vet']);
    const signed = await send(apiSignoff, `/api/v1/carts/current/lines/${waiting!.id}/signoff`, { json: { actingUserId: VET_USER, contentHash: waiting!.contentHash }, params: { id: String(waiting!.id) } });
    expect(signed.status).toBe(200);
    expect(rules(await lineOf(cii.body.prescription.id))).toEqual([]);
  });

  it('refuses a prescription for a deceased patient', async () => {
    const deceased = await riversidePatient(getDb(), today, { status: 'deceased', exam: 'recent' }).catch(() => riversidePatient(getDb(), today, { status: 'deceased', exam: 'overdue' }));
    const res = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { actingUserId: VET_USER, patientId: deceased, medicationId: METHIMAZOLE, sig: SIG, quantity: 1, refillsAuthorized: 1 } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/deceased/);
  });

  it('answers bad input with 400 naming the field, never a 5xx', async () => {
    const bad = await send(apiPrescriptions, '/api/v1/prescriptions', { json: { actingUserId: VET_USER, patientId: 'nope', sig: '', quantity: -1, refillsAuthorized: 'x' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['patientId', 'sig', 'quantity', 'refillsAuthorized']));
    const query = await send(apiPrescriptions, '/api/v1/prescriptions?status=lost');
    expect(query.status).toBe(400);
    expect(query.body.error.fields).toHaveProperty('status');
  });
});

describe('renewing and discontinuing', () => {
  it('a line whose prescription is out of refills asks for renewal; the vet renews the batch and the line passes', async () => {
    const old = await storePrescription(getDb(), { patientId: patients[4]!, prescriberId: CHEN, medicationId: METHIMAZOLE, today, refillsAuthorized: 2, refillsUsed: 2 });
    const line = await quickfill(patients[4]!, old, CHEN);
    expect(rules(line)).toContain('prescription.valid');

    // From the cart: "Ask for renewal" on the line.
    const asked = await page(refillDayPage, '/refill-day', tech, { form: { intent: 'renewal', lineId: line!.id, version: String(line!.version), prescriptionId: old } });
    expect(asked.status).toBe(200);
    expect(asked.body.message).toMatch(/Dr\. James Chen/);
    const queue = await send(apiRenewals, '/api/v1/renewal-requests');
    const batch = (queue.body.batches as Json[]).find((b) => b.prescriberName === 'Dr. James Chen');
    expect(batch).toBeDefined();
    expect(batch!.open).toBeGreaterThanOrEqual(1);

    // The batch page shows each request with its SIG, last fill, weight and exam date.
    const shown = await page(batchPage, `/renewals/${batch!.id}`, vet, { params: { id: batch!.id } });
    expect(shown.status).toBe(200);
    const request = (shown.body.requests as Json[]).find((r) => r.prescription.id === old);
    expect(request).toBeDefined();
    expect(request!.prescription).toMatchObject({ sig: SIG, refillsUsed: 2, writtenByName: 'Dr. James Chen' });
    expect(request!.patient).toHaveProperty('weightKg');
    expect(request!.patient).toHaveProperty('lastWellnessExamOn');
    expect(request!.prescription).toHaveProperty('lastFilledOn');

    // Dr. Chen renews it (a technician cannot).
    const chen = await signIn('jchen@riverside.example');
    const byTech = await page(batchPage, `/renewals/${batch!.id}`, tech, { form: { intent: 'renew', requestId: request!.id }, params: { id: batch!.id } });
    expect(byTech.status).toBe(403);
    const renewed = await page(batchPage, `/renewals/${batch!.id}`, chen, { form: { intent: 'renew', requestId: request!.id, refillsAuthorized: '5' }, params: { id: batch!.id } });
    expect(renewed.status).toBe(200);
    expect(renewed.body.message).toMatch(/Renewed 1 prescription/);

    const next = await getDb().selectFrom('prescriptions').selectAll().where('supersedesId', '=', old).executeTakeFirstOrThrow();
    expect(next).toMatchObject({ prescriberId: CHEN, refillsAuthorized: 5, refillsUsed: 0, status: 'active' });
    const before = await getDb().selectFrom('prescriptions').select('status').where('id', '=', old).executeTakeFirstOrThrow();
    expect(before.status).toBe('superseded');
    // The cart line now fills the renewal, with no re-entry, and passes.
    const moved = await lineOf(next.id);
    expect(moved?.id).toBe(line!.id);
    expect(rules(moved)).toEqual([]);
  });

  it('renews through the API: a new prescription superseding the old, the old kept with a link', async () => {
    const old = await storePrescription(getDb(), { patientId: patients[5]!, prescriberId: ALVAREZ, medicationId: METHIMAZOLE, today, writtenOn: addDays(today, -400), expiresOn: addDays(today, -5) });
    const res = await send(apiRenew, `/api/v1/prescriptions/${old}/renew`, { json: { actingUserId: VET_USER, refillsAuthorized: 4 }, params: { id: old }, key: 'renew-1' });
    expect(res.status).toBe(201);
    expect(res.body.prescription).toMatchObject({ supersedesId: old, refillsAuthorized: 4, prescriberId: ALVAREZ, status: 'active', writtenOn: today });
    const read = await send(apiPrescription, `/api/v1/prescriptions/${old}`, { params: { id: old } });
    expect(read.body.prescription).toMatchObject({ status: 'superseded', supersededById: res.body.prescription.id });
    const twice = await send(apiRenew, `/api/v1/prescriptions/${old}/renew`, { json: { actingUserId: VET_USER }, params: { id: old } });
    expect(twice.status).toBe(409);
  });

  it('renews a batch in a fixed number of queries, whatever its size', async () => {
    const vetPrincipal = demoUser('vet@riverside.example', 'Dr. Maria Alvarez', 'veterinarian', 'riverside');
    const base = getDb();
    let queries = 0;
    const counting = base.withPlugin({ transformQuery: (args) => ((queries += 1), args.node), transformResult: async (args) => args.result });
    const renewCounted = async (size: number) => {
      const olds = await Promise.all(
        Array.from({ length: size }, (_, i) => storePrescription(base, { patientId: patients[7 + (i % 5)]!, prescriberId: ALVAREZ, medicationId: METHIMAZOLE, today, refillsAuthorized: 1, refillsUsed: 1 })),
      );
      const asked = await requestRenewals(TECH, olds.map((prescriptionId) => ({ prescriptionId })));
      const batchIds = [...new Set(asked.map((a) => a.batchId))];
      expect(batchIds).toHaveLength(1);
      queries = 0;
      setDb(counting);
      try {
        const { renewed } = await renewBatch(vetPrincipal, batchIds[0]!, { requestIds: asked.map((a) => a.id) });
        expect(renewed).toHaveLength(size);
      } finally {
        setDb(base);
      }
      return queries;
    };
    const small = await renewCounted(2);
    const large = await renewCounted(8);
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });

  it('declines a request with a reason', async () => {
    const old = await storePrescription(getDb(), { patientId: patients[6]!, prescriberId: ALVAREZ, medicationId: METHIMAZOLE, today, refillsAuthorized: 1, refillsUsed: 1 });
    const asked = await send(apiRenewals, '/api/v1/renewal-requests', { json: { prescriptionIds: [old] } });
    expect(asked.status).toBe(201);
    const { batchId, id } = asked.body.requests[0];
    const noReason = await page(batchPage, `/renewals/${batchId}`, vet, { form: { intent: 'decline', requestId: id, reason: '' }, params: { id: batchId } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fieldErrors).toHaveProperty('reason');
    const declined = await page(batchPage, `/renewals/${batchId}`, vet, { form: { intent: 'decline', requestId: id, reason: 'Needs a recheck exam first' }, params: { id: batchId } });
    expect(declined.status).toBe(200);
    const row = await getDb().selectFrom('renewalRequests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('declined');
  });

  it("discontinuing a prescription takes it off the refill-day builder", async () => {
    const due = await dueForRefill(TECH, { withinDays: 30 });
    const entry = due.patients.find((p) => p.prescription && p.prescription.status === 'active' && p.line);
    expect(entry, 'a due line with an active prescription').toBeDefined();
    const rxId = entry!.prescription!.id;
    const stop = await send(apiDiscontinue, `/api/v1/prescriptions/${rxId}/discontinue`, { json: { actingUserId: VET_USER, reason: 'Hyperthyroidism treated with radioiodine' }, params: { id: rxId }, key: 'stop-1' });
    expect(stop.status).toBe(200);
    expect(stop.body.prescription).toMatchObject({ id: rxId, status: 'discontinued', discontinued: { reason: 'Hyperthyroidism treated with radioiodine' } });
    const after = await dueForRefill(TECH, { withinDays: 30 });
    expect(after.patients.some((p) => p.orderLineId === entry!.orderLineId)).toBe(false);
    const noReason = await send(apiDiscontinue, `/api/v1/prescriptions/${rxId}/discontinue`, { json: { actingUserId: VET_USER, reason: ' ' }, params: { id: rxId } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields).toHaveProperty('reason');
  });
});

describe('DEA registrations', () => {
  it('adds a registration whose check digit is right; a wrong one is 400 on number', async () => {
    const good = await send(apiDea, `/api/v1/prescribers/${PATEL}/dea-registrations`, { json: { number: 'BP1234563', state: 'CA', schedules: ['III', 'IV', 'V'], expiresOn: addDays(today, 365) }, params: { id: PATEL }, key: 'dea-1' });
    expect(good.status).toBe(201);
    expect(good.body.deaRegistration).toMatchObject({ number: 'BP1234563', state: 'CA', prescriberId: PATEL });
    const bad = await send(apiDea, `/api/v1/prescribers/${PATEL}/dea-registrations`, { json: { number: 'BP1234564', state: 'CA', schedules: ['III'], expiresOn: addDays(today, 365) }, params: { id: PATEL } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.number).toMatch(/check digit/i);
    const surname = await send(apiDea, `/api/v1/prescribers/${PATEL}/dea-registrations`, { json: { number: 'BA1234563', state: 'NV', schedules: ['III'], expiresOn: addDays(today, 365) }, params: { id: PATEL } });
    expect(surname.status).toBe(400);
    expect(surname.body.error.fields).toHaveProperty('number');
  });

  it('is kept by the manager on the settings page; a technician cannot change it', async () => {
    const shown = await page(prescribersPage, '/settings/prescribers', manager);
    expect(shown.status).toBe(200);
    expect((shown.body.prescribers as Json[]).map((p) => p.name)).toEqual(expect.arrayContaining(['Dr. Maria Alvarez', 'Dr. James Chen']));
    const form = { intent: 'add-dea', userId: CHEN_USER, number: 'BC7654329', state: 'NV', schedules: 'IV', expiresOn: addDays(today, 200) };
    const byTech = await page(prescribersPage, '/settings/prescribers', tech, { form });
    expect(byTech.status).toBe(403);
    const bad = await page(prescribersPage, '/settings/prescribers', manager, { form: { ...form, number: 'BC7654320' } });
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors.number).toBeTruthy();
    expect(bad.body.values.number).toBe('BC7654320');
  });
});

describe('credentials expiring within 60 days', () => {
  it('show on the home page and are emailed to each manager once', async () => {
    const licence = await getDb().selectFrom('prescriberLicenses').select(['id', 'number']).where('prescriberId', '=', CHEN).where('state', '=', 'CA').executeTakeFirstOrThrow();
    await getDb().updateTable('prescriberLicenses').set({ expiresOn: addDays(today, 30) }).where('id', '=', licence.id).execute();
    const home = await page(homePage, '/', tech);
    expect(home.status).toBe(200);
    expect(home.body.credentials).toContainEqual(expect.objectContaining({ kind: 'license', id: licence.id, prescriberName: 'Dr. James Chen', daysLeft: 30 }));

    const first = await sendCredentialExpiryNotices();
    expect(first).toBeGreaterThanOrEqual(1);
    const again = await sendCredentialExpiryNotices();
    expect(again).toBe(0);
    const emails = await getDb().selectFrom('notifications').select(['toAddress', 'subject', 'body']).where('template', '=', 'staff.credential_expiring').where('subject', 'like', `%${licence.number}%`).execute();
    expect(emails.map((e) => e.toAddress)).toEqual(['manager@riverside.example']);
    expect(emails[0]!.subject).toMatch(/expires in 30 days/);
    expect(emails[0]!.body).toContain('/settings/prescribers');
    // Lakeside's manager hears nothing of Riverside's vets.
    const lakeside = await getDb().selectFrom('notifications').select('id').where('template', '=', 'staff.credential_expiring').where('toAddress', '=', 'manager@lakeside.example').where('subject', 'like', '%Chen%').execute();
    expect(lakeside).toHaveLength(0);
  });
});

describe("another clinic's prescriptions", () => {
  it('are 404 on every endpoint and page', async () => {
    const rx = await storePrescription(getDb(), { patientId: patients[7]!, prescriberId: ALVAREZ, medicationId: METHIMAZOLE, today, refillsAuthorized: 1, refillsUsed: 1 });
    const asked = await send(apiRenewals, '/api/v1/renewal-requests', { json: { prescriptionIds: [rx] } });
    const batchId = asked.body.requests[0].batchId as string;
    const opts = { apiKey: LAKESIDE, params: { id: rx } };
    expect((await send(apiPrescription, `/api/v1/prescriptions/${rx}`, opts)).status).toBe(404);
    expect((await send(apiRenew, `/api/v1/prescriptions/${rx}/renew`, { ...opts, json: { actingUserId: DEMO_IDS.user('vet@lakeside.example') } })).status).toBe(404);
    expect((await send(apiDiscontinue, `/api/v1/prescriptions/${rx}/discontinue`, { ...opts, json: { actingUserId: DEMO_IDS.user('vet@lakeside.example'), reason: 'x' } })).status).toBe(404);
    expect((await send(apiRenewals, '/api/v1/renewal-requests', { apiKey: LAKESIDE, json: { prescriptionIds: [rx] } })).status).toBe(404);
    expect((await send(apiDea, `/api/v1/prescribers/${ALVAREZ}/dea-registrations`, { apiKey: LAKESIDE, params: { id: ALVAREZ }, json: { number: 'BA1234563', state: 'NV', schedules: ['II'], expiresOn: addDays(today, 30) } })).status).toBe(404);
    const list = await send(apiPrescriptions, '/api/v1/prescriptions', { apiKey: LAKESIDE });
    expect((list.body.prescriptions as Json[]).some((p) => p.id === rx)).toBe(false);
    const lakesideBatches = await send(apiRenewals, '/api/v1/renewal-requests', { apiKey: LAKESIDE });
    expect((lakesideBatches.body.batches as Json[]).some((b) => b.id === batchId)).toBe(false);

    expect((await page(rxPage, `/prescriptions/${rx}`, lakesideManager, { params: { id: rx } })).status).toBe(404);
    expect((await page(batchPage, `/renewals/${batchId}`, lakesideManager, { params: { id: batchId } })).status).toBe(404);
    const lakesideList = await page(listPage, '/prescriptions', lakesideManager);
    expect((lakesideList.body.prescriptions as Json[]).some((p) => p.id === rx)).toBe(false);
    const lakesideSettings = await page(prescribersPage, '/settings/prescribers', lakesideManager);
    expect((lakesideSettings.body.prescribers as Json[]).some((p) => p.prescriberId === ALVAREZ)).toBe(false);
    const removeOther = await page(prescribersPage, '/settings/prescribers', lakesideManager, { form: { intent: 'remove-dea', id: (await getDb().selectFrom('deaRegistrations').select('id').where('prescriberId', '=', ALVAREZ).executeTakeFirstOrThrow()).id } });
    expect(removeOther.status).toBe(404);
  });
});
