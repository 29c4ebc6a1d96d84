import type { RequestRuleCheck } from '../types';

/** `medication.compounded`: a compounded medication is reviewed and signed off by a veterinarian (not a refusal). */
export const requestMedicationCompounded: RequestRuleCheck = ({ prescription: rx }) =>
  rx.compounded
    ? { ok: false, detail: 'Compounded medication: a veterinarian reviews and signs off.' }
    : { ok: true, detail: 'Commercial product, dispensed from the clinic.' };
