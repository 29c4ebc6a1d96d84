/**
 * Creating and changing patients. A new patient may duplicate one on file (same pet name and
 * species under an owner with the same phone): the create is refused with the candidates
 * until the user confirms. Leaving the books has consequences in other rooms, run in the same
 * transaction: a deceased patient's open cart lines, waiting refill requests and open renewal
 * requests are cancelled with the reason (audited), the owner messages still waiting about it
 * are kept unsent, and its scheduled reminders stop; an inactive one's reminders stop too
 * (docs/records.md).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { addDays, isUuid, type IsoDate, type PatientSex, type PatientStatus, type Species } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { removePatientLines } from '../cart/index.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { suppressPatientNotifications } from '../owners/notifications.server';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { createOnce } from '../platform/idempotency.server';
import { cancelPatientRequests, suppressPatientReminders } from '../requests/index.server';
import { clinicToday } from './clinics.server';
import { ownerRow, possibleDuplicate } from './owners.server';
import { PATIENT_COLUMNS, patientRow } from './patients-row.server';
import { cancelRenewalRequests } from './renewals-store.server';

type Tx = Transaction<Database>;

/** What a person or a system enters about a patient. An age estimate stands in for an unknown birth date. */
export type PatientInput = {
  ownerId: string;
  name: string;
  species: Species;
  breed: string | null;
  sex: PatientSex;
  birthDate: IsoDate | null;
  ageEstimate?: { years: number; months: number } | null;
  status: PatientStatus;
  deceasedOn: IsoDate | null;
  pimsId: string | null;
  allergies: string | null;
  notes: string | null;
};

/** A pet someone may be entering twice. */
export type PatientCandidate = { id: string; name: string; species: string; ownerId: string; ownerName: string; ownerPhone: string | null };

/**
 * Pets with the same name (any case) and species whose owner is `ownerId` or shares a phone
 * with that owner; `exceptId` leaves one out.
 */
export async function patientDuplicates(db: Kysely<Database>, clinicId: string, input: { ownerId: string; name: string; species: string }, exceptId?: string): Promise<PatientCandidate[]> {
  const owner = await db.selectFrom('clients').select(['phone', 'phone2']).where('id', '=', input.ownerId).where('clinicId', '=', clinicId).executeTakeFirst();
  const phones = [owner?.phone, owner?.phone2].filter((p): p is string => !!p);
  const rows = await db
    .selectFrom('patients as p')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .select(['p.id', 'p.name', 'p.species', 'c.id as ownerId', 'c.firstName', 'c.lastName', 'c.phone'])
    .where('p.clinicId', '=', clinicId)
    .where('p.mergedIntoId', 'is', null)
    .where(sql<string>`lower(p.name)`, '=', input.name.trim().toLowerCase())
    .where('p.species', '=', input.species as Species)
    .where((eb) => eb.or([eb('c.id', '=', input.ownerId), ...(phones.length ? [eb('c.phone', 'in', phones), eb('c.phone2', 'in', phones)] : [])]))
    .$if(!!exceptId, (q) => q.where('p.id', '!=', exceptId!))
    .orderBy('p.createdAt')
    .limit(10)
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, species: r.species, ownerId: r.ownerId, ownerName: `${r.firstName} ${r.lastName}`, ownerPhone: r.phone }));
}

/** The birth date to store: the one given, or today minus an age estimate (then flagged as estimated). */
function birthDateOf(
  birthDate: IsoDate | null | undefined,
  ageEstimate: PatientInput['ageEstimate'],
  today: IsoDate,
): { birthDate: IsoDate | null; birthDateEstimated: boolean } | undefined {
  if (birthDate) {
    if (birthDate > today) throw new DomainError('bad_request', 'A birth date cannot be in the future.', { birthDate: `on or before ${today}` });
    return { birthDate, birthDateEstimated: false };
  }
  if (ageEstimate) {
    const days = Math.round(ageEstimate.years * 365.25 + ageEstimate.months * 30.44);
    return { birthDate: addDays(today, -days), birthDateEstimated: true };
  }
  return birthDate === null ? { birthDate: null, birthDateEstimated: false } : undefined;
}

