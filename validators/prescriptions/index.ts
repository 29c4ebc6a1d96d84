/**
 * Prescriptions as veterinarians write them, pure: DEA numbers and their check digit, the
 * rules of writing (and renewing) a prescription, and who is asked to renew one.
 * docs/records.md describes them.
 */
export { PRACTITIONER_TYPES, checkDeaNumber, deaCheckDigit, type DeaNumberCheck } from './dea-number';
export {
  CONTROLLED_MAX_REFILLS,
  CONTROLLED_MONTHS,
  MAX_PRESCRIPTION_MONTHS,
  checkPrescriptionWriting,
  defaultExpiry,
  maxRefillsFor,
  type WritingFacts,
  type WritingProblem,
} from './writing';
export { canWrite, renewalFix, renewalPrescriber } from './renewal';
export { requiredDeaSchedule } from '../lib/lookups';
export { prescriptionLapse, refillsLeft } from '../lib/eligibility';
export { scheduleForMedicationName } from '../data/controlled-substances';
