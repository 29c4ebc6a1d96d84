/**
 * Dose arithmetic for the days-supply estimate: how much of one vial a single dose uses.
 * Only conversions that need no guess are made; anything else answers undefined and the
 * estimate is skipped rather than invented.
 */
import type { MedicationContext, OfferContext, PackageSize, PackageUnit, PatientContext } from '../types';

const COUNT_UNITS: ReadonlySet<string> = new Set(['tablet', 'capsule', 'chew']);

/** What one vial of the line's offer holds: the offer's package, else the medication's. */
export function vialContents(offer: OfferContext | undefined, medication: MedicationContext): PackageSize | undefined {
  return offer?.packageSize ?? medication.packageSize ?? undefined;
}

/**
 * Milligrams per package unit from a strength such as "10 mg/ml", "5 mg/0.1 ml",
 * "300 mcg/ml" (per ml) or "5 mg" (per tablet, capsule or chew). Undefined when the strength
 * does not state it for that unit.
 */
export function mgPerUnit(strength: string, unit: PackageUnit): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(mg|mcg|µg)\s*(?:\/\s*(\d+(?:\.\d+)?)?\s*([a-z]+))?/i.exec(strength);
  if (!m) return undefined;
  const mg = Number(m[1]) / (m[2]!.toLowerCase() === 'mg' ? 1 : 1000);
  const per = m[3] !== undefined ? Number(m[3]) : 1;
  const perUnit = m[4]?.toLowerCase().replace(/s$/, '');
  if (unit === 'ml') return perUnit === 'ml' && per > 0 ? mg / per : undefined;
  if (COUNT_UNITS.has(unit)) {
    if (perUnit === undefined || perUnit === unit || perUnit === 'each') return per > 0 ? mg / per : undefined;
  }
  return undefined;
}

/**
 * A dose amount in the vial's unit. A dose without a unit is taken to be in the vial's unit
 * ("1 BID" of capsules is one capsule; "0.5 PO BID" of a suspension is 0.5 ml). mg and mg/kg
 * doses convert through the strength (and the patient's weight for mg/kg).
 */
export function doseInVialUnit(
  amount: number,
  doseUnit: string | undefined,
  vial: PackageSize,
  medication: MedicationContext,
  patient: PatientContext | undefined,
): number | undefined {
  const unit = doseUnit ?? vial.unit;
  if (unit === vial.unit) return amount;
  let mg: number | undefined;
  if (unit === 'mg') mg = amount;
  else if (unit === 'mg/kg' && patient?.weightKg) mg = amount * patient.weightKg;
  if (mg === undefined) return undefined;
  const perUnit = mgPerUnit(medication.strength, vial.unit);
  return perUnit ? mg / perUnit : undefined;
}
