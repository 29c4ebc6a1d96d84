import type { RequestRuleCheck } from '../types';

/** `patient.active`: a refill is for a living, active patient; otherwise the front desk calls the owner. */
export const requestPatientActive: RequestRuleCheck = ({ patient }) =>
  patient.status === 'active' ? { ok: true, detail: `${patient.name} is an active patient.` } : { ok: false, detail: `${patient.name} is ${patient.status}.` };
