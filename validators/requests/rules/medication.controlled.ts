import type { RequestRuleCheck } from '../types';

/** `medication.controlled`: a controlled substance needs a veterinarian with a DEA registration (not a refusal). */
export const requestMedicationControlled: RequestRuleCheck = ({ prescription: rx }) =>
  rx.controlledSchedule
    ? { ok: false, detail: `Schedule ${rx.controlledSchedule} controlled substance: a veterinarian with DEA registration approves.` }
    : { ok: true, detail: 'Not a controlled substance.' };
