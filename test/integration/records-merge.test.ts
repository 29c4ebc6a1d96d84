import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getDb } from '../../db/client';
import { json } from '../../db/json';
import { DEMO_IDS } from '../../db/seed';
import { addCartLines } from '../../app/services/cart/index.server';
import type { Principal } from '../../app/services/identity/principal';
import { DomainError } from '../../app/services/platform/errors';
import {
  OWNER_REFERENCES,
  PATIENT_REFERENCES,
  getOwner,
  getPatient,
  listPatients,
  mergeOwners,
  mergePatients,
  recordExam,
  recordWeight,
} from '../../app/services/records/index.server';
import { demoToday } from '../support/demo-day';

// Merging records entered twice keeps everything: every order line, cart line, prescription,
// request, reminder, message, weight and exam ends up on the survivor, and a migration that
// adds a reference to patients or owners without teaching the merge about it fails here.

const clinicId = DEMO_IDS.riverside;
const user = (email: string, name: string, role: 'manager' | 'technician', clinic = clinicId): Principal => ({ kind: 'user', userId: DEMO_IDS.user(email), name, email, role, clinicId: clinic, pharmacyId: null });
const manager = user('manager@riverside.example', 'Helen Park', 'manager');
const tech = user('tech@riverside.example', 'Tina Morales', 'technician');
const lakesideManager = user('manager@lakeside.example', 'Grace Holt', 'manager', DEMO_IDS.lakeside);

