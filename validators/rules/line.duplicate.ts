import { cartKey, describeLines } from '../lib/cart';
import type { RuleCheck } from '../types';

/** `line.duplicate`: the same patient and medication twice is usually a double click or a double quickfill. */
export const lineDuplicate: RuleCheck = (line, ctx, cart) => {
  const same = cart.linesByPatientMedication.get(cartKey(line.patientId, line.medicationId)) ?? [];
  const others = same.filter((i) => i !== cart.index);
  if (others.length === 0) return [];
  const patient = ctx.patients[line.patientId]?.name ?? 'This patient';
  const medication = ctx.medications[line.medicationId]?.name ?? 'this medication';
  return [
    {
      message: `${patient} also gets ${medication} on ${describeLines(others)} of this cart.`,
      hint: 'Remove one line, or acknowledge if both are intended (e.g. shipping to clinic and owner).',
    },
  ];
};
