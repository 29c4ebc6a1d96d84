/**
 * A patient's weight history. Each weighing keeps what was typed (value and unit) and the
 * kilograms; the latest by measuring date is cached on the patient (`weightKg`,
 * `weightMeasuredOn`) in the same transaction, which is what validation, the pharmacy's order
 * document and every dose display read. A weight outside the species' plausible range
 * (validators/data/species-weights.ts) needs a reason, which is kept and audited.
 */
import type { Kysely, Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { toKg, weightPlausibility, weightRange, type IsoDate, type WeightUnit } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { clinicScope, type Principal } from '../identity/principal';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { createOnce } from '../platform/idempotency.server';
import { clinicToday } from './clinics.server';
import { patientRow } from './patients-row.server';
import { recorderOf } from './patients-recorder.server';

type Tx = Transaction<Database>;

/** A weighing as entered: `measuredOn` defaults to the clinic's today. */
export type WeightInput = { value: number; unit: WeightUnit; measuredOn?: IsoDate | null; overrideReason?: string | null; actingUserId?: string | null };

const WEIGHT_COLUMNS = ['id', 'kg', 'enteredValue', 'enteredUnit', 'measuredOn', 'overrideReason', 'recordedByLabel', 'createdAt'] as const;

/** The patient's weighings, latest first. */
export async function listWeights(db: Kysely<Database>, clinicId: string, patientId: string, limit = 100) {
  return db
    .selectFrom('patientWeights')
    .select(WEIGHT_COLUMNS)
    .where('patientId', '=', patientId)
    .where('clinicId', '=', clinicId)
    .orderBy('measuredOn', 'desc')
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .execute();
}

/** Caches the latest weighing on the patient (null when it has none). */
export async function refreshLatestWeight(tx: Kysely<Database>, patientId: string): Promise<void> {
  const latest = await tx
    .selectFrom('patientWeights')
    .select(['kg', 'measuredOn'])
    .where('patientId', '=', patientId)
    .orderBy('measuredOn', 'desc')
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  await tx.updateTable('patients').set({ weightKg: latest?.kg ?? null, weightMeasuredOn: latest?.measuredOn ?? null }).where('id', '=', patientId).execute();
}

/** Records one weighing inside `tx`, after the checks that name the field; answers it. */
export async function insertWeight(tx: Tx, principal: Principal, patientId: string, input: WeightInput) {
  const clinicId = clinicScope(principal);
  const patient = await patientRow(tx, clinicId, patientId, { forUpdate: true });
  const today = await clinicToday(tx, clinicId);
  const measuredOn = input.measuredOn ?? today;
  if (measuredOn > today) throw new DomainError('bad_request', 'A weight cannot be measured in the future.', { measuredOn: `on or before ${today}` });
  if (patient.birthDate && measuredOn < patient.birthDate) {
    throw new DomainError('bad_request', `${patient.name} was born on ${patient.birthDate}.`, { measuredOn: `on or after the birth date, ${patient.birthDate}` });
  }
  const kg = toKg(input.value, input.unit);
  const plausible = weightPlausibility(patient.species, kg);
  const overrideReason = input.overrideReason?.trim() || null;
  if (!plausible.ok && (plausible.impossible || !overrideReason)) {
    throw new DomainError('bad_request', plausible.message, { kg: plausible.message }, { range: weightRange(patient.species), kg, needsOverride: !plausible.impossible });
  }
  const who = await recorderOf(tx, principal, clinicId, input.actingUserId);
  const at = now();
  const row = await tx
    .insertInto('patientWeights')
    .values({
      clinicId, patientId, kg, enteredValue: input.value, enteredUnit: input.unit, measuredOn,
      overrideReason: plausible.ok ? null : overrideReason, ...who, createdAt: at,
    })
    .returning(WEIGHT_COLUMNS)
    .executeTakeFirstOrThrow();
  await refreshLatestWeight(tx, patientId);
  await audit(tx, principal, {
    clinicId, action: 'patient.weight_recorded', subjectType: 'patient', subjectId: patientId,
    detail: { weightId: row.id, kg, entered: `${input.value} ${input.unit}`, measuredOn, recordedBy: who.recordedByLabel, ...(row.overrideReason ? { overrideReason: row.overrideReason, range: weightRange(patient.species) } : {}) },
  }, at);
  return row;
}

/** `POST /api/v1/patients/:id/weights` and the patient page's "Record weight"; with an idempotency key, once. */
export async function recordWeight(principal: Principal, patientId: string, input: WeightInput, opts: { idempotencyKey?: string | null; body?: unknown } = {}) {
  const clinicId = clinicScope(principal);
  return createOnce(`clinic:${clinicId}:weights:${patientId}`, opts.idempotencyKey, opts.body ?? input, async (tx) => ({ weight: weightView(await insertWeight(tx, principal, patientId, input)) }));
}

/** The API's weight: `{id, kg, measuredOn, …}`. */
export function weightView(row: Awaited<ReturnType<typeof listWeights>>[number]) {
  return {
    id: row.id, kg: row.kg, measuredOn: row.measuredOn, entered: { value: row.enteredValue, unit: row.enteredUnit },
    overrideReason: row.overrideReason, recordedBy: row.recordedByLabel, createdAt: row.createdAt,
  };
}

/** The patient's weighings for the API; 404 outside the clinic. */
export async function patientWeights(principal: Principal, patientId: string) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  await patientRow(db, clinicId, patientId);
  return (await listWeights(db, clinicId, patientId, 500)).map(weightView);
}