/** Rows pointing at each patient (or owner), per referencing column. */
async function referencesTo(references: readonly string[], ids: string[]) {
  const out: Record<string, number> = {};
  for (const ref of references) {
    const [table, column] = ref.split('.') as [string, string];
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(column)} in (${sql.join(ids)})`.execute(getDb());
    out[ref] = r.rows[0]!.n;
  }
  return out;
}

/** Every column of the schema with a foreign key to `table(id)`, as `table.column`. */
async function foreignKeysTo(table: string) {
  const r = await sql<{ ref: string }>`
    select cl.relname || '.' || a.attname as ref
    from pg_constraint c
    join pg_class cl on cl.oid = c.conrelid
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
    where c.contype = 'f' and c.confrelid = ${table}::regclass`.execute(getDb());
  return r.rows.map((x) => x.ref).sort();
}

/** Two active cats of the clinic with prescriptions and orders, under different owners. */
async function twoCats() {
  const r = await sql<{ id: string; clientId: string }>`
    select p.id, p.client_id from patients p
    where p.clinic_id = ${clinicId} and p.species = 'cat' and p.status = 'active' and p.merged_into_id is null
      and exists (select 1 from order_lines ol where ol.patient_id = p.id)
      and exists (select 1 from prescriptions rx where rx.patient_id = p.id and rx.status = 'active')
    order by p.id limit 2`.execute(getDb());
  const [a, b] = r.rows;
  expect(a!.clientId).not.toBe(b!.clientId);
  return [a!, b!] as const;
}

describe('merging patients', () => {
  it('knows every column that references a patient or an owner', async () => {
    expect(await foreignKeysTo('patients')).toEqual([...PATIENT_REFERENCES].sort());
    expect(await foreignKeysTo('clients')).toEqual([...OWNER_REFERENCES].sort());
  });

  it('moves every order, cart line, prescription, request, reminder, message, weight and exam to the survivor, audited', async () => {
    const [survivor, merged] = await twoCats();
    // Give the merged record a bit of everything.
    const rx = await getDb().selectFrom('prescriptions').select(['id', 'prescriberId', 'sig']).where('patientId', '=', merged.id).where('status', '=', 'active').executeTakeFirstOrThrow();
    const offer = await getDb().selectFrom('orderLines as ol').innerJoin('offers as o', 'o.id', 'ol.offerId').select('o.id').where('ol.patientId', '=', merged.id).where('o.available', '=', true).executeTakeFirstOrThrow();
    await addCartLines(tech, [{ patientId: merged.id, offerId: offer.id, quantity: 1, sig: rx.sig, prescriberId: rx.prescriberId, shipTo: 'clinic', prescriptionId: rx.id }]);
    await getDb()
      .insertInto('refillRequests')
      .values({ clinicId, reference: 'RQ-MERGE-1', channel: 'web', raw: json({}), ownerName: 'Owner', patientName: 'Cat', medicationText: 'as before', queue: 'tech_standard', dueAt: new Date(Date.now() + 3_600_000), clientId: merged.clientId, patientId: merged.id, prescriptionId: rx.id })
      .execute();
    await getDb().insertInto('refillReminders').values({ clinicId, prescriptionId: rx.id, dueOn: demoToday(), remindOn: demoToday(), status: 'scheduled' }).onConflict((oc) => oc.doNothing()).execute();
    await getDb().insertInto('notifications').values({ clinicId, clientId: merged.clientId, patientId: merged.id, channel: 'email', template: 'test', toAddress: 'a@example.com', body: 'hello', status: 'outbox' }).execute();
    await recordWeight(tech, merged.id, { value: 4.4, unit: 'kg', measuredOn: demoToday() });
    await recordExam(tech, merged.id, { on: demoToday() });

    const ids = [survivor.id, merged.id];
    const before = await referencesTo(PATIENT_REFERENCES, ids);
    const mergedBefore = await referencesTo(PATIENT_REFERENCES, [merged.id]);
    const remindersBefore = await sql<{ n: number }>`select count(*)::int as n from refill_reminders r join prescriptions rx on rx.id = r.prescription_id where rx.patient_id in (${sql.join(ids)})`.execute(getDb());
    const ordersBefore = await sql<{ n: number }>`select count(distinct order_id)::int as n from order_lines where patient_id in (${sql.join(ids)})`.execute(getDb());

    const result = await mergePatients(manager, survivor.id, merged.id);
    expect(result.moved).toMatchObject({ order_lines: mergedBefore['order_lines.patient_id'], prescriptions: mergedBefore['prescriptions.patient_id'], patient_weights: mergedBefore['patient_weights.patient_id'] });

    const after = await referencesTo(PATIENT_REFERENCES, [survivor.id]);
    const mergedAfter = await referencesTo(PATIENT_REFERENCES, [merged.id]);
    for (const ref of PATIENT_REFERENCES) {
      if (ref === 'patients.merged_into_id') continue;
      expect(after[ref], ref).toBe(before[ref]);
      expect(mergedAfter[ref], ref).toBe(0);
    }
    const remindersAfter = await sql<{ n: number }>`select count(*)::int as n from refill_reminders r join prescriptions rx on rx.id = r.prescription_id where rx.patient_id = ${survivor.id}`.execute(getDb());
    expect(remindersAfter.rows[0]!.n).toBe(remindersBefore.rows[0]!.n);
    const ordersAfter = await sql<{ n: number }>`select count(distinct order_id)::int as n from order_lines where patient_id = ${survivor.id}`.execute(getDb());
    expect(ordersAfter.rows[0]!.n).toBe(ordersBefore.rows[0]!.n);

    // The survivor shows the merged record's history and its latest weight and exam.
    const page = await getPatient(manager, survivor.id);
    expect(page.weightMeasuredOn).toBe(demoToday());
    expect(page.lastWellnessExamOn).toBe(demoToday());
    expect(page.prescriptions.some((p) => p.id === rx.id)).toBe(true);
    // The merged record answers "merged into" and leaves searches.
    const gone = await getPatient(manager, merged.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(DomainError);
    expect((gone as DomainError).details).toEqual({ mergedIntoId: survivor.id });
    const mergedRow = await getDb().selectFrom('patients').select(['name']).where('id', '=', merged.id).executeTakeFirstOrThrow();
    const search = await listPatients(manager, { q: mergedRow.name, limit: 200 });
    expect(search.patients.map((p) => p.id)).not.toContain(merged.id);

    const audit = await getDb().selectFrom('auditEvents').select(['action', 'subjectId', 'actorLabel']).where('action', 'in', ['patient.merged', 'patient.merged_away']).where('subjectId', 'in', ids).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['patient.merged', 'patient.merged_away']);
    expect(audit[0]!.actorLabel).toContain('Helen Park');

    // Merging it again, or into itself, is refused.
    await expect(mergePatients(manager, survivor.id, merged.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(mergePatients(manager, survivor.id, survivor.id)).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('lets only a manager of the clinic merge, and only the same species', async () => {
    const [a, b] = await sql<{ id: string; species: string }>`
      select distinct on (species) id, species from patients where clinic_id = ${clinicId} and species in ('cat', 'dog') and merged_into_id is null order by species, id`
      .execute(getDb())
      .then((r) => r.rows);
    await expect(mergePatients(tech, a!.id, b!.id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(mergePatients(lakesideManager, a!.id, b!.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(mergePatients(manager, a!.id, b!.id)).rejects.toMatchObject({ code: 'bad_request', fields: { mergedId: 'a different species' } });
  });
});

describe('merging owners', () => {
  it('moves pets, requests and messages to the survivor and fills its blank contact fields', async () => {
    const owners = await sql<{ id: string }>`
      select c.id from clients c where c.clinic_id = ${clinicId} and c.merged_into_id is null
        and exists (select 1 from patients p where p.client_id = c.id)
      order by c.id desc limit 2`.execute(getDb());
    const [survivor, merged] = owners.rows.map((r) => r.id) as [string, string];
    await getDb().insertInto('notifications').values({ clinicId, clientId: merged, channel: 'email', template: 'test', toAddress: 'b@example.com', body: 'hello', status: 'outbox' }).execute();
    await getDb()
      .insertInto('refillRequests')
      .values({ clinicId, reference: 'RQ-MERGE-2', channel: 'web', raw: json({}), ownerName: 'Owner', patientName: 'Pet', medicationText: 'as before', queue: 'front_desk', dueAt: new Date(Date.now() + 3_600_000), clientId: merged })
      .execute();
    await getDb().updateTable('clients').set({ email: null, phone2: null }).where('id', '=', survivor).execute();
    const mergedRow = await getDb().selectFrom('clients').select(['email', 'phone']).where('id', '=', merged).executeTakeFirstOrThrow();
    const before = await referencesTo(OWNER_REFERENCES, [survivor, merged]);
    const petsBefore = (await getOwner(manager, survivor)).pets.length + (await getOwner(manager, merged)).pets.length;

    await mergeOwners(manager, survivor, merged);

    const after = await referencesTo(OWNER_REFERENCES, [survivor]);
    for (const ref of OWNER_REFERENCES) if (ref !== 'clients.merged_into_id') expect(after[ref], ref).toBe(before[ref]);
    const owner = await getOwner(manager, survivor);
    expect(owner.pets).toHaveLength(petsBefore);
    expect(owner.email).toBe(mergedRow.email);
    expect(owner.phone2).toBe(mergedRow.phone);
    const gone = await getOwner(manager, merged);
    expect(gone.mergedIntoId).toBe(survivor);
    expect(gone.pets).toEqual([]);
    await expect(mergeOwners(tech, survivor, merged)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
