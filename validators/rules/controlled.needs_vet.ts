import { hasActiveDea, isVeterinarian, requiredDeaSchedule } from '../lib/lookups';
import type { LineSource, RuleCheck } from '../types';

/**
 * Sources where no veterinarian chose the drug for this fill: a technician repeated a past
 * line (quickfill, reorder-all-due, which is quickfill in bulk) or an owner asked.
 */
const WITHOUT_VET: ReadonlySet<LineSource> = new Set(['quickfill', 'reorder', 'request']);

/**
 * `controlled.needs_vet`: controlled drugs are approved only by a veterinarian with DEA
 * (DESIGN: who uses it), so such a line needs the sign-off of a veterinarian whose DEA
 * registration in the clinic's state covers the drug's schedule.
 */
export const controlledNeedsVet: RuleCheck = (line, ctx) => {
  if (!WITHOUT_VET.has(line.source)) return [];
  const medication = ctx.medications[line.medicationId];
  const needed = medication ? requiredDeaSchedule(medication) : null;
  if (!medication || needed === null) return [];
  const origin = line.source === 'request' ? "an owner's request" : `a ${line.source}`;
  const hint = 'A veterinarian with DEA registration reviews and signs off the line.';
  const signer = line.vetSignedOffBy !== undefined ? ctx.prescribers[line.vetSignedOffBy] : undefined;
  if (line.vetSignedOffBy === undefined) {
    return [{ message: `${medication.name} is C-${medication.controlledSchedule} and came from ${origin}; a veterinarian has not signed it off.`, hint }];
  }
  if (!signer || !isVeterinarian(signer)) {
    return [{ message: `${medication.name} is C-${medication.controlledSchedule}; the line was signed off by someone who is not a veterinarian of the clinic.`, hint }];
  }
  if (!hasActiveDea(signer, ctx.clinic.state, needed, ctx.today)) {
    return [{ message: `${medication.name} is C-${medication.controlledSchedule}; ${signer.name} signed it off but has no active DEA registration for schedule ${needed} in ${ctx.clinic.state}.`, hint }];
  }
  return [];
};