/** The deceased date to store for a status: required shape, never in the future, only when deceased. */
function deceasedOnOf(status: PatientStatus, deceasedOn: IsoDate | null | undefined, today: IsoDate, birthDate: IsoDate | null): IsoDate | null {
  if (status !== 'deceased') return null;
  const on = deceasedOn ?? today;
  if (on > today) throw new DomainError('bad_request', 'The date of death cannot be in the future.', { deceasedOn: `on or before ${today}` });
  if (birthDate && on < birthDate) throw new DomainError('bad_request', 'The date of death is before the birth date.', { deceasedOn: `on or after ${birthDate}` });
  return on;
}

/** Creates a patient inside `tx`; refuses a possible duplicate unless `allowDuplicate`. */
export async function insertPatient(tx: Tx, principal: Principal, input: PatientInput, opts: { allowDuplicate?: boolean } = {}) {
  const clinicId = clinicScope(principal);
  if (!isUuid(input.ownerId)) throw new DomainError('bad_request', 'Pick the owner again.', { ownerId: 'not an owner of this clinic' });
  const owner = await ownerRow(tx, clinicId, input.ownerId).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === 'not_found') throw new DomainError('bad_request', 'Pick the owner again.', { ownerId: 'not an owner of this clinic' });
    throw error;
  });
  if (owner.mergedIntoId) throw new DomainError('bad_request', 'This owner was merged into another; add the pet there.', { ownerId: 'merged into another owner' }, { mergedIntoId: owner.mergedIntoId });
  const today = await clinicToday(tx, clinicId);
  const birth = birthDateOf(input.birthDate, input.ageEstimate, today) ?? { birthDate: null, birthDateEstimated: false };
  const deceasedOn = deceasedOnOf(input.status, input.deceasedOn, today, birth.birthDate);
  if (!opts.allowDuplicate) {
    const duplicates = await patientDuplicates(tx, clinicId, input);
    if (duplicates.length) throw possibleDuplicate('patient', duplicates);
  }
  const at = now();
  const row = await tx
    .insertInto('patients')
    .values({
      clinicId, clientId: owner.id, name: input.name, species: input.species, breed: input.breed, sex: input.sex, ...birth,
      status: input.status, deceasedOn, pimsId: input.pimsId, allergies: input.allergies, notes: input.notes, createdAt: at,
    })
    .returning(PATIENT_COLUMNS)
    .executeTakeFirstOrThrow();
  await audit(tx, principal, { clinicId, action: 'patient.created', subjectType: 'patient', subjectId: row.id, detail: { name: row.name, species: row.species, ownerId: owner.id, allowDuplicate: !!opts.allowDuplicate } }, at);
  return row;
}

/** `POST /api/v1/patients` and the new-patient page; with an idempotency key, once. */
export async function createPatient(principal: Principal, input: PatientInput, opts: { allowDuplicate?: boolean; idempotencyKey?: string | null; body?: unknown } = {}) {
  const clinicId = clinicScope(principal);
  return createOnce(`clinic:${clinicId}:patients`, opts.idempotencyKey, opts.body ?? input, async (tx) => ({ patient: await insertPatient(tx, principal, input, opts) }));
}

/** What leaving the books did elsewhere: lines removed, requests cancelled, reminders stopped. */
export type StatusEffects = {
  cartLinesRemoved: number;
  cartLinesHeldByCheckout: number;
  requestsCancelled: number;
  renewalsCancelled: number;
  messagesSuppressed: number;
  remindersStopped: number;
};

/** Runs what a change of status means for carts, requests and reminders. */
async function applyStatus(tx: Tx, principal: Principal, clinicId: string, patient: { id: string; name: string }, status: PatientStatus, deceasedOn: IsoDate | null, at: Date): Promise<StatusEffects> {
  const none: StatusEffects = { cartLinesRemoved: 0, cartLinesHeldByCheckout: 0, requestsCancelled: 0, renewalsCancelled: 0, messagesSuppressed: 0, remindersStopped: 0 };
  if (status === 'active') return none;
  const remindersStopped = await suppressPatientReminders(tx, clinicId, patient.id, status === 'deceased' ? 'patient_deceased' : 'patient_inactive');
  if (status !== 'deceased') return { ...none, remindersStopped };
  const reason = `${patient.name} died on ${deceasedOn}.`;
  const lines = await removePatientLines(tx, principal, clinicId, patient.id, reason, at);
  const requests = await cancelPatientRequests(tx, principal, clinicId, patient.id, reason, lines.removed, at);
  const renewals = await cancelRenewalRequests(tx, clinicId, { patientId: patient.id }, reason, userIdOf(principal), at);
  await audit(
    tx,
    principal,
    renewals.map((r) => ({ clinicId, action: 'prescription.renewal_cancelled', subjectType: 'prescription', subjectId: r.prescriptionId, detail: { requestId: r.id, batchId: r.batchId, reason } })),
    at,
  );
  // After the requests are cancelled: their owner messages still waiting go with them.
  const messagesSuppressed = await suppressPatientNotifications(tx, clinicId, patient.id);
  return {
    cartLinesRemoved: lines.removed.length,
    cartLinesHeldByCheckout: lines.heldByCheckout,
    requestsCancelled: requests.length,
    renewalsCancelled: renewals.length,
    messagesSuppressed,
    remindersStopped,
  };
}

