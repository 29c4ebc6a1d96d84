import { describeLines } from '../lib/cart';
import { isActiveOn } from '../lib/dates';
import { refillsLeft } from '../lib/eligibility';
import type { RuleCheck, RuleFinding } from '../types';

/**
 * `prescription.valid`: a line filling a prescription needs one that is active, not expired
 * (valid through its expiry date), for this patient and medication, with a refill left for
 * every line of the cart that fills it.
 */
export const prescriptionValid: RuleCheck = (line, ctx, cart) => {
  if (line.prescriptionId === undefined) return [];
  const rx = ctx.prescriptions[line.prescriptionId];
  const newRx = 'Ask the veterinarian for a new prescription.';
  if (!rx) return [{ message: 'The prescription this line fills is not on file.', hint: newRx }];

  const findings: RuleFinding[] = [];
  if (rx.patientId !== line.patientId || rx.medicationId !== line.medicationId) {
    findings.push({
      message: 'The prescription on this line is for another patient or medication.',
      hint: 'Pick the patient’s prescription for this medication.',
    });
  }
  if (rx.status !== 'active') {
    findings.push({ message: `The prescription is ${rx.status}.`, hint: newRx });
  } else if (!isActiveOn(rx.expiresOn, ctx.today)) {
    findings.push({ message: `The prescription expired on ${rx.expiresOn}.`, hint: newRx });
  }
  const left = refillsLeft(rx);
  const filling = cart.linesByPrescription.get(rx.id) ?? [cart.index];
  if (left === 0) {
    findings.push({
      message: `No refills left: ${rx.refillsUsed} of ${rx.refillsAuthorized} used.`,
      hint: newRx,
    });
  } else if (filling.length > left) {
    const others = filling.filter((i) => i !== cart.index);
    findings.push({
      message: `${filling.length} lines fill this prescription (with ${describeLines(others)}), but only ${left} refill${left === 1 ? ' is' : 's are'} left.`,
      hint: 'Remove a line, or ask the veterinarian for a new prescription.',
    });
  }
  return findings;
};
