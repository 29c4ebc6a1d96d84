import type { LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, getDb, setDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as validateRoute from '../../app/routes/api.v1.validate';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { demoToday } from '../support/demo-day';
import { DomainError } from '../../app/services/platform/errors';
import {
  acknowledgeWarning,
  loadValidationContext,
  validateClinicCart,
  validateClinicCartIn,
  validateDraftLines,
  type ValidationLineInput,
} from '../../app/services/validation/validation.server';
import type { Finding } from '../../validators';
import { call, request } from '../support/requests';
import {
  ALVAREZ,
  BUPRENORPHINE,
  CHEN,
  HYDROCODONE,
  LAKESIDE_MANAGER,
  METHIMAZOLE,
  PATEL,
  TECH,
  addDays,
  cleanLine,
  healthyPatients,
  medicationId,
  offerOf,
  riversidePatient,
  storeCart,
  storePrescription,
  type LineSpec,
} from '../support/validation-fixtures';

const db = () => getDb();
// Notes (info) are left out: the demo's healthy patients include dogs, and methimazole has a
// dose reference for cats only, which dose.range notes on a dog's line.
const judged = (findings: readonly Finding[] | undefined) => (findings ?? []).filter((f) => f.severity !== 'info');
const rules = (findings: readonly Finding[] | undefined) => judged(findings).map((f) => f.rule);
const day = demoToday();

type Offer = { id: string; unitPriceCents: number };
let patients: string[];
let pacific: Offer;
let lonestar: Offer;
let sierra: Offer;

/** Stores the lines as a cart and returns each line's findings, in order. */
async function findingsOf(lines: LineSpec[]): Promise<Finding[][]> {
  const { cartId, lineIds } = await storeCart(db(), lines);
  const validation = await validateClinicCart(TECH, { cartId });
  expect(Object.keys(validation.byLineId).sort()).toEqual([...lineIds].sort());
  return lineIds.map((id) => validation.byLineId[id]!);
}

const patientWhere = (status: 'active' | 'deceased', exam: 'recent' | 'overdue') => riversidePatient(db(), day, { status, exam });

beforeAll(async () => {
  patients = await healthyPatients(db(), 40, day);
  pacific = await offerOf(db(), 'pacific', METHIMAZOLE);
  lonestar = await offerOf(db(), 'lonestar', METHIMAZOLE);
  sierra = await offerOf(db(), 'sierra', METHIMAZOLE);
  await offerOf(db(), 'greatlakes', METHIMAZOLE);
});

describe('the loader fills what each rule reads, from the demo data', () => {
  it('a line with nothing wrong has no findings (patient, prescriber, offer, package size, pharmacy all loaded)', async () => {
    const [findings] = await findingsOf([cleanLine(patients[0]!, pacific)]);
    expect(findings).toEqual([]);
  });

  // The fixes ask a veterinarian who can write the prescription to renew it; they never put
  // another veterinarian's name on Dr. Patel's or Dr. Chen's prescription (the swap they made before).
  it("Dr. Priya Patel's expired CA licence → prescriber.license_state, asking a vet licensed in CA to renew her prescription", async () => {
    const rx = await storePrescription(db(), { patientId: patients[1]!, prescriberId: PATEL, medicationId: METHIMAZOLE, today: day });
    const [findings] = await findingsOf([cleanLine(patients[1]!, pacific, { prescriberId: PATEL, prescriptionId: rx })]);
    expect(rules(findings)).toEqual(['prescriber.license_state']);
    expect(findings![0]!.message).toMatch(/Dr\. Priya Patel's licence in CA .* expired on \d{4}-\d{2}-\d{2}/);
    // The fix names a prescribers.id, the id a renewal request and then the line store.
    expect(findings![0]!.fix).toEqual({ kind: 'request_renewal', prescriptionId: rx, prescriberId: CHEN, name: 'Dr. James Chen' });
  });

  it('a C-II medication by Dr. Chen (DEA for III–V only) → prescriber.dea, asking Dr. Alvarez to renew it', async () => {
    const hydrocodone = await offerOf(db(), 'greatlakes', HYDROCODONE).catch(() => offerOf(db(), 'pacific', HYDROCODONE));
    const rx = await storePrescription(db(), { patientId: patients[2]!, prescriberId: CHEN, medicationId: HYDROCODONE, refillsAuthorized: 0, today: day });
    const [findings] = await findingsOf([
      cleanLine(patients[2]!, hydrocodone, { prescriberId: CHEN, prescriptionId: rx, sig: 'Give 2.5 ml by mouth q8h as needed for cough for 4 days' }),
    ]);
    expect(rules(findings)).toContain('prescriber.dea');
    const dea = findings!.find((f) => f.rule === 'prescriber.dea')!;
    expect(dea.severity).toBe('error');
    expect(dea.fix).toEqual({ kind: 'request_renewal', prescriptionId: rx, prescriberId: ALVAREZ, name: 'Dr. Maria Alvarez' });
  });

  it('a line naming another prescriber than its prescription’s → prescription.valid (the swap is an error)', async () => {
    const rx = await storePrescription(db(), { patientId: patients[30]!, prescriberId: PATEL, medicationId: METHIMAZOLE, today: day });
    const [findings] = await findingsOf([cleanLine(patients[30]!, pacific, { prescriberId: CHEN, prescriptionId: rx })]);
    const valid = findings!.find((f) => f.rule === 'prescription.valid');
    expect(valid).toMatchObject({ severity: 'error', message: 'The line names Dr. James Chen, but the prescription was written by Dr. Priya Patel.' });
  });

  it("reads each SIG with its product's form: an injectable's 'give 0.25 ml' names no route, an oral suspension's is by mouth", async () => {
    const cyanocobalamin = medicationId('Cyanocobalamin', '1000 mcg/mL', 'injectable solution');
    // The demo catalog carries it at some of the pharmacies that ship to CA.
    const injectable = await offerOf(db(), 'pacific', cyanocobalamin)
      .catch(() => offerOf(db(), 'sierra', cyanocobalamin))
      .catch(() => offerOf(db(), 'greatlakes', cyanocobalamin));
    const sig = 'Give 0.25 ml once weekly for 4 weeks';
    const [injected, swallowed] = await findingsOf([cleanLine(patients[9]!, injectable, { sig }), cleanLine(patients[10]!, pacific, { sig })]);
    const complete = injected!.find((f) => f.rule === 'sig.complete');
    expect(complete?.severity).toBe('error');
    expect(complete?.message).toBe('The directions (SIG) do not say the route.');
    expect(complete?.fix).toEqual({ kind: 'edit_sig', missing: ['route'] });
    expect(rules(swallowed)).not.toContain('sig.complete');
  });

  it("controlled.needs_vet reads a line's sign-off as a user: Dr. Alvarez's sign-off clears it, a technician's does not", async () => {
    const bup = await offerOf(db(), 'pacific', BUPRENORPHINE);
    const quickfill = (patient: string, signedOffBy: string | null) =>
      cleanLine(patient, bup, { source: 'quickfill', signedOffBy, sig: 'Give 0.1 ml buccally q8h for 5 days' });
    const [unsigned, byVet, byTech] = await findingsOf([
      quickfill(patients[3]!, null),
      quickfill(patients[4]!, DEMO_IDS.user('vet@riverside.example')),
      quickfill(patients[5]!, TECH.userId),
    ]);
    expect(rules(unsigned)).toContain('controlled.needs_vet');
    expect(rules(byVet)).not.toContain('controlled.needs_vet');
    expect(byTech!.find((f) => f.rule === 'controlled.needs_vet')?.message).toMatch(/not a veterinarian of the clinic/);
  });

  it('a Lone Star Animal Pharmacy offer shipped to CA → pharmacy.ship_state, fixed by an offer that ships there', async () => {
    const [findings] = await findingsOf([cleanLine(patients[6]!, lonestar)]);
    expect(rules(findings)).toEqual(['pharmacy.ship_state']);
    expect(findings![0]!.message).toMatch(/Lone Star Animal Pharmacy/);
    const fix = findings![0]!.fix;
    expect(fix?.kind).toBe('switch_offer');
    expect(['Pacific Coast Compounding', 'Sierra Veterinary Compounding', 'Great Lakes Veterinary Compounding']).toContain(
      fix?.kind === 'switch_offer' ? fix.pharmacyName : '',
    );
  });

  it('an offer with 3 in stock and two lines of 2 → pharmacy.stock on both, naming a pharmacy that has it', async () => {
    const scarce = await offerOf(db(), 'sierra', METHIMAZOLE, 3);
    const findings = await findingsOf([
      cleanLine(patients[7]!, scarce, { quantity: 2, sig: 'Give 0.5 ml by mouth BID for 60 days' }),
      cleanLine(patients[8]!, scarce, { quantity: 2, sig: 'Give 0.5 ml by mouth BID for 60 days' }),
    ]);
    for (const line of findings) {
      expect(rules(line)).toEqual(['pharmacy.stock']);
      const fix = line[0]!.fix;
      expect(fix?.kind === 'switch_offer' && fix.offerId).not.toBe(scarce.id);
      expect(fix?.kind === 'switch_offer' && fix.pharmacyName).toMatch(/Pacific|Great Lakes/);
    }
    await offerOf(db(), 'sierra', METHIMAZOLE);
  });

  it('a deceased patient → patient.active', async () => {
    const [findings] = await findingsOf([cleanLine(await patientWhere('deceased', 'recent').catch(() => patientWhere('deceased', 'overdue')), pacific)]);
    expect(rules(findings)).toContain('patient.active');
    expect(findings!.find((f) => f.rule === 'patient.active')!.message).toMatch(/deceased/i);
  });

  it('an expired prescription → prescription.valid', async () => {
    const rx = await db()
      .insertInto('prescriptions')
      .values({
        clinicId: DEMO_IDS.riverside,
        patientId: patients[9]!,
        prescriberId: ALVAREZ,
        medicationId: METHIMAZOLE,
        sig: 'Give 0.5 ml by mouth BID',
        quantity: 1,
        refillsAuthorized: 5,
        refillsUsed: 1,
        writtenOn: addDays(day, -400),
        expiresOn: addDays(day, -35),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [findings] = await findingsOf([cleanLine(patients[9]!, pacific, { prescriptionId: rx.id })]);
    expect(rules(findings)).toEqual(['prescription.valid']);
    expect(findings![0]!.message).toMatch(/expired/i);
  });

  it("an overdue wellness exam → patient.wellness warning, and an error when the clinic's policy says so", async () => {
    const overdue = await patientWhere('active', 'overdue');
    const [asWarning] = await findingsOf([cleanLine(overdue, pacific)]);
    expect(judged(asWarning).map((f) => [f.rule, f.severity])).toEqual([['patient.wellness', 'warning']]);
    await db().updateTable('clinics').set({ wellnessPolicy: 'error' }).where('id', '=', DEMO_IDS.riverside).execute();
    try {
      const [asError] = await findingsOf([cleanLine(overdue, pacific)]);
      expect(judged(asError).map((f) => [f.rule, f.severity])).toEqual([['patient.wellness', 'error']]);
    } finally {
      await db().updateTable('clinics').set({ wellnessPolicy: 'warning' }).where('id', '=', DEMO_IDS.riverside).execute();
    }
  });

  it("a price moved since the line was added → offer.price_changed, from the line's unit_price_cents_at_add", async () => {
    const [findings] = await findingsOf([cleanLine(patients[10]!, pacific, { unitPriceCentsAtAdd: pacific.unitPriceCents - 100 })]);
    expect(rules(findings)).toEqual(['offer.price_changed']);
  });

  it("inside a caller's transaction it judges the uncommitted cart (what checkout will pay for)", async () => {
    const { cartId, lineIds } = await storeCart(db(), [cleanLine(patients[11]!, pacific)]);
    await db()
      .transaction()
      .execute(async (tx) => {
        await tx.updateTable('cartLines').set({ prescriberId: PATEL }).where('id', '=', lineIds[0]!).execute();
        const inside = await validateClinicCartIn(tx, TECH, { cartId });
        expect(rules(inside.byLineId[lineIds[0]!])).toEqual(['prescriber.license_state']);
        const outside = await validateClinicCart(TECH, { cartId });
        expect(outside.byLineId[lineIds[0]!]).toEqual([]);
      });
  });

  it('a removed line is not validated, and no open cart gives an empty validation', async () => {
    const { cartId, lineIds } = await storeCart(db(), [cleanLine(patients[12]!, pacific), cleanLine(patients[12]!, pacific)]);
    await db().updateTable('cartLines').set({ removedAt: new Date() }).where('id', '=', lineIds[1]!).execute();
    const v = await validateClinicCart(TECH, { cartId });
    expect(Object.keys(v.byLineId)).toEqual([lineIds[0]]);
    expect(v.byLineId[lineIds[0]!]).toEqual([]); // no line.duplicate with the removed line
    const none = await validateClinicCart(LAKESIDE_MANAGER);
    expect(none).toMatchObject({ cartId: null, lines: [], blockingCount: 0, warningCount: 0 });
  });
});

describe('tenancy', () => {
  it("another clinic's patient or prescriber in a draft is reported as not found, like an id that does not exist", async () => {
    const lakesidePatient = await db().selectFrom('patients').select('id').where('clinicId', '=', DEMO_IDS.lakeside).executeTakeFirstOrThrow();
    const lakesideVet = await db().selectFrom('prescribers').select('id').where('clinicId', '=', DEMO_IDS.lakeside).executeTakeFirstOrThrow();
    const draft = { patientId: patients[13]!, offerId: pacific.id, quantity: 1, sig: 'Give 0.5 ml by mouth BID for 30 days', prescriberId: ALVAREZ, shipTo: 'clinic' as const };
    const result = await validateDraftLines(TECH, [
      { ...draft, patientId: lakesidePatient.id },
      { ...draft, prescriberId: lakesideVet.id },
      { ...draft, patientId: '00000000-0000-0000-0000-000000000000' },
    ]);
    expect(rules(result.lines[0]!.findings)).toEqual(['patient.active']);
    expect(rules(result.lines[1]!.findings)).toEqual(['prescriber.license_state']);
    expect(result.lines[1]!.findings[0]!.message).toMatch(/not on file/);
    expect(result.lines[0]!.findings[0]!.message).toBe(result.lines[2]!.findings[0]!.message);
    expect(JSON.stringify(result)).not.toMatch(/Lakeside|Rivers|Ortiz/);
  });

  it("another clinic's cart or line answers not found", async () => {
    const { cartId, lineIds } = await storeCart(db(), [cleanLine(patients[14]!, pacific), cleanLine(patients[14]!, pacific)]);
    await expect(validateClinicCart(LAKESIDE_MANAGER, { cartId })).rejects.toMatchObject({ code: 'not_found' });
    await expect(acknowledgeWarning(LAKESIDE_MANAGER, { lineId: lineIds[0]!, rule: 'line.duplicate' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('acknowledging a warning', () => {
  it('is stored once per line and rule, audited with who, and shown in the fresh validation', async () => {
    const { lineIds } = await storeCart(db(), [cleanLine(patients[15]!, pacific), cleanLine(patients[15]!, sierra)], { current: true });
    const before = await validateClinicCart(TECH);
    expect(before.warningCount).toBe(2);
    expect(rules(before.byLineId[lineIds[0]!])).toEqual(['line.duplicate']);

    const after = await acknowledgeWarning(TECH, { lineId: lineIds[0]!, rule: 'line.duplicate' });
    expect(after.warningCount).toBe(1);
    expect(after.byLineId[lineIds[0]!]![0]!.acknowledged).toBe(true);
    expect(after.lines[0]!.acknowledgements).toEqual([expect.objectContaining({ rule: 'line.duplicate', userId: TECH.userId, userName: 'Tina Morales' })]);

    const reloaded = await validateClinicCart(TECH);
    expect(reloaded.warningCount).toBe(1);
    expect(reloaded.byLineId[lineIds[0]!]![0]!.acknowledged).toBe(true);
    expect(reloaded.lines[0]!.acknowledgements[0]).toMatchObject({ userName: 'Tina Morales', at: expect.stringMatching(/^\d{4}-/) });

    const again = await acknowledgeWarning(TECH, { lineId: lineIds[0]!, rule: 'line.duplicate' });
    expect(again.warningCount).toBe(1);
    const events = await db()
      .selectFrom('auditEvents')
      .select(['action', 'actorId', 'actorLabel', 'detail'])
      .where('subjectId', '=', lineIds[0]!)
      .execute();
    expect(events).toEqual([
      expect.objectContaining({ action: 'cart_line.warning_acknowledged', actorId: TECH.userId, actorLabel: 'Tina Morales (technician)', detail: expect.objectContaining({ rule: 'line.duplicate' }) }),
    ]);
    const stored = await db().selectFrom('acknowledgements').select(['rule', 'userId']).where('cartLineId', '=', lineIds[0]!).execute();
    expect(stored).toEqual([{ rule: 'line.duplicate', userId: TECH.userId }]);
    await db().updateTable('carts').set({ status: 'abandoned' }).where('clinicId', '=', DEMO_IDS.riverside).where('name', 'is', null).execute();
  });

  it('refuses errors, API keys, unknown rules and warnings the line no longer has', async () => {
    const { lineIds } = await storeCart(db(), [cleanLine(patients[16]!, pacific, { prescriberId: PATEL })], { current: true });
    try {
      await expect(acknowledgeWarning(TECH, { lineId: lineIds[0]!, rule: 'prescriber.license_state' })).rejects.toMatchObject({ code: 'unprocessable' });
      await expect(acknowledgeWarning({ kind: 'clinic_key', keyId: 'k', clinicId: DEMO_IDS.riverside }, { lineId: lineIds[0]!, rule: 'line.duplicate' })).rejects.toMatchObject({ code: 'unprocessable' });
      await expect(acknowledgeWarning(TECH, { lineId: lineIds[0]!, rule: 'made.up' })).rejects.toMatchObject({ code: 'bad_request', fields: { rule: expect.any(String) } });
      await expect(acknowledgeWarning(TECH, { lineId: lineIds[0]!, rule: 'line.duplicate' })).rejects.toMatchObject({ code: 'conflict' });
      await expect(acknowledgeWarning(TECH, { lineId: 'not-a-line', rule: 'line.duplicate' })).rejects.toBeInstanceOf(DomainError);
    } finally {
      await db().updateTable('carts').set({ status: 'abandoned' }).where('clinicId', '=', DEMO_IDS.riverside).where('name', 'is', null).execute();
    }
  });
});

describe('round trips', () => {
  let counting: ReturnType<typeof createDb>;
  let queries = 0;
  beforeAll(() => {
    counting = createDb(process.env.DATABASE_URL!, {
      log: (event: LogEvent) => {
        if (event.level === 'query' || event.level === 'error') queries++;
      },
    });
  });
  afterAll(async () => {
    setDb(undefined);
    await counting.destroy();
  });

  async function countFor(lineCount: number): Promise<{ queries: number; lines: number }> {
    const offers = await db().selectFrom('offers').select(['id', 'unitPriceCents']).orderBy('id').execute();
    const all = await db().selectFrom('patients').select('id').where('clinicId', '=', DEMO_IDS.riverside).orderBy('id').execute();
    const lines = Array.from({ length: lineCount }, (_, i) =>
      cleanLine(all[i % all.length]!.id, offers[(i * 7) % offers.length]!, {
        prescriberId: [ALVAREZ, CHEN, PATEL][i % 3]!,
        shipTo: i % 10 === 7 ? 'owner' : 'clinic',
        source: i % 5 === 0 ? 'quickfill' : 'manual',
        signedOffBy: i % 10 === 0 ? DEMO_IDS.user('vet@riverside.example') : null,
      }),
    );
    const { cartId } = await storeCart(db(), lines);
    const ack = await db().selectFrom('cartLines').select('id').where('cartId', '=', cartId).executeTakeFirstOrThrow();
    await db().insertInto('acknowledgements').values({ cartLineId: ack.id, clinicId: DEMO_IDS.riverside, rule: 'line.duplicate', userId: TECH.userId }).execute();
    setDb(counting);
    queries = 0;
    try {
      const v = await validateClinicCart(TECH, { cartId });
      return { queries, lines: v.lines.length };
    } finally {
      setDb(undefined);
    }
  }

  it('validating a stored cart takes the same number of queries, at most 8, for 10 and for 1,000 lines', async () => {
    const ten = await countFor(10);
    const thousand = await countFor(1_000);
    expect(ten.lines).toBe(10);
    expect(thousand.lines).toBe(1_000);
    expect(thousand.queries).toBe(ten.queries);
    expect(ten.queries).toBeLessThanOrEqual(8);
    expect(ten.queries).toBe(7);
  });

  it('the loader alone takes six queries for drafts of any size', async () => {
    const line = (i: number): ValidationLineInput => ({ patientId: patients[i % patients.length]!, offerId: pacific.id, quantity: 1, sig: 'x', prescriberId: ALVAREZ, shipTo: 'clinic' });
    for (const n of [1, 300]) {
      queries = 0;
      const ctx = await loadValidationContext(counting, DEMO_IDS.riverside, Array.from({ length: n }, (_, i) => line(i)), day);
      expect(queries).toBe(6);
      expect(Object.keys(ctx.patients).length).toBe(Math.min(n, patients.length));
      // Every offer of the cart's medications, with their pharmacies, for alternatives.
      expect(Object.keys(ctx.pharmacies).sort()).toEqual(['greatlakes', 'lonestar', 'pacific', 'sierra'].map(DEMO_IDS.pharmacy).sort());
      expect(ctx.offersByMedication[METHIMAZOLE]).toHaveLength(4);
      expect(Object.keys(ctx.prescribers)).toHaveLength(3);
    }
  });
});

describe('POST /api/v1/validate', () => {
  const body = (over: Record<string, unknown> = {}) => ({
    patientId: patients[17],
    offerId: pacific.id,
    quantity: 1,
    sig: 'Give 0.5 ml by mouth BID for 30 days',
    prescriberId: ALVAREZ,
    shipTo: 'clinic',
    ...over,
  });

  it('answers findings per line index with counts, storing nothing', async () => {
    const cartsBefore = await db().selectFrom('cartLines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await call(validateRoute.action, request('/api/v1/validate', { apiKey: DEMO_API_KEYS.riverside, json: { lines: [body(), body({ prescriberId: PATEL, sig: 'as directed', patientId: patients[18] })] } }));
    expect(res.status).toBe(200);
    const json = (await res.json()) as { lines: { index: number; findings: { rule: string; severity: string; message: string; acknowledged: boolean; hint?: string; fix?: unknown }[] }[]; blockingCount: number; warningCount: number };
    expect(json.lines[0]).toEqual({ index: 0, findings: [] });
    expect(json.lines[1]!.index).toBe(1);
    expect(json.lines[1]!.findings.map((f) => f.rule)).toEqual(['sig.complete', 'prescriber.license_state', 'sig.duration']);
    expect(json.lines[1]!.findings[1]).toEqual({
      rule: 'prescriber.license_state',
      severity: 'error',
      message: expect.stringContaining('Dr. Priya Patel'),
      acknowledged: false,
      // A drafted line fills no prescription: nothing to renew, and no prescriber is swapped in.
      hint: 'A veterinarian licensed in CA writes the prescription for this line.',
    });
    expect(json.blockingCount).toBe(2);
    expect(json.warningCount).toBe(1);
    const cartsAfter = await db().selectFrom('cartLines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(cartsAfter.n).toBe(cartsBefore.n);
  });

  it('ships to the owner at the owner’s address state', async () => {
    const away = await db()
      .selectFrom('patients as p')
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .select(['p.id', 'c.state'])
      .where('p.clinicId', '=', DEMO_IDS.riverside)
      .where('c.state', '=', 'OR')
      .where('p.status', '=', 'active')
      .executeTakeFirstOrThrow();
    const res = await call(validateRoute.action, request('/api/v1/validate', { apiKey: DEMO_API_KEYS.riverside, json: { lines: [body({ patientId: away.id, shipTo: 'owner' })] } }));
    const json = (await res.json()) as { lines: { findings: { rule: string; message: string }[] }[] };
    // Dr. Alvarez holds CA and NV licences only: an owner in Oregon needs an Oregon licence.
    expect(json.lines[0]!.findings.find((f) => f.rule === 'prescriber.license_state')?.message).toMatch(/OR/);
  });

  it('names each bad field as lines.N.field with a 400', async () => {
    const res = await call(
      validateRoute.action,
      request('/api/v1/validate', { apiKey: DEMO_API_KEYS.riverside, json: { lines: [body(), body({ quantity: 0, shipTo: 'moon' }), body({ patientId: "1'; drop table patients;--" })] } }),
    );
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; fields: Record<string, string> } };
    expect(json.error.code).toBe('bad_request');
    expect(Object.keys(json.error.fields).sort()).toEqual(['lines.1.quantity', 'lines.1.shipTo', 'lines.2.patientId']);
    const empty = await call(validateRoute.action, request('/api/v1/validate', { apiKey: DEMO_API_KEYS.riverside, json: { lines: [] } }));
    expect(((await empty.json()) as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty('lines');
  });

  it('answers 401 without a clinic key', async () => {
    const res = await call(validateRoute.action, request('/api/v1/validate', { json: { lines: [body()] } }));
    expect(res.status).toBe(401);
  });
});

describe("the clinic's calendar day", () => {
  it('judges dates by the clinic’s time zone, not UTC (6 pm in California is already tomorrow in UTC)', async () => {
    const patientId = patients[16]!;
    await db().updateTable('patients').set({ lastWellnessExamOn: '2025-11-21' }).where('id', '=', patientId).execute();
    const draft = { patientId, offerId: pacific.id, quantity: 1, sig: 'Give 0.5 ml by mouth BID for 30 days', prescriberId: ALVAREZ, shipTo: 'clinic' as const };
    try {
      // 2026-11-21 18:00 in Sacramento: the exam is exactly twelve months old, still within the window.
      setClock(manualClock('2026-11-22T02:00:00Z'));
      expect(rules((await validateDraftLines(TECH, [draft])).lines[0]!.findings)).not.toContain('patient.wellness');
      // 01:00 the next morning in Sacramento: now it is overdue.
      setClock(manualClock('2026-11-22T09:00:00Z'));
      expect(rules((await validateDraftLines(TECH, [draft])).lines[0]!.findings)).toContain('patient.wellness');
    } finally {
      setClock(undefined);
    }
  });
});
