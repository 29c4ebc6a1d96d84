/**
 * The records room: what a clinic keeps about the people and animals it treats and the
 * people who prescribe. Routes and other rooms import from here.
 *
 * It owns
 * - the clinic itself and its calendar day (clinics.server.ts), the directory of prescribers and
 *   partner pharmacies (directory.server.ts), SQL pieces other rooms reuse (sql.server.ts);
 * - owners (owners.server.ts): create, edit, read with their pets, list, possible duplicates;
 * - patients: reading one with its histories (patients.server.ts), creating and changing them
 *   with what a death or an inactive status means elsewhere (patients-write.server.ts), the row
 *   loader (patients-row.server.ts) and who recorded what (patients-recorder.server.ts);
 * - weight history with plausibility per species (weights.server.ts) and exams
 *   (exams.server.ts), each caching the latest on the patient for validation and eligibility;
 * - search by pet, owner, phone, email and PIMS id (search.server.ts);
 * - merging records entered twice (merge.server.ts).
 *
 * docs/records.md describes the behaviour.
 */
export { clinicToday, getClinic, getPharmacyName, principalToday } from './clinics.server';
export { listPharmacies, listPrescribers } from './directory.server';
export { clientFullName } from './sql.server';
export {
  createOwner, getOwner, listOwners, ownerDuplicates, updateOwner,
  type OwnerAddress, type OwnerCandidate, type OwnerInput, type OwnerListQuery, type OwnerView,
} from './owners.server';
export { getPatient } from './patients.server';
export {
  createPatient, patientDuplicates, patientForEdit, updatePatient,
  type PatientCandidate, type PatientInput, type StatusEffects,
} from './patients-write.server';
export { patientWeights, recordWeight, weightView, type WeightInput } from './weights.server';
export { examView, patientExams, recordExam, type ExamInput } from './exams.server';
export { listPatients, searchPatients, searchWords, type PatientSearch } from './search.server';
export { OWNER_REFERENCES, PATIENT_REFERENCES, mergeOwners, mergePatients } from './merge.server';
