import type { RuleCheck } from '../types';

/** `patient.active`: never ship to a deceased or inactive patient (and never to an unknown one). */
export const patientActive: RuleCheck = (line, ctx) => {
  const patient = ctx.patients[line.patientId];
  if (!patient) {
    return [{ message: 'This patient is not on file at the clinic.', hint: 'Pick the patient again from the patient list.' }];
  }
  if (patient.status === 'active') return [];
  return [
    {
      message: `${patient.name} is marked ${patient.status}.`,
      hint:
        patient.status === 'deceased'
          ? 'Remove this line.'
          : 'Reactivate the patient in the patient record if this is still your patient, or remove the line.',
    },
  ];
};
