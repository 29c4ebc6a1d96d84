/**
 * A patient's exams. The latest wellness exam is cached on the patient
 * (`lastWellnessExamOn`) in the same transaction, which is what refill eligibility and the
 * `patient.wellness` rule read. PIMS imports record exams through `insertExam` too.
 */
import type { Kysely, Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import type { ExamKind, IsoDate } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { clinicScope, type Principal } from '../identity/principal';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { createOnce } from '../platform/idempotency.server';
import { clinicToday } from './clinics.server';
import { patientRow } from './patients-row.server';
import { recorderOf } from './patients-recorder.server';

type Tx = Transaction<Database>;

/** An exam as entered: `on` defaults to the clinic's today, `kind` to wellness. */
export type ExamInput = { on?: IsoDate | null; kind?: ExamKind; note?: string | null; actingUserId?: string | null };

const EXAM_COLUMNS = ['id', 'kind', 'examinedOn', 'note', 'recordedByLabel', 'createdAt'] as const;

/** The patient's exams, latest first. */
export async function listExams(db: Kysely<Database>, clinicId: string, patientId: string, limit = 100) {
  return db
    .selectFrom('patientExams')
    .select(EXAM_COLUMNS)
    .where('patientId', '=', patientId)
    .where('clinicId', '=', clinicId)
    .orderBy('examinedOn', 'desc')
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .execute();
}

/** Caches the latest wellness exam on the patient (null when it has none). */
export async function refreshLatestExam(tx: Kysely<Database>, patientId: string): Promise<void> {
  const latest = await tx
    .selectFrom('patientExams')
    .select((eb) => eb.fn.max('examinedOn').as('on'))
    .where('patientId', '=', patientId)
    .where('kind', '=', 'wellness')
    .executeTakeFirst();
  await tx.updateTable('patients').set({ lastWellnessExamOn: (latest?.on as string | null | undefined) ?? null }).where('id', '=', patientId).execute();
}

/** Records one exam inside `tx`; answers it. */
export async function insertExam(tx: Tx, principal: Principal, patientId: string, input: ExamInput) {
  const clinicId = clinicScope(principal);
  const patient = await patientRow(tx, clinicId, patientId, { forUpdate: true });
  const today = await clinicToday(tx, clinicId);
  const on = input.on ?? today;
  if (on > today) throw new DomainError('bad_request', 'An exam cannot be recorded for a future date.', { on: `on or before ${today}` });
  if (patient.birthDate && on < patient.birthDate) {
    throw new DomainError('bad_request', `${patient.name} was born on ${patient.birthDate}.`, { on: `on or after the birth date, ${patient.birthDate}` });
  }
  const who = await recorderOf(tx, principal, clinicId, input.actingUserId);
  const at = now();
  const row = await tx
    .insertInto('patientExams')
    .values({ clinicId, patientId, kind: input.kind ?? 'wellness', examinedOn: on, note: input.note?.trim() || null, ...who, createdAt: at })
    .returning(EXAM_COLUMNS)
    .executeTakeFirstOrThrow();
  if (row.kind === 'wellness') await refreshLatestExam(tx, patientId);
  await audit(tx, principal, {
    clinicId, action: 'patient.exam_recorded', subjectType: 'patient', subjectId: patientId,
    detail: { examId: row.id, kind: row.kind, on, recordedBy: who.recordedByLabel },
  }, at);
  return row;
}

/** The API's exam: `{id, on, kind, …}`. */
export function examView(row: Awaited<ReturnType<typeof listExams>>[number]) {
  return { id: row.id, on: row.examinedOn, kind: row.kind, note: row.note, recordedBy: row.recordedByLabel, createdAt: row.createdAt };
}

/** `POST /api/v1/patients/:id/exams` and the patient page's "Record exam"; with an idempotency key, once. */
export async function recordExam(principal: Principal, patientId: string, input: ExamInput, opts: { idempotencyKey?: string | null; body?: unknown } = {}) {
  const clinicId = clinicScope(principal);
  return createOnce(`clinic:${clinicId}:exams:${patientId}`, opts.idempotencyKey, opts.body ?? input, async (tx) => ({ exam: examView(await insertExam(tx, principal, patientId, input)) }));
}

/** The patient's exams for the API; 404 outside the clinic. */
export async function patientExams(principal: Principal, patientId: string) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  await patientRow(db, clinicId, patientId);
  return (await listExams(db, clinicId, patientId, 500)).map(examView);
}
