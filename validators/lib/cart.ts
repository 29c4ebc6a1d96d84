import type { CartView, ValidationLine } from '../types';

/** Key of a patient × medication pair in `CartView.linesByPatientMedication`. */
export function cartKey(patientId: string, medicationId: string): string {
  // A NUL cannot appear in an id, so two different pairs never share a key.
  return `${patientId}\u0000${medicationId}`;
}

function push(map: Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (list) list.push(index);
  else map.set(key, [index]);
}

/** The cart-wide totals, computed once per cart; `index` is then set per line. */
export function summarizeCart(lines: readonly ValidationLine[]): Omit<CartView, 'index'> {
  const vialsByOffer = new Map<string, number>();
  const linesByOffer = new Map<string, number[]>();
  const linesByPatientMedication = new Map<string, number[]>();
  const linesByPrescription = new Map<string, number[]>();
  lines.forEach((line, index) => {
    vialsByOffer.set(line.offerId, (vialsByOffer.get(line.offerId) ?? 0) + line.quantity);
    push(linesByOffer, line.offerId, index);
    push(linesByPatientMedication, cartKey(line.patientId, line.medicationId), index);
    if (line.prescriptionId !== undefined) push(linesByPrescription, line.prescriptionId, index);
  });
  return { lines, vialsByOffer, linesByOffer, linesByPatientMedication, linesByPrescription };
}

/** "line 3" / "lines 2 and 5" for positions (0-based in, 1-based out, as the cart shows them). */
export function describeLines(indexes: readonly number[]): string {
  const numbers = indexes.map((i) => String(i + 1));
  if (numbers.length === 1) return `line ${numbers[0]}`;
  return `lines ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}