/**
 * Changes a patient's fields (`PATCH /api/v1/patients/:id`, the edit page). Moving to another
 * owner, a status change and its effects all happen in one transaction; answers the patient
 * and what the status change did.
 */
export async function updatePatient(principal: Principal, patientId: string, patch: Partial<PatientInput>) {
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx) => {
    const before = await patientRow(tx, clinicId, patientId, { forUpdate: true });
    const today = await clinicToday(tx, clinicId);
    const set: Record<string, unknown> = {};
    for (const key of ['name', 'species', 'breed', 'sex', 'pimsId', 'allergies', 'notes'] as const) {
      if (patch[key] !== undefined) set[key] = patch[key];
    }
    if (patch.ownerId !== undefined && patch.ownerId !== before.clientId) {
      const owner = isUuid(patch.ownerId) ? await tx.selectFrom('clients').select(['id', 'mergedIntoId']).where('id', '=', patch.ownerId).where('clinicId', '=', clinicId).executeTakeFirst() : undefined;
      if (!owner || owner.mergedIntoId) throw new DomainError('bad_request', 'Pick the owner again.', { ownerId: 'not an owner of this clinic' });
      set.clientId = owner.id;
    }
    // The birth date on file, sent back unchanged, keeps whether it was an estimate.
    const birth = patch.birthDate === before.birthDate && !patch.ageEstimate ? undefined : birthDateOf(patch.birthDate, patch.ageEstimate, today);
    if (birth) Object.assign(set, birth);
    const status = patch.status ?? before.status;
    const birthDate = (set.birthDate as IsoDate | null | undefined) === undefined ? before.birthDate : (set.birthDate as IsoDate | null);
    if (patch.status !== undefined || patch.deceasedOn !== undefined) {
      set.status = status;
      set.deceasedOn = deceasedOnOf(status, patch.deceasedOn === undefined ? before.deceasedOn : patch.deceasedOn, today, birthDate);
    }
    const changed = Object.keys(set).filter((k) => String((before as Record<string, unknown>)[k] ?? '') !== String(set[k] ?? ''));
    if (changed.length === 0) return { patient: before, effects: null };
    const at = now();
    const row = await tx.updateTable('patients').set(set).where('id', '=', patientId).returning(PATIENT_COLUMNS).executeTakeFirstOrThrow();
    const statusChanged = row.status !== before.status;
    const effects = statusChanged ? await applyStatus(tx, principal, clinicId, row, row.status, row.deceasedOn, at) : null;
    await audit(tx, principal, [
      { clinicId, action: 'patient.updated', subjectType: 'patient', subjectId: patientId, detail: { fields: changed } },
      ...(statusChanged
        ? [{ clinicId, action: 'patient.status_changed', subjectType: 'patient', subjectId: patientId, detail: { from: before.status, to: row.status, deceasedOn: row.deceasedOn, ...effects } }]
        : []),
    ], at);
    return { patient: row, effects };
  });
}

/** Other patients this one may duplicate (same name and species, same owner or owner phone), for the merge panel. */
export async function duplicatesOfPatient(principal: Principal, patientId: string): Promise<PatientCandidate[]> {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const patient = await patientRow(db, clinicId, patientId);
  return patientDuplicates(db, clinicId, { ownerId: patient.clientId, name: patient.name, species: patient.species }, patientId);
}

/** A patient row for edit forms (merged ones answer not found). */
export async function patientForEdit(principal: Principal, patientId: string) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const patient = await patientRow(db, clinicId, patientId);
  const owner = await ownerRow(db, clinicId, patient.clientId);
  return { ...patient, ownerName: `${owner.firstName} ${owner.lastName}` };
}
