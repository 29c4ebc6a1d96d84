import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as apiOwners from '../../app/routes/api.v1.owners';
import * as apiOwner from '../../app/routes/api.v1.owners.$id';
import * as apiPatients from '../../app/routes/api.v1.patients';
import * as apiPatient from '../../app/routes/api.v1.patients.$id';
import * as apiWeights from '../../app/routes/api.v1.patients.$id.weights';
import * as apiExams from '../../app/routes/api.v1.patients.$id.exams';
import * as apiOpenApi from '../../app/routes/api.v1.openapi[.]json';
import { call, callApi, request, type RouteModule } from '../support/requests';

// Owners, patients, weights and exams through the clinic API: create and read back, the
// latest weight and exam on the patient, idempotency keys, duplicates, bad input (a 4xx naming
// the field, never a 5xx) and tenancy (another clinic's ids are not there).

const RIVERSIDE = DEMO_API_KEYS.riverside;
const LAKESIDE = DEMO_API_KEYS.lakeside;
type Json = Record<string, any>;

const send = callApi;

let seq = 0;
/** A phone no demo owner has. */
const freshPhone = () => `+1916777${String(1000 + ++seq).padStart(4, '0')}`;

async function newOwner(extra: Json = {}) {
  const res = await send(apiOwners, '/api/v1/owners', { json: { name: `Jordan Test${++seq}`, phone: freshPhone(), email: `jordan${seq}@example.com`, ...extra } });
  expect(res.status).toBe(201);
  return res.body.owner as Json;
}

async function newPatient(ownerId: string, extra: Json = {}) {
  const res = await send(apiPatients, '/api/v1/patients', { json: { ownerId, name: `Pixel${++seq}`, species: 'cat', sex: 'female_spayed', birthDate: '2019-04-02', ...extra } });
  expect(res.status).toBe(201);
  return res.body.patient as Json;
}

