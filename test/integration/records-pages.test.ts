import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import * as ownerPage from '../../app/routes/_clinic.owners.$id';
import * as ownerEditPage from '../../app/routes/_clinic.owners.$id_.edit';
import * as newOwnerPage from '../../app/routes/_clinic.owners.new';
import * as patientPage from '../../app/routes/_clinic.patients.$id';
import * as patientEditPage from '../../app/routes/_clinic.patients.$id_.edit';
import * as examsAction from '../../app/routes/_clinic.patients.$id_.exams';
import * as mergeAction from '../../app/routes/_clinic.patients.$id_.merge';
import * as weightsAction from '../../app/routes/_clinic.patients.$id_.weights';
import * as patientsPage from '../../app/routes/_clinic.patients._index';
import * as newPatientPage from '../../app/routes/_clinic.patients.new';
import { call, request, signIn } from '../support/requests';

// The records pages' actions as the browser posts them: a new owner, a pet, a weight (in
// pounds, stored as kg; an implausible one only with the override and a reason) and an exam;
// bad input is a 400 naming the field with what was typed, never a 5xx; another clinic's ids
// are a 404 on every page and action.

type Json = Record<string, any>;
type Fn = (args: any) => unknown;

let tech: string;
let manager: string;
let lakeside: string;

beforeAll(async () => {
  [tech, manager, lakeside] = await Promise.all([signIn('tech@riverside.example'), signIn('manager@riverside.example'), signIn('manager@lakeside.example')]);
});

const post = async (action: Fn, path: string, cookie: string, form: Record<string, string>, params: Record<string, string> = {}) =>
  call(action as never, request(path, { cookie, form }), params);
const get = (loader: Fn, path: string, cookie: string, params: Record<string, string> = {}) => call(loader as never, request(path, { cookie }), params);
const body = async (res: Response) => (await res.json()) as Json;

const OWNER_FORM = {
  firstName: 'Marisol', lastName: 'Okafor', phone: '(530) 555-0147', phone2: '', email: 'Marisol.Okafor@Example.com',
  addressLine1: '12 Alder St', addressLine2: '', city: 'Davis', state: 'CA', zip: '95616',
  emailOptIn: 'on', preferredChannel: 'email', pimsId: '',
};
const PATIENT_FORM = {
  name: 'Biscotti', species: 'dog', breed: 'Beagle', sex: 'male_neutered', birthDate: '2020-05-14', ageYears: '', ageMonths: '',
  status: 'active', deceasedOn: '', pimsId: 'PX-881', allergies: 'Chicken', notes: '',
};

