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
 * - merging records entered twice (merge.server.ts);
 * - prescribers' licences and DEA registrations: read as the rules read them
 *   (prescribers.server.ts), kept by the manager (prescribers-credentials.server.ts), what expires
 *   soon and the manager's email about it (prescribers-expiry.server.ts);
 * - prescriptions: the list, one with its lineage and the one API shape
 *   (prescriptions.server.ts), written and discontinued by a veterinarian
 *   (prescriptions-write.server.ts), renewed (prescriptions-renew.server.ts);
 * - renewal requests in one batch per veterinarian, in the veterinarian-review queue with its
 *   service level: asked, renewed, declined (renewals.server.ts), the queue, a batch and its
 *   timers (renewals-queue.server.ts), the rows several writers settle (renewals-store.server.ts).
 *
 * docs/records.md describes the behaviour.
 */
export { clinicToday, getClinic, getPharmacyName, principalToday, setDoseCheckSettings } from './clinics.server';
export { listPharmacies, listPrescribers } from './directory.server';
export { clientFullName } from './sql.server';
export {
  createOwner, duplicatesOfOwner, getOwner, listOwners, ownerDuplicates, updateOwner,
  type OwnerAddress, type OwnerCandidate, type OwnerInput, type OwnerListQuery, type OwnerView,
} from './owners.server';
export { getPatient } from './patients.server';
export {
  createPatient, duplicatesOfPatient, patientDuplicates, patientForEdit, updatePatient,
  type PatientCandidate, type PatientInput, type StatusEffects,
} from './patients-write.server';
export { patientWeights, recordWeight, weightView, type WeightInput } from './weights.server';
export { examView, patientExams, recordExam, type ExamInput } from './exams.server';
export { listPatients, searchPatients, searchWords, type PatientSearch } from './search.server';
export { OWNER_REFERENCES, PATIENT_REFERENCES, mergeOwners, mergePatients } from './merge.server';
export {
  DEA_SCHEDULES, EXPIRY_WARNING_DAYS, listPrescriberRecords, listStaff, loadPrescriberContexts, prescriberContextQuery, toPrescriberContext,
  type CredentialStatus, type PrescriberRecord,
} from './prescribers.server';
export {
  addDeaRegistration, addLicense, removeDeaRegistration, removeLicense, setPrescriptionPolicy, updateDeaRegistration, updateLicense,
  type DeaRegistrationInput, type LicenseInput, type PrescriberTarget,
} from './prescribers-credentials.server';
export { enqueueCredentialExpiryCheck, expiringCredentials, registerPrescriberTasks, sendCredentialExpiryNotices, type ExpiringCredential } from './prescribers-expiry.server';
export {
  currentPrescriptions, effectiveStatus, getPrescription, listPrescriptions, prescriptionMedicationName, prescriptionViews, searchMedications,
  type PrescriptionListQuery, type PrescriptionView,
} from './prescriptions.server';
export { QUANTITY_UNITS, discontinuePrescription, writePrescription, type ActingOption, type PrescriptionInput, type RenewalInput } from './prescriptions-write.server';
export { renewPrescription, renewPrescriptions, type RenewalItem } from './prescriptions-renew.server';
export { declineRenewals, openRenewalsFor, renewBatch, requestRenewals, type RenewalAsk, type RenewalRequestView } from './renewals.server';
export { getRenewalBatch, registerRenewalTasks, renewalQueue, runRenewalSweep, type RenewalBatchView, type RenewalQueueItem } from './renewals-queue.server';
export { addDeaRegistrationAnswer, discontinuePrescriptionAnswer, renewPrescriptionAnswer, requestRenewalsAnswer, writePrescriptionAnswer } from './prescriptions-api.server';
