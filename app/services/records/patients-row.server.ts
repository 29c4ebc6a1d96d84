/** One patient row of the clinic, as the records services load it before reading or changing it. */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { DomainError, notFound } from '../platform/errors';

/** The patient columns pages and the API show (not the search text). */
export const PATIENT_COLUMNS = [
  'id', 'clinicId', 'clientId', 'name', 'species', 'breed', 'sex', 'birthDate', 'birthDateEstimated', 'weightKg', 'weightMeasuredOn',
  'status', 'deceasedOn', 'lastWellnessExamOn', 'pimsId', 'allergies', 'notes', 'mergedIntoId', 'mergedAt', 'createdAt',
] as const;

/**
 * One patient row of the clinic, or not found. A merged patient is not found either, with the
 * survivor's id in `details.mergedIntoId` so a page can send the user on.
 */
export async function patientRow(db: Kysely<Database>, clinicId: string, patientId: string, opts: { forUpdate?: boolean; allowMerged?: boolean } = {}) {
  if (!isUuid(patientId)) throw notFound('Patient');
  let query = db.selectFrom('patients').select(PATIENT_COLUMNS).where('id', '=', patientId).where('clinicId', '=', clinicId);
  if (opts.forUpdate) query = query.forUpdate();
  const patient = await query.executeTakeFirst();
  if (!patient) throw notFound('Patient');
  if (patient.mergedIntoId && !opts.allowMerged) {
    throw new DomainError('not_found', 'This patient was merged into another record.', undefined, { mergedIntoId: patient.mergedIntoId });
  }
  return patient;
}