/** A Riverside dog on file (a dog has a plausible weight range). */
async function riversidePatient() {
  return getDb()
    .selectFrom('patients')
    .select(['id', 'clientId'])
    .where('clinicId', '=', DEMO_IDS.riverside)
    .where('species', '=', 'dog')
    .where('status', '=', 'active')
    .where('mergedIntoId', 'is', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
}

describe('records pages: owner, pet, weight and exam through the UI actions', () => {
  it('creates an owner and a pet, records a weight in pounds and an exam, and shows them on the patient page', async () => {
    const created = await post(newOwnerPage.action, '/owners/new', tech, OWNER_FORM);
    expect(created.status).toBe(302);
    const ownerId = /\/owners\/([0-9a-f-]{36})\?created=owner$/.exec(created.headers.get('location') ?? '')?.[1];
    expect(ownerId).toBeDefined();
    const owner = await getDb().selectFrom('clients').selectAll().where('id', '=', ownerId!).executeTakeFirstOrThrow();
    expect(owner).toMatchObject({ clinicId: DEMO_IDS.riverside, firstName: 'Marisol', phone: '+15305550147', email: 'marisol.okafor@example.com', state: 'CA', postalCode: '95616', emailOptIn: true, smsOptIn: false });

    const pet = await post(newPatientPage.action, '/patients/new', tech, { ...PATIENT_FORM, ownerId: ownerId! });
    expect(pet.status).toBe(302);
    const patientId = /\/patients\/([0-9a-f-]{36})\?created=1$/.exec(pet.headers.get('location') ?? '')?.[1];
    expect(patientId).toBeDefined();

    const weighed = await post(weightsAction.action, `/patients/${patientId}/weights`, tech, { value: '22', unit: 'lb', measuredOn: '2026-11-20', overrideReason: '' }, { id: patientId! });
    expect(weighed.status).toBe(200);
    expect(await body(weighed)).toEqual({ ok: true });
    const exam = await post(examsAction.action, `/patients/${patientId}/exams`, tech, { on: '2026-11-20', kind: 'wellness', note: 'Annual' }, { id: patientId! });
    expect(await body(exam)).toEqual({ ok: true });

    const page = await body(await get(patientPage.loader, `/patients/${patientId}`, tech, { id: patientId! }));
    expect(page.patient).toMatchObject({ name: 'Biscotti', species: 'dog', allergies: 'Chicken', weightMeasuredOn: '2026-11-20', lastWellnessExamOn: '2026-11-20' });
    expect(page.patient.weightKg).toBeCloseTo(9.979, 2);
    const history = await getDb().selectFrom('patientWeights').select(['kg', 'enteredValue', 'enteredUnit', 'recordedBy']).where('patientId', '=', patientId!).execute();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ enteredValue: 22, enteredUnit: 'lb', recordedBy: DEMO_IDS.user('tech@riverside.example') });

    const ownerView = await body(await get(ownerPage.loader, `/owners/${ownerId}`, tech, { id: ownerId! }));
    expect(ownerView.owner.pets.map((p: Json) => p.name)).toEqual(['Biscotti']);
    const list = await body(await get(patientsPage.loader, '/patients?q=okafor', tech));
    expect(list.patients.map((p: Json) => p.id)).toContain(patientId);
  });

  it('asks for the override outside the species range and keeps the weight with a reason', async () => {
    const { id } = await riversidePatient();
    const huge = '400';
    const refused = await post(weightsAction.action, `/patients/${id}/weights`, tech, { value: huge, unit: 'kg', measuredOn: '2026-11-21' }, { id });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const answer = await body(refused);
    expect(answer.needsOverride).toBe(true);
    expect(answer.fieldErrors.value).toMatch(/outside the plausible range/);
    const noReason = await post(weightsAction.action, `/patients/${id}/weights`, tech, { value: huge, unit: 'kg', measuredOn: '2026-11-21', override: 'on', overrideReason: '' }, { id });
    expect(noReason.status).toBe(400);
    expect((await body(noReason)).fieldErrors).toEqual({ overrideReason: 'Say why this weight is right.' });
    const kept = await post(weightsAction.action, `/patients/${id}/weights`, tech, { value: huge, unit: 'kg', measuredOn: '2026-11-21', override: 'on', overrideReason: 'Weighed twice on the large scale' }, { id });
    expect(await body(kept)).toEqual({ ok: true });
    const audited = await getDb().selectFrom('auditEvents').select(['action', 'detail']).where('subjectId', '=', id).where('action', 'like', 'patient.weight%').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(audited.detail)).toContain('Weighed twice on the large scale');
  });

  it('answers bad input with a 400 naming the field and giving back what was typed', async () => {
    const { id, clientId } = await riversidePatient();
    const cases: { name: string; action: Fn; path: string; form: Record<string, string>; params?: Record<string, string>; field: string }[] = [
      { name: 'short phone', action: newOwnerPage.action, path: '/owners/new', form: { ...OWNER_FORM, phone: '555 01' }, field: 'phone' },
      { name: 'unknown state', action: newOwnerPage.action, path: '/owners/new', form: { ...OWNER_FORM, state: 'XX' }, field: 'state' },
      { name: 'texts without consent', action: newOwnerPage.action, path: '/owners/new', form: { ...OWNER_FORM, preferredChannel: 'sms' }, field: 'smsOptIn' },
      { name: 'unknown species', action: newPatientPage.action, path: '/patients/new', form: { ...PATIENT_FORM, ownerId: clientId, species: 'dragon' }, field: 'species' },
      { name: 'birth date in the future', action: newPatientPage.action, path: '/patients/new', form: { ...PATIENT_FORM, ownerId: clientId, name: 'Futura', birthDate: '2099-01-01' }, field: 'birthDate' },
      { name: 'owner id not a uuid', action: newPatientPage.action, path: '/patients/new', form: { ...PATIENT_FORM, ownerId: 'abc' }, field: 'ownerId' },
      { name: 'deceased date while active', action: patientEditPage.action, path: `/patients/${id}/edit`, form: { ...PATIENT_FORM, ownerId: clientId, deceasedOn: '2026-11-01' }, params: { id }, field: 'deceasedOn' },
      { name: 'weight not a number', action: weightsAction.action, path: `/patients/${id}/weights`, form: { value: 'heavy', unit: 'kg', measuredOn: '2026-11-21' }, params: { id }, field: 'value' },
      { name: 'weight unit', action: weightsAction.action, path: `/patients/${id}/weights`, form: { value: '5', unit: 'stone', measuredOn: '2026-11-21' }, params: { id }, field: 'unit' },
      { name: 'exam kind', action: examsAction.action, path: `/patients/${id}/exams`, form: { on: '2026-11-21', kind: 'dental' }, params: { id }, field: 'kind' },
      { name: 'merge without confirm', action: mergeAction.action, path: `/patients/${id}/merge`, form: { mergedId: clientId }, params: { id }, field: 'confirm' },
    ];
    for (const c of cases) {
      const res = await post(c.action, c.path, manager, c.form, c.params);
      expect(res.status, c.name).toBeGreaterThanOrEqual(400);
      expect(res.status, c.name).toBeLessThan(500);
      const answer = await body(res);
      if (c.action === mergeAction.action) {
        expect(answer.ok, c.name).toBe(false);
        expect(answer.fieldErrors, c.name).toHaveProperty(c.field);
        continue;
      }
      expect(answer.fieldErrors, c.name).toHaveProperty(c.field);
      if (answer.values) expect(answer.values, c.name).toMatchObject(Object.fromEntries(Object.entries(c.form).filter(([, v]) => v !== '')));
    }
  });
});

