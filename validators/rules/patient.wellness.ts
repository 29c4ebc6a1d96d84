import { wellnessCurrent } from '../lib/eligibility';
import type { RuleCheck } from '../types';

/**
 * `patient.wellness`: refills assume a current veterinarian–client–patient relationship,
 * shown by a wellness exam within the clinic's window (default 12 months). An exam exactly
 * a window ago is still within it. Severity comes from the clinic's policy.
 */
export const patientWellness: RuleCheck = (line, ctx) => {
  const patient = ctx.patients[line.patientId];
  if (!patient) return []; // patient.active reports an unknown patient
  const months = ctx.clinic.wellnessWindowMonths;
  const hint = 'Book a wellness exam (send the owner the booking link).';
  if (patient.lastWellnessExamOn === null) {
    return [{ message: `${patient.name} has no wellness exam on record.`, hint }];
  }
  if (wellnessCurrent(patient.lastWellnessExamOn, months, ctx.today)) return [];
  return [
    {
      message: `${patient.name}'s last wellness exam was on ${patient.lastWellnessExamOn}, more than ${months} months ago.`,
      hint,
    },
  ];
};
