import { hasActiveDea, isVeterinarian, prescribingStates, requiredDeaSchedule } from '../lib/lookups';
import type { RuleCheck } from '../types';

/**
 * `controlled.needs_vet`: controlled drugs are authorised only by a veterinarian with DEA
 * registration, so every controlled line — whatever its source — needs a current sign-off
 * (one whose content still matches the line) by a veterinarian whose active DEA registration
 * covers the drug's schedule in each prescribing state: the clinic's, and the owner's when the
 * line ships to an owner in another state (the states `prescriber.dea` checks).
 */
export const controlledNeedsVet: RuleCheck = (line, ctx) => {
  const medication = ctx.medications[line.medicationId];
  const needed = medication ? requiredDeaSchedule(medication) : null;
  if (!medication || needed === null) return [];
  const label = `${medication.name} is C-${medication.controlledSchedule}`;
  const hint = 'A veterinarian with DEA registration reviews the line and signs it off.';
  if (line.vetSignedOffBy === undefined) {
    if (line.staleSignoffBy !== undefined) {
      return [{ message: `${label}; the line changed after ${line.staleSignoffBy} signed it off, so it needs a new sign-off.`, hint }];
    }
    return [{ message: `${label}; a veterinarian has not signed it off.`, hint }];
  }
  const signer = ctx.prescribers[line.vetSignedOffBy];
  if (!signer || !isVeterinarian(signer)) {
    return [{ message: `${label}; the line was signed off by someone who is not a veterinarian of the clinic.`, hint }];
  }
  const uncovered = prescribingStates(line, ctx).filter((state) => !hasActiveDea(signer, state, needed, ctx.today));
  if (uncovered.length > 0) {
    return [{ message: `${label}; ${signer.name} signed it off but has no active DEA registration for schedule ${needed} in ${uncovered.join(' and ')}.`, hint }];
  }
  return [];
};