describe('records pages: tenancy', () => {
  it('answers 404 to Lakeside on every records page and action with Riverside ids', async () => {
    const { id, clientId } = await riversidePatient();
    const pages: [string, Fn, string, Record<string, string>][] = [
      ['patient page', patientPage.loader, `/patients/${id}`, { id }],
      ['patient edit', patientEditPage.loader, `/patients/${id}/edit`, { id }],
      ['owner page', ownerPage.loader, `/owners/${clientId}`, { id: clientId }],
      ['owner edit', ownerEditPage.loader, `/owners/${clientId}/edit`, { id: clientId }],
      ['new pet of the owner', newPatientPage.loader, `/patients/new?ownerId=${clientId}`, {}],
    ];
    for (const [name, loader, path, params] of pages) expect((await get(loader, path, lakeside, params)).status, name).toBe(404);

    const actions: [string, Fn, string, Record<string, string>, Record<string, string>][] = [
      ['edit patient', patientEditPage.action, `/patients/${id}/edit`, { ...PATIENT_FORM, ownerId: clientId }, { id }],
      ['record weight', weightsAction.action, `/patients/${id}/weights`, { value: '5', unit: 'kg', measuredOn: '2026-11-21' }, { id }],
      ['record exam', examsAction.action, `/patients/${id}/exams`, { on: '2026-11-21', kind: 'wellness' }, { id }],
      ['edit owner', ownerEditPage.action, `/owners/${clientId}/edit`, OWNER_FORM, { id: clientId }],
    ];
    for (const [name, action, path, form, params] of actions) expect((await post(action, path, lakeside, form, params)).status, name).toBe(404);
    // Another clinic's owner named in the form is not one of this clinic's owners (as in the API).
    const foreignOwner = await post(newPatientPage.action, '/patients/new', lakeside, { ...PATIENT_FORM, ownerId: clientId });
    expect(foreignOwner.status).toBe(400);
    expect((await body(foreignOwner)).fieldErrors).toHaveProperty('ownerId');

    // Lakeside's manager merging a Riverside patient into one of its own, or an owner likewise.
    const own = await getDb().selectFrom('patients').select(['id', 'clientId']).where('clinicId', '=', DEMO_IDS.lakeside).orderBy('id').executeTakeFirstOrThrow();
    expect((await post(mergeAction.action, `/patients/${own.id}/merge`, lakeside, { mergedId: id, confirm: 'on' }, { id: own.id })).status).toBe(404);
    expect((await post(ownerPage.action, `/owners/${own.clientId}`, lakeside, { mergedId: clientId, confirm: 'on' }, { id: own.clientId })).status).toBe(404);
    // The list and search never show the other clinic.
    const list = await body(await get(patientsPage.loader, '/patients', lakeside));
    expect(list.patients.some((p: Json) => p.id === id)).toBe(false);
    const unchanged = await getDb().selectFrom('patients').select(['mergedIntoId', 'clinicId']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ mergedIntoId: null, clinicId: DEMO_IDS.riverside });
  });
});
