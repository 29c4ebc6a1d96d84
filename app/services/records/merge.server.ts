/**
 * Merging two records a clinic entered twice, by a manager. Everything that points at the
 * merged record moves to the survivor — order lines, cart lines, prescriptions (their
 * reminders follow them), refill and renewal requests, notifications, weights, exams; for
 * owners, pets, requests, notifications and the text-message consent log — in one
 * transaction, audited with what moved. The merged row stays, pointing at the survivor
 * (`merged_into_id`), so old links, messages and audit entries still resolve; lists and
 * searches no longer show it.
 *
 * `PATIENT_REFERENCES` and `OWNER_REFERENCES` name every column that references a patient or
 * an owner; test/integration/records-merge.test.ts fails when a migration adds a reference
 * that is not listed here, so a new table cannot be left pointing at a merged record.
 */
import { allowed } from '../identity/permissions';
import { sql, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { reassignPatientLines } from '../cart/index.server';
import { clinicScope, type Principal } from '../identity/principal';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { refreshLatestExam } from './exams.server';
import { refreshLatestWeight } from './weights.server';

type Tx = Transaction<Database>;

/** Every `table.column` referencing `patients(id)`; `cart_lines` moves through the cart room. */
export const PATIENT_REFERENCES = [
  'cart_lines.patient_id',
  'order_lines.patient_id',
  'prescriptions.patient_id',
  'refill_requests.patient_id',
  'renewal_requests.patient_id',
  'notifications.patient_id',
  'patient_weights.patient_id',
  'patient_exams.patient_id',
  'patients.merged_into_id',
] as const;

/** Every `table.column` referencing `clients(id)`. */
export const OWNER_REFERENCES = ['patients.client_id', 'refill_requests.client_id', 'notifications.client_id', 'sms_consents.client_id', 'clients.merged_into_id'] as const;

function requireManager(principal: Principal) {
  if (!allowed(principal, 'records.merge')) {
    throw new DomainError('forbidden', 'Only a manager can merge records.');
  }
}

/** Moves `table.column` from one id to another; answers how many rows moved. */
async function move(tx: Tx, reference: string, clinicId: string, from: string, to: string): Promise<number> {
  const [table, column] = reference.split('.') as [string, string];
  const result = await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${to} where ${sql.ref(column)} = ${from} and clinic_id = ${clinicId}`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

async function lockPair<T extends 'patients' | 'clients'>(tx: Tx, table: T, clinicId: string, survivorId: string, mergedId: string, label: string) {
  if (!isUuid(survivorId) || !isUuid(mergedId)) throw new DomainError('not_found', `${label} not found`);
  if (survivorId === mergedId) throw new DomainError('bad_request', `Pick two different ${label.toLowerCase()}s.`, { mergedId: 'the same record' });
  const rows = await sql<{ id: string; mergedIntoId: string | null }>`
    select id, merged_into_id from ${sql.table(table)} where clinic_id = ${clinicId} and id in (${survivorId}, ${mergedId}) order by id for update`.execute(tx);
  const survivor = rows.rows.find((r) => r.id === survivorId);
  const merged = rows.rows.find((r) => r.id === mergedId);
  if (!survivor || !merged) throw new DomainError('not_found', `${label} not found`);
  if (survivor.mergedIntoId || merged.mergedIntoId) throw new DomainError('conflict', `This ${label.toLowerCase()} was already merged.`);
}

/**
 * Merges patient `mergedId` into `survivorId` (same clinic, same species). The survivor keeps
 * its own fields and takes the merged one's where it has none. Answers what moved.
 */
export async function mergePatients(principal: Principal, survivorId: string, mergedId: string) {
  requireManager(principal);
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx) => {
    await lockPair(tx, 'patients', clinicId, survivorId, mergedId, 'Patient');
    const [survivor, merged] = await Promise.all(
      [survivorId, mergedId].map((id) => tx.selectFrom('patients').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
    );
    if (survivor!.species !== merged!.species) {
      throw new DomainError('bad_request', `${merged!.name} is a ${merged!.species} and ${survivor!.name} a ${survivor!.species}; only records of the same animal merge.`, { mergedId: 'a different species' });
    }
    const at = now();
    const moved: Record<string, number> = { cart_lines: await reassignPatientLines(tx, clinicId, mergedId, survivorId, at) };
    for (const reference of PATIENT_REFERENCES) {
      if (reference === 'cart_lines.patient_id') continue;
      moved[reference.split('.')[0]!] = await move(tx, reference, clinicId, mergedId, survivorId);
    }
    const fill: Record<string, unknown> = {};
    for (const key of ['breed', 'birthDate', 'pimsId', 'allergies', 'notes'] as const) {
      if (survivor![key] === null && merged![key] !== null) fill[key] = merged![key];
    }
    if (fill.birthDate) fill.birthDateEstimated = merged!.birthDateEstimated;
    if (Object.keys(fill).length) await tx.updateTable('patients').set(fill).where('id', '=', survivorId).execute();
    await tx.updateTable('patients').set({ mergedIntoId: survivorId, mergedAt: at, pimsId: fill.pimsId ? null : merged!.pimsId }).where('id', '=', mergedId).execute();
    await refreshLatestWeight(tx, survivorId);
    await refreshLatestExam(tx, survivorId);
    const detail = { survivorId, mergedId, mergedName: merged!.name, mergedOwnerId: merged!.clientId, moved, filled: Object.keys(fill) };
    await audit(tx, principal, [
      { clinicId, action: 'patient.merged', subjectType: 'patient', subjectId: survivorId, detail },
      { clinicId, action: 'patient.merged_away', subjectType: 'patient', subjectId: mergedId, detail },
    ], at);
    return { survivorId, mergedId, moved };
  });
}

/** Merges owner `mergedId` into `survivorId`: pets, requests and messages move; blank contact fields are filled. */
export async function mergeOwners(principal: Principal, survivorId: string, mergedId: string) {
  requireManager(principal);
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx) => {
    await lockPair(tx, 'clients', clinicId, survivorId, mergedId, 'Owner');
    const [survivor, merged] = await Promise.all(
      [survivorId, mergedId].map((id) => tx.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirstOrThrow()),
    );
    const at = now();
    const moved: Record<string, number> = {};
    for (const reference of OWNER_REFERENCES) moved[reference.split('.')[0]!] = await move(tx, reference, clinicId, mergedId, survivorId);
    const fill: Record<string, unknown> = {};
    if (!survivor!.phone2 && merged!.phone && merged!.phone !== survivor!.phone) fill.phone2 = merged!.phone;
    if (!survivor!.phone && merged!.phone) Object.assign(fill, { phone: merged!.phone, phone2: survivor!.phone2 });
    if (!survivor!.email && merged!.email) fill.email = merged!.email;
    if (!survivor!.addressLine1 && merged!.addressLine1) {
      Object.assign(fill, { addressLine1: merged!.addressLine1, addressLine2: merged!.addressLine2, city: merged!.city, state: merged!.state, postalCode: merged!.postalCode });
    }
    if (!survivor!.pimsId && merged!.pimsId) fill.pimsId = merged!.pimsId;
    if (Object.keys(fill).length) await tx.updateTable('clients').set(fill).where('id', '=', survivorId).execute();
    await tx.updateTable('clients').set({ mergedIntoId: survivorId, mergedAt: at, ...(fill.pimsId ? { pimsId: null } : {}) }).where('id', '=', mergedId).execute();
    const detail = { survivorId, mergedId, mergedName: `${merged!.firstName} ${merged!.lastName}`, moved, filled: Object.keys(fill) };
    await audit(tx, principal, [
      { clinicId, action: 'owner.merged', subjectType: 'client', subjectId: survivorId, detail },
      { clinicId, action: 'owner.merged_away', subjectType: 'client', subjectId: mergedId, detail },
    ], at);
    return { survivorId, mergedId, moved };
  });
}
