import { describeLines } from '../lib/cart';
import { isActiveOn } from '../lib/dates';
import { refillsLeft } from '../lib/eligibility';
import { prescribingStates, requiredDeaSchedule } from '../lib/lookups';
import { renewalFix } from '../prescriptions/renewal';
import type { RuleCheck, RuleFinding } from '../types';

/**
 * `prescription.valid`: a line filling a prescription needs one that is active, not expired
 * (valid through its expiry date), for this patient and medication, written by the line's
 * prescriber (a prescriber is never swapped on someone else's prescription), with a refill left
 * for every line of the cart that fills it. An expired prescription, or one out of refills,
 * offers "Ask for renewal" to the veterinarian who can renew it.
 */
export const prescriptionValid: RuleCheck = (line, ctx, cart) => {
  if (line.prescriptionId === undefined) return [];
  const rx = ctx.prescriptions[line.prescriptionId];
  const newRx = 'Ask the veterinarian for a new prescription.';
  if (!rx) return [{ message: 'The prescription this line fills is not on file.', hint: newRx }];

  const medication = ctx.medications[line.medicationId];
  const renewal = () => {
    const fix = renewalFix(line, ctx, { states: prescribingStates(line, ctx), dea: medication ? requiredDeaSchedule(medication) : null });
    return fix ? { hint: `Ask ${fix.name} to renew it.`, fix } : { hint: newRx };
  };
  const findings: RuleFinding[] = [];
  if (rx.patientId !== line.patientId || rx.medicationId !== line.medicationId) {
    findings.push({
      message: 'The prescription on this line is for another patient or medication.',
      hint: 'Pick the patient’s prescription for this medication.',
    });
  }
  if (rx.prescriberId !== undefined && rx.prescriberId !== line.prescriberId) {
    const writer = ctx.prescribers[rx.prescriberId]?.name ?? 'another prescriber';
    const named = ctx.prescribers[line.prescriberId]?.name ?? 'a prescriber who is not on file';
    const { fix } = renewal();
    findings.push({
      message: `The line names ${named}, but the prescription was written by ${writer}.`,
      hint: `An order names the veterinarian who wrote its prescription: set the line back to ${writer}, or ask for a renewal.`,
      ...(fix ? { fix } : {}),
    });
  }
  if (rx.status === 'discontinued') {
    findings.push({ message: 'The veterinarian discontinued this prescription.', hint: 'Remove the line; a new prescription is the veterinarian’s decision.' });
  } else if (rx.status === 'superseded') {
    findings.push({ message: 'This prescription was renewed; the line still points at the old one.', hint: 'Remove the line and add it again from the renewed prescription.' });
  } else if (rx.status === 'expired') {
    findings.push({ message: `The prescription expired on ${rx.expiresOn}.`, ...renewal() });
  } else if (rx.status !== 'active') {
    findings.push({ message: `The prescription is ${rx.status}.`, hint: newRx });
  } else if (!isActiveOn(rx.expiresOn, ctx.today)) {
    findings.push({ message: `The prescription expired on ${rx.expiresOn}.`, ...renewal() });
  }
  const left = refillsLeft(rx);
  const filling = cart.linesByPrescription.get(rx.id) ?? [cart.index];
  if (left === 0) {
    findings.push({
      message: `No refills left: ${rx.refillsUsed} of ${rx.refillsAuthorized} used.`,
      ...renewal(),
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
