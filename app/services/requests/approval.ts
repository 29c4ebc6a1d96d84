/** Who may approve a refill request, pure: the rule the queue page shows and a decision enforces. */
import type { RequestQueue } from '../../../validators/vocabulary';
import type { Principal } from '../identity/principal';
import { allowed } from '../identity/permissions';


/**
 * Who may approve a refill: a veterinarian anything (a controlled one only with a DEA
 * registration covering its schedule, checked on approval); a technician — and a clinic API
 * key, which acts like one — only a non-controlled refill covered by a standing order the
 * veterinarian set, and not one waiting for a veterinarian's review. Managers and the front
 * desk do not approve.
 */
export function approvalRule(
  principal: Principal,
  r: { queue: RequestQueue; status: string; prescriptionId: string | null; controlledSchedule: string | null; standingOrder: boolean; compounded: boolean },
): { allowed: boolean; reason: string } {
  if (r.status !== 'open') return { allowed: false, reason: `The request is already ${r.status.replace('_', ' ')}.` };
  if (!r.prescriptionId) return { allowed: false, reason: 'Match the patient and prescription first.' };
  // The role table (docs/roles.md): veterinarians approve anything (a controlled refill with
  // DEA, checked on approval); the standing-order row holds technicians and keys.
  if (allowed(principal, 'request.approve.vet_review') && allowed(principal, 'request.approve.controlled')) return { allowed: true, reason: 'Veterinarian.' };
  if (!allowed(principal, 'request.approve.standing_order')) return { allowed: false, reason: 'Only a veterinarian approves refills (or a technician under a standing order).' };
  const who = principal.kind === 'clinic_key' ? 'An API key' : 'A technician';
  if (r.controlledSchedule) return { allowed: false, reason: `${who} cannot approve a controlled substance: a veterinarian with DEA approves.` };
  if (!r.standingOrder) return { allowed: false, reason: `${who} approves only refills covered by a standing order; this one needs a veterinarian.` };
  if (r.compounded || r.queue === 'vet_review') return { allowed: false, reason: `This refill waits for a veterinarian's review.` };
  if (r.queue === 'exception_exam' || r.queue === 'exception_prescription' || r.queue === 'front_desk') {
    return { allowed: false, reason: `${who} cannot approve an exception; a veterinarian decides.` };
  }
  return { allowed: true, reason: 'Standing order.' };
}
