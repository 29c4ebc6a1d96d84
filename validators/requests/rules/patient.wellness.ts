import { wellnessCurrent } from '../../lib/eligibility';
import type { RequestRuleCheck } from '../types';

/** `patient.wellness`: a wellness exam within the clinic's window (the judgment of the cart's `patient.wellness`). */
export const requestPatientWellness: RequestRuleCheck = ({ patient, clinic, today }) => {
  const months = clinic.wellnessWindowMonths;
  const exam = patient.lastWellnessExamOn;
  if (exam === null) return { ok: false, detail: 'No wellness exam on record.' };
  return wellnessCurrent(exam, months, today)
    ? { ok: true, detail: `Last wellness exam ${exam}, within ${months} months.` }
    : { ok: false, detail: `Last wellness exam ${exam}, more than ${months} months ago.` };
};
