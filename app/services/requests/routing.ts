/**
 * Eligibility and the routing table, pure: the checks of a matched request run through the
 * request registry of the rule engine (validators/requests), and the first row of the table
 * that applies picks the queue (docs/refill-requests.md, "Eligibility and routing").
 */
import { checkRequest, needsVetReview, type EligibilityCheck } from '../../../validators/requests';
import { parseSig } from '../../../validators/sig';
import type { RequestQueue } from '../../../validators/vocabulary';
import type { MatchResult, PetFacts, PrescriptionFacts } from './matching';
import type { SlaSettings } from './sla';

/** How urgent the owner says it is: runs out today, within 1–2 days, or routine. */
export type Urgency = 'routine' | 'today' | 'soon';

/** What eligibility needs to know about the request itself. */
export type RequestFacts = { urgency: Urgency; dosesLeft?: number | null; daysLeft?: number | null };

/** Days of medicine the owner has left: as said, or doses ÷ doses a day from the SIG (doses count as days when the SIG does not say). */
export function daysLeftOf(req: RequestFacts, sig: string | null): number | undefined {
  if (typeof req.daysLeft === 'number') return req.daysLeft;
  if (typeof req.dosesLeft !== 'number') return undefined;
  const perDay = sig ? parseSig(sig).timesPerDay : undefined;
  return perDay && perDay > 0 ? Math.floor(req.dosesLeft / perDay) : req.dosesLeft;
}

/** The effective urgency: what the owner chose, raised when the days left say it runs out sooner. */
export function effectiveUrgency(req: RequestFacts, sig: string | null, settings: SlaSettings): Urgency {
  const days = daysLeftOf(req, sig);
  if (req.urgency === 'today' || days === 0) return 'today';
  if (req.urgency === 'soon' || (days !== undefined && days <= settings.urgentWithinDays)) return 'soon';
  return 'routine';
}

/**
 * The eligibility checks of a matched request, in a fixed order (validators/requests:
 * patient active, prescription active, wellness exam within the clinic's window, and the three
 * that need a veterinarian — controlled, compounded, recent dose change). `ok: false` on the
 * last three means "needs a veterinarian's review", not "refused".
 */
export function checkEligibility(
  pet: Pick<PetFacts, 'name' | 'status' | 'lastWellnessExamOn'>,
  rx: Pick<PrescriptionFacts, 'status' | 'expiresOn' | 'refillsAuthorized' | 'refillsUsed' | 'controlledSchedule' | 'compounded' | 'lastDoseChangeOn'>,
  clinic: { wellnessWindowMonths: number },
  settings: Pick<SlaSettings, 'doseChangeDays'>,
  today: string,
): EligibilityCheck[] {
  return checkRequest({
    today,
    clinic: { wellnessWindowMonths: clinic.wellnessWindowMonths, doseChangeDays: settings.doseChangeDays },
    patient: { name: pet.name, status: pet.status, lastWellnessExamOn: pet.lastWellnessExamOn },
    prescription: {
      status: rx.status,
      expiresOn: rx.expiresOn,
      refillsAuthorized: rx.refillsAuthorized,
      refillsUsed: rx.refillsUsed,
      controlledSchedule: rx.controlledSchedule,
      compounded: rx.compounded,
      lastDoseChangeOn: rx.lastDoseChangeOn,
    },
  });
}

/** The queue a request goes to and why, per the table in docs/refill-requests.md (first matching row wins). */
export function routeRequest(match: Pick<MatchResult, 'problem'>, checks: EligibilityCheck[], urgency: Urgency): { queue: RequestQueue; reason: string } {
  if (match.problem) {
    return { queue: 'front_desk', reason: match.problem.endsWith('ambiguous') ? 'More than one match: the front desk confirms with the owner.' : 'Patient or prescription not found: call the owner.' };
  }
  const failed = (name: string) => checks.find((c) => c.check === name && !c.ok);
  if (failed('patient.active')) return { queue: 'front_desk', reason: 'The patient is not active: call the owner.' };
  if (failed('prescription.active')) return { queue: 'exception_prescription', reason: 'Prescription expired or out of refills: call the owner today.' };
  if (failed('patient.wellness')) return { queue: 'exception_exam', reason: 'Wellness exam overdue: send the booking link.' };
  const review = checks.filter((c) => !c.ok && needsVetReview(c.check));
  if (review.length > 0) return { queue: 'vet_review', reason: `Veterinarian review: ${review.map((c) => c.check.split('.')[1]!.replace('_', ' ')).join(', ')}.` };
  if (urgency !== 'routine') return { queue: 'tech_urgent', reason: urgency === 'today' ? 'Runs out today.' : 'Runs out within 1–2 days.' };
  return { queue: 'tech_standard', reason: 'Routine refill, eligible.' };
}