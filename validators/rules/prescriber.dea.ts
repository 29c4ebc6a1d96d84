import { addMonths } from '../lib/dates';
import { hasActiveDea, prescribingStates, requiredDeaSchedule } from '../lib/lookups';
import { renewalFix } from '../prescriptions/renewal';
import type { RuleCheck, RuleFinding } from '../types';

/**
 * `prescriber.dea`: a controlled drug needs a prescriber with an active DEA registration in
 * each prescribing state that lists the drug's schedule; and the prescription it fills must
 * respect 21 CFR 1306: no refills on C-II (1306.12), and on C-III–V at most 5 refills and
 * nothing filled more than six months after it was written (1306.22). Like the licence rule,
 * its fix asks a veterinarian who holds the registration to renew the prescription.
 */
export const prescriberDea: RuleCheck = (line, ctx) => {
  const medication = ctx.medications[line.medicationId];
  if (!medication) {
    // Without the medication the rule cannot tell whether it is controlled; saying nothing
    // would let a controlled line through.
    return [{ message: 'The medication of this line is not in the catalog, so its DEA schedule is unknown.', hint: 'Pick the medication again from the catalog.' }];
  }
  const needed = requiredDeaSchedule(medication);
  if (needed === null || medication.controlledSchedule === null) return [];
  const schedule = medication.controlledSchedule;
  const findings: RuleFinding[] = [];

  const prescriber = ctx.prescribers[line.prescriberId];
  const states = prescribingStates(line, ctx);
  const uncovered = prescriber ? states.filter((s) => !hasActiveDea(prescriber, s, needed, ctx.today)) : states;
  if (uncovered.length > 0) {
    const fix = renewalFix(line, ctx, { states, dea: needed });
    const who = prescriber?.name ?? 'The prescriber';
    const where = states.join(' and ');
    findings.push({
      message: `${medication.name} is C-${schedule}; ${who} has no active DEA registration covering schedule ${needed} in ${uncovered.join(' and ')}.`,
      hint:
        line.prescriptionId === undefined
          ? `A veterinarian with a DEA registration covering schedule ${needed} in ${where} writes the prescription for this line.`
          : fix
            ? `Ask ${fix.name}, who holds one, to renew the prescription.`
            : 'No veterinarian of the clinic holds one; a registration must be renewed or extended first.',
      ...(fix ? { fix } : {}),
    });
  }

  const prescription = line.prescriptionId !== undefined ? ctx.prescriptions[line.prescriptionId] : undefined;
  if (prescription) {
    if (schedule === 'II' && prescription.refillsAuthorized > 0) {
      findings.push({
        message: `${medication.name} is C-II and cannot be refilled, but its prescription authorises ${prescription.refillsAuthorized} refill(s).`,
        hint: 'The veterinarian writes a new prescription for each C-II fill.',
      });
    }
    if (schedule !== 'II' && prescription.refillsAuthorized > 5) {
      findings.push({
        message: `${medication.name} is C-${schedule}; a prescription may authorise at most 5 refills, this one authorises ${prescription.refillsAuthorized}.`,
        hint: 'The veterinarian writes a new prescription.',
      });
    }
    // 1306.22: "more than six months after the date on which such prescription was issued",
    // so the day six months on is still allowed.
    if (schedule !== 'II' && ctx.today > addMonths(prescription.writtenOn, 6)) {
      findings.push({
        message: `${medication.name} is C-${schedule} and its prescription was written on ${prescription.writtenOn}, more than six months ago.`,
        hint: 'The veterinarian writes a new prescription.',
      });
    }
  }
  return findings;
};
