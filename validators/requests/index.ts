/**
 * The refill-request checks: the second registry of the rule engine, beside the cart's in
 * validators/index.ts. A matched request (one patient, one prescription) is checked on the
 * clinic's day; each check answers ok or not with a sentence for staff. What a failed check
 * means for routing is set here, as severity is for the cart rules; which queue it goes to is
 * the requests room's routing table. Same conventions, same meta-test (validators/rules.meta.test.ts).
 */
import { requestMedicationCompounded } from './rules/medication.compounded';
import { requestMedicationControlled } from './rules/medication.controlled';
import { requestPatientActive } from './rules/patient.active';
import { requestPatientWellness } from './rules/patient.wellness';
import { requestPrescriptionActive } from './rules/prescription.active';
import { requestPrescriptionDoseChange } from './rules/prescription.dose_change';
import { REQUEST_CHECK_IDS, type EligibilityCheck, type RequestCheckId, type RequestContext, type RequestRuleCheck } from './types';

export type * from './types';
export { REQUEST_CHECK_IDS } from './types';

/**
 * What a failed check asks for: `exception` — the request cannot be filled as it stands
 * (staff call the owner or book an exam); `vet_review` — it can, once a veterinarian looks.
 */
export type RequestFailure = 'exception' | 'vet_review';

/** A registered request check and what its failure means. */
export type RegisteredRequestRule = { check: RequestRuleCheck; failure: RequestFailure };

/** Every request check, keyed by the id stored on the request. */
export const REQUEST_RULES: { readonly [id in RequestCheckId]: RegisteredRequestRule } = {
  'patient.active': { check: requestPatientActive, failure: 'exception' },
  'prescription.active': { check: requestPrescriptionActive, failure: 'exception' },
  'patient.wellness': { check: requestPatientWellness, failure: 'exception' },
  'medication.controlled': { check: requestMedicationControlled, failure: 'vet_review' },
  'medication.compounded': { check: requestMedicationCompounded, failure: 'vet_review' },
  'prescription.dose_change': { check: requestPrescriptionDoseChange, failure: 'vet_review' },
};

/** Runs every request check, in {@link REQUEST_CHECK_IDS} order. */
export function checkRequest(ctx: RequestContext): EligibilityCheck[] {
  return REQUEST_CHECK_IDS.map((id) => ({ check: id, ...REQUEST_RULES[id].check(ctx) }));
}

/** Whether a stored check id is a request check whose failure asks for a veterinarian's review. */
export function needsVetReview(check: string): boolean {
  return Object.hasOwn(REQUEST_RULES, check) && REQUEST_RULES[check as RequestCheckId].failure === 'vet_review';
}