describe('owners and patients through the API', () => {
  it('creates an owner, a patient, weights and an exam, and reads the latest back on the patient', async () => {
    const created = await send(apiOwners, '/api/v1/owners', {
      json: {
        name: 'Ana Maria Garcia Whitlow', phone: '(916) 555-7788', phone2: '916.555.7789', email: 'Ana.Garcia@Example.com',
        address: { line1: '12 Elm St', city: 'Sacramento', state: 'CA', zip: '95818' }, smsOptIn: true, preferredChannel: 'sms',
      },
      key: 'owner-garcia-1',
    });
    expect(created.status).toBe(201);
    const owner = created.body.owner;
    expect(owner).toMatchObject({ firstName: 'Ana Maria Garcia', lastName: 'Whitlow', phone: '+19165557788', phone2: '+19165557789', email: 'ana.garcia@example.com', address: { state: 'CA', zip: '95818' }, preferredChannel: 'sms' });

    const pet = await send(apiPatients, '/api/v1/patients', { json: { ownerId: owner.id, name: 'Mochizuki', species: 'cat', breed: 'Siamese', sex: 'male_neutered', ageEstimate: { years: 3, months: 6 }, pimsId: 'PX-1' }, key: 'pet-mochi-1' });
    expect(pet.status).toBe(201);
    const patientId = pet.body.patient.id as string;
    expect(pet.body.patient).toMatchObject({ name: 'Mochizuki', species: 'cat', birthDateEstimated: true, status: 'active', clientId: owner.id });

    const first = await send(apiWeights, `/api/v1/patients/${patientId}/weights`, { json: { kg: 4.1, measuredOn: '2026-01-10' }, params: { id: patientId }, key: 'w-1' });
    expect(first.status).toBe(201);
    expect(first.body.weight).toMatchObject({ kg: 4.1, measuredOn: '2026-01-10' });
    // An older weighing recorded later does not replace the latest.
    await send(apiWeights, `/api/v1/patients/${patientId}/weights`, { json: { kg: 3.8, measuredOn: '2025-06-01' }, params: { id: patientId } });
    const exam = await send(apiExams, `/api/v1/patients/${patientId}/exams`, { json: { on: '2026-01-10' }, params: { id: patientId } });
    expect(exam.status).toBe(201);
    expect(exam.body.exam).toMatchObject({ on: '2026-01-10', kind: 'wellness' });
    await send(apiExams, `/api/v1/patients/${patientId}/exams`, { json: { on: '2026-02-01', kind: 'other', note: 'ear recheck' }, params: { id: patientId } });

    const read = await send(apiPatient, `/api/v1/patients/${patientId}`, { params: { id: patientId } });
    expect(read.status).toBe(200);
    expect(read.body.patient).toMatchObject({ weightKg: 4.1, weightMeasuredOn: '2026-01-10', lastWellnessExamOn: '2026-01-10', client: { id: owner.id, name: 'Ana Maria Garcia Whitlow' } });
    expect(read.body.patient.weights.map((w: Json) => w.kg)).toEqual([4.1, 3.8]);
    expect(read.body.patient.weights[0].recordedByLabel).toMatch(/^API key /);
    expect(read.body.patient.exams.map((e: Json) => e.kind)).toEqual(['other', 'wellness']);

    const list = await send(apiWeights, `/api/v1/patients/${patientId}/weights`, { params: { id: patientId } });
    expect(list.body.weights).toHaveLength(2);
    const exams = await send(apiExams, `/api/v1/patients/${patientId}/exams`, { params: { id: patientId } });
    expect(exams.body.exams).toHaveLength(2);

    // The owner reads back with the pet; the list and search find both by phone and PIMS id.
    const ownerRead = await send(apiOwner, `/api/v1/owners/${owner.id}`, { params: { id: owner.id } });
    expect(ownerRead.body.owner.pets.map((p: Json) => p.name)).toEqual(['Mochizuki']);
    const byPhone = await send(apiPatients, '/api/v1/patients?q=' + encodeURIComponent('(916) 555-7789'));
    expect(byPhone.body.patients.map((p: Json) => p.id)).toEqual([patientId]);
    const byPims = await send(apiPatients, '/api/v1/patients?q=px-1');
    expect(byPims.body.patients.map((p: Json) => p.id)).toContain(patientId);
    const byBoth = await send(apiPatients, '/api/v1/patients?q=mochiz%20whitl');
    expect(byBoth.body.patients.map((p: Json) => p.id)).toEqual([patientId]);
    expect(byBoth.body.patients[0]).toMatchObject({ weightKg: 4.1, weightMeasuredOn: '2026-01-10', clientName: 'Ana Maria Garcia Whitlow' });
    const owners = await send(apiOwners, '/api/v1/owners?q=whitlow');
    expect(owners.body.owners.map((o: Json) => o.id)).toContain(owner.id);
  });

  it('replays a create with the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const owner = await newOwner();
    const body = { ownerId: owner.id, name: 'Biscuit', species: 'dog', birthDate: '2020-02-02' };
    const a = await send(apiPatients, '/api/v1/patients', { json: body, key: 'biscuit-1' });
    const b = await send(apiPatients, '/api/v1/patients', { json: body, key: 'biscuit-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('Idempotent-Replayed')).toBe('true');
    expect(b.body.patient.id).toBe(a.body.patient.id);
    const rows = await getDb().selectFrom('patients').select('id').where('clientId', '=', owner.id).execute();
    expect(rows).toHaveLength(1);
    const c = await send(apiPatients, '/api/v1/patients', { json: { ...body, name: 'Biscuit Two' }, key: 'biscuit-1' });
    expect(c.status).toBe(409);
    expect(c.body.error.fields).toHaveProperty('Idempotency-Key');

    const w1 = await send(apiWeights, `/api/v1/patients/${a.body.patient.id}/weights`, { json: { kg: 20 }, params: { id: a.body.patient.id }, key: 'biscuit-w' });
    const w2 = await send(apiWeights, `/api/v1/patients/${a.body.patient.id}/weights`, { json: { kg: 20 }, params: { id: a.body.patient.id }, key: 'biscuit-w' });
    expect(w2.body.weight.id).toBe(w1.body.weight.id);
    const e1 = await send(apiExams, `/api/v1/patients/${a.body.patient.id}/exams`, { json: {}, params: { id: a.body.patient.id }, key: 'biscuit-e' });
    const e2 = await send(apiExams, `/api/v1/patients/${a.body.patient.id}/exams`, { json: {}, params: { id: a.body.patient.id }, key: 'biscuit-e' });
    expect(e2.body.exam.id).toBe(e1.body.exam.id);
    const o1 = await send(apiOwners, '/api/v1/owners', { json: { name: 'Kim Replay', phone: '+19167770999' }, key: 'owner-replay' });
    const o2 = await send(apiOwners, '/api/v1/owners', { json: { name: 'Kim Replay', phone: '+19167770999' }, key: 'owner-replay' });
    expect(o2.body.owner.id).toBe(o1.body.owner.id);
  });

  it('flags a possible duplicate with the candidates and creates it when confirmed', async () => {
    const owner = await newOwner();
    const first = await newPatient(owner.id, { name: 'Luna' });
    // Another owner record with the same phone (the same family entered twice).
    const twin = await send(apiOwners, '/api/v1/owners', { json: { name: 'J Test', phone: owner.phone } });
    expect(twin.status).toBe(409);
    expect(twin.body.error.details.duplicates[0]).toMatchObject({ id: owner.id, reason: 'same phone' });
    const twinOwner = (await send(apiOwners, '/api/v1/owners', { json: { name: 'J Test', phone: owner.phone, allowDuplicate: true } })).body.owner;

    const dup = await send(apiPatients, '/api/v1/patients', { json: { ownerId: twinOwner.id, name: 'luna', species: 'cat' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details.duplicates).toEqual([expect.objectContaining({ id: first.id, ownerId: owner.id })]);
    // A dog called Luna is another animal.
    expect((await send(apiPatients, '/api/v1/patients', { json: { ownerId: twinOwner.id, name: 'Luna', species: 'dog' } })).status).toBe(201);
    const confirmed = await send(apiPatients, '/api/v1/patients', { json: { ownerId: twinOwner.id, name: 'luna', species: 'cat', allowDuplicate: true } });
    expect(confirmed.status).toBe(201);
  });

  it('edits owners and patients with PATCH', async () => {
    const owner = await newOwner();
    const pet = await newPatient(owner.id);
    const o = await send(apiOwner, `/api/v1/owners/${owner.id}`, { method: 'PATCH', json: { email: null, emailOptIn: false, preferredChannel: 'none', address: { line1: '1 Oak Ave', city: 'Reno', state: 'NV', zip: '89509' } }, params: { id: owner.id } });
    expect(o.status).toBe(200);
    expect(o.body.owner).toMatchObject({ email: null, emailOptIn: false, address: { state: 'NV' } });
    const p = await send(apiPatient, `/api/v1/patients/${pet.id}`, { method: 'PATCH', json: { breed: 'Maine Coon', allergies: 'penicillin', status: 'inactive' }, params: { id: pet.id } });
    expect(p.status).toBe(200);
    expect(p.body.patient).toMatchObject({ breed: 'Maine Coon', allergies: 'penicillin', status: 'inactive', deceasedOn: null });
    expect(p.body.effects).toMatchObject({ cartLinesRemoved: 0, remindersStopped: 0 });
    const audit = await getDb().selectFrom('auditEvents').select('action').where('subjectId', '=', pet.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['patient.created', 'patient.updated', 'patient.status_changed']));
  });

  it('answers bad input with a 4xx naming the field, never a 5xx', async () => {
    const owner = await newOwner();
    const pet = await newPatient(owner.id, { species: 'cat', birthDate: '2020-01-01' });
    const p = { id: pet.id };
    const cases: { what: string; route: RouteModule; path: string; method?: string; json: unknown; params?: Record<string, string>; status: number; field: string }[] = [
      { what: 'an unknown species', route: apiPatients, path: '/api/v1/patients', json: { ownerId: owner.id, name: 'Rex', species: 'dragon' }, status: 400, field: 'species' },
      { what: 'a birth date in the future', route: apiPatients, path: '/api/v1/patients', json: { ownerId: owner.id, name: 'Rex', species: 'dog', birthDate: '2999-01-01' }, status: 400, field: 'birthDate' },
      { what: 'a birth date that is no date', route: apiPatients, path: '/api/v1/patients', json: { ownerId: owner.id, name: 'Rex', species: 'dog', birthDate: '2020-13-45' }, status: 400, field: 'birthDate' },
      { what: 'a birth date and an age', route: apiPatients, path: '/api/v1/patients', json: { ownerId: owner.id, name: 'Rex', species: 'dog', birthDate: '2020-01-01', ageEstimate: { years: 2 } }, status: 400, field: 'ageEstimate' },
      { what: 'a missing name', route: apiPatients, path: '/api/v1/patients', json: { ownerId: owner.id, species: 'dog' }, status: 400, field: 'name' },
      { what: 'markup in a name', route: apiPatients, path: '/api/v1/patients', json: { ownerId: owner.id, name: '<script>', species: 'dog' }, status: 400, field: 'name' },
      { what: 'an owner id that is no id', route: apiPatients, path: '/api/v1/patients', json: { ownerId: 'nope', name: 'Rex', species: 'dog' }, status: 400, field: 'ownerId' },
      { what: 'an owner that does not exist', route: apiPatients, path: '/api/v1/patients', json: { ownerId: '00000000-0000-4000-8000-000000000000', name: 'Rex', species: 'dog' }, status: 400, field: 'ownerId' },
      { what: 'a date of death without the status', route: apiPatients, path: '/api/v1/patients', json: { ownerId: owner.id, name: 'Rex', species: 'dog', deceasedOn: '2026-01-01' }, status: 400, field: 'deceasedOn' },
      { what: 'a weight of 0', route: apiWeights, path: `/api/v1/patients/${pet.id}/weights`, json: { kg: 0 }, params: p, status: 400, field: 'kg' },
      { what: 'a weight given as text', route: apiWeights, path: `/api/v1/patients/${pet.id}/weights`, json: { kg: 'heavy' }, params: p, status: 400, field: 'kg' },
      { what: '900 kg for a cat', route: apiWeights, path: `/api/v1/patients/${pet.id}/weights`, json: { kg: 900 }, params: p, status: 400, field: 'kg' },
      { what: 'a weighing in the future', route: apiWeights, path: `/api/v1/patients/${pet.id}/weights`, json: { kg: 4, measuredOn: '2999-01-01' }, params: p, status: 400, field: 'measuredOn' },
      { what: 'a weighing before birth', route: apiWeights, path: `/api/v1/patients/${pet.id}/weights`, json: { kg: 4, measuredOn: '2019-01-01' }, params: p, status: 400, field: 'measuredOn' },
      { what: 'an acting user of no clinic', route: apiWeights, path: `/api/v1/patients/${pet.id}/weights`, json: { kg: 4, actingUserId: DEMO_IDS.user('manager@lakeside.example') }, params: p, status: 400, field: 'actingUserId' },
      { what: 'an exam in the future', route: apiExams, path: `/api/v1/patients/${pet.id}/exams`, json: { on: '2999-01-01' }, params: p, status: 400, field: 'on' },
      { what: 'an unknown exam kind', route: apiExams, path: `/api/v1/patients/${pet.id}/exams`, json: { kind: 'dental' }, params: p, status: 400, field: 'kind' },
      { what: 'an owner without a name', route: apiOwners, path: '/api/v1/owners', json: { phone: '+19165550000' }, status: 400, field: 'name' },
      { what: 'a phone that is no phone', route: apiOwners, path: '/api/v1/owners', json: { name: 'Al Bo', phone: '12' }, status: 400, field: 'phone' },
      { what: 'an email that is no email', route: apiOwners, path: '/api/v1/owners', json: { name: 'Al Bo', email: 'al@' }, status: 400, field: 'email' },
      { what: 'a state that is no USPS code', route: apiOwners, path: '/api/v1/owners', json: { name: 'Al Bo', address: { line1: '1 A St', city: 'X', state: 'ZZ', zip: '95818' } }, status: 400, field: 'address.state' },
      { what: 'a ZIP that is no ZIP', route: apiOwners, path: '/api/v1/owners', json: { name: 'Al Bo', address: { line1: '1 A St', city: 'X', state: 'CA', zip: '9581' } }, status: 400, field: 'address.zip' },
      { what: 'texts without a phone', route: apiOwners, path: '/api/v1/owners', json: { name: 'Al Bo', email: 'al@example.com', preferredChannel: 'sms' }, status: 400, field: 'preferredChannel' },
      { what: 'an unknown field in a change', route: apiOwner, path: `/api/v1/owners/${owner.id}`, method: 'PATCH', json: { favouriteColour: 'red' }, params: { id: owner.id }, status: 400, field: 'favouriteColour' },
      { what: 'an unknown species in a change', route: apiPatient, path: `/api/v1/patients/${pet.id}`, method: 'PATCH', json: { species: 'unicorn' }, params: p, status: 400, field: 'species' },
      { what: 'a date of death in the future', route: apiPatient, path: `/api/v1/patients/${pet.id}`, method: 'PATCH', json: { status: 'deceased', deceasedOn: '2999-01-01' }, params: p, status: 400, field: 'deceasedOn' },
    ];
    for (const c of cases) {
      const res = await send(c.route, c.path, { method: c.method, json: c.json, params: c.params });
      expect.soft(res.status, c.what).toBe(c.status);
      expect.soft(Object.keys(res.body.error?.fields ?? {}), c.what).toContain(c.field);
    }
    // Not JSON at all.
    const raw = await call(apiPatients.action as never, request('/api/v1/patients', { method: 'POST', apiKey: RIVERSIDE, body: '{"ownerId":', headers: { 'Content-Type': 'application/json' } }));
    expect(raw.status).toBe(400);
    // A 900 kg cat with a reason is recorded, and the reason is kept and audited.
    const forced = await send(apiWeights, `/api/v1/patients/${pet.id}/weights`, { json: { kg: 30, overrideReason: 'Weighed twice on the large-animal scale' }, params: p });
    expect(forced.status).toBe(201);
    expect(forced.body.weight.overrideReason).toBe('Weighed twice on the large-animal scale');
    const audit = await getDb().selectFrom('auditEvents').select('detail').where('subjectId', '=', pet.id).where('action', '=', 'patient.weight_recorded').execute();
    expect(audit.some((a) => (a.detail as Json).overrideReason === 'Weighed twice on the large-animal scale')).toBe(true);
    const still = await send(apiWeights, `/api/v1/patients/${pet.id}/weights`, { json: { kg: 2500, overrideReason: 'sure' }, params: p });
    expect(still.status).toBe(400);
  });

  it('answers 404 to another clinic for every owner and patient endpoint', async () => {
    const owner = await newOwner();
    const pet = await newPatient(owner.id);
    const p = { id: pet.id };
    const asLakeside = { apiKey: LAKESIDE };
    const answers = [
      await send(apiOwner, `/api/v1/owners/${owner.id}`, { ...asLakeside, params: { id: owner.id } }),
      await send(apiOwner, `/api/v1/owners/${owner.id}`, { ...asLakeside, method: 'PATCH', json: { email: 'x@example.com' }, params: { id: owner.id } }),
      await send(apiPatient, `/api/v1/patients/${pet.id}`, { ...asLakeside, params: p }),
      await send(apiPatient, `/api/v1/patients/${pet.id}`, { ...asLakeside, method: 'PATCH', json: { name: 'Stolen' }, params: p }),
      await send(apiWeights, `/api/v1/patients/${pet.id}/weights`, { ...asLakeside, params: p }),
      await send(apiWeights, `/api/v1/patients/${pet.id}/weights`, { ...asLakeside, json: { kg: 4 }, params: p }),
      await send(apiExams, `/api/v1/patients/${pet.id}/exams`, { ...asLakeside, params: p }),
      await send(apiExams, `/api/v1/patients/${pet.id}/exams`, { ...asLakeside, json: {}, params: p }),
    ];
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 404));
    // Another clinic's owner named in a body is not one of this clinic's owners.
    const foreign = await send(apiPatients, '/api/v1/patients', { ...asLakeside, json: { ownerId: owner.id, name: 'Rex', species: 'dog' } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.fields).toHaveProperty('ownerId');
    // Lists and searches hold only the key's clinic.
    const list = await send(apiOwners, `/api/v1/owners?q=${encodeURIComponent(owner.lastName)}`, asLakeside);
    expect(list.body.owners).toEqual([]);
    const search = await send(apiPatients, `/api/v1/patients?q=${encodeURIComponent(pet.name)}`, asLakeside);
    expect(search.body.patients).toEqual([]);
    const untouched = await getDb().selectFrom('patients').select(['name']).where('id', '=', pet.id).executeTakeFirstOrThrow();
    expect(untouched.name).toBe(pet.name);
  });

  it('lists the new endpoints in the OpenAPI document', async () => {
    const res = await call(apiOpenApi.loader as never, request('/api/v1/openapi.json'));
    const doc = (await res.json()) as Json;
    for (const path of ['/api/v1/owners', '/api/v1/owners/{id}', '/api/v1/patients', '/api/v1/patients/{id}', '/api/v1/patients/{id}/weights', '/api/v1/patients/{id}/exams']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/v1/patients'].post.parameters.some((p: Json) => p.name === 'Idempotency-Key')).toBe(true);
    expect(doc.paths['/api/v1/patients/{id}/weights'].post.requestBody.content['application/json'].schema.required).toContain('kg');
  });
});
