/**
 * Dose per kilogram: what one administration of a line delivers in milligrams of active
 * ingredient, and what that is per kilogram of the patient and per day (docs/validation.md,
 * "dose.range"). Only conversions that need no guess are made: a strength the catalog does
 * not state per the SIG's unit, a combination product, or a unit that is not an amount of
 * product (a drop, an application) answer `undefined`, and the check is skipped, not invented.
 */
import type { ParsedSig } from '../sig';

/** What a catalog strength string states, normalised to milligrams per one unit of product. */
export type Strength =
  /** Per millilitre (liquids, gels dosed by volume), e.g. "5 mg/0.1 mL" → 50. */
  | { mgPer: 'ml'; mg: number }
  /** Per gram (creams, ointments), e.g. "10 mg/g". */
  | { mgPer: 'g'; mg: number }
  /** Per piece: a tablet, capsule, chew or caplet, e.g. "30 mg". */
  | { mgPer: 'each'; mg: number };

const MASS_TO_MG: Readonly<Record<string, number>> = { mg: 1, mcg: 0.001, µg: 0.001, ug: 0.001, g: 1000 };

/**
 * Reads a catalog strength: "10 mg/mL", "5 mg/0.1 mL", "1000 mcg/mL", "0.625 mg",
 * "2.5 mg/tablet", "1%" (w/v: 10 mg per mL, or per g for semi-solids). Combination strengths
 * ("272 mcg/227 mg", "30 mg/5 mg") and anything else answer undefined: no single ingredient
 * can be dosed from them.
 */
export function parseStrength(strength: string, form = ''): Strength | undefined {
  const text = strength.trim().toLowerCase();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) {
    const mg = Number(percent[1]) * 10;
    return /ointment|cream|gel|paste|powder/.test(form.toLowerCase()) ? { mgPer: 'g', mg } : { mgPer: 'ml', mg };
  }
  const m = /^(\d+(?:\.\d+)?)\s*(mg|mcg|µg|ug|g)\s*(?:\/\s*(\d+(?:\.\d+)?)?\s*([a-zµ]+))?$/.exec(text);
  if (!m) return undefined;
  const mg = Number(m[1]) * MASS_TO_MG[m[2]!]!;
  if (!(mg > 0)) return undefined;
  const per = m[3] !== undefined ? Number(m[3]) : 1;
  if (!(per > 0)) return undefined;
  const unit = m[4]?.replace(/s$/, '');
  if (unit === undefined || ['tablet', 'tab', 'capsule', 'cap', 'chew', 'caplet', 'each'].includes(unit)) return { mgPer: 'each', mg: mg / per };
  if (unit === 'ml') return { mgPer: 'ml', mg: mg / per };
  if (unit === 'g') return { mgPer: 'g', mg: mg / per };
  // "272 mcg/227 mg": a second mass is a second ingredient, not a unit of product.
  return undefined;
}

/** A pen click of compounded transdermal gel: the catalog's pens all deliver 0.1 mL a click. */
export const ML_PER_CLICK = 0.1;

const PIECE_UNITS: ReadonlySet<string> = new Set(['tablet', 'capsule', 'chew', 'caplet', 'treat']);

/**
 * Milligrams of active ingredient in `amount` of the SIG's `unit`, given the strength. A dose
 * without a unit is in the product's own unit (pieces for a per-piece strength, millilitres for
 * a liquid), as the days-supply estimate reads it. `mg/kg` is not handled here (see `doseOf`).
 */
export function milligramsOf(amount: number, unit: string | undefined, strength: Strength | undefined): number | undefined {
  if (unit === 'mg') return amount;
  if (unit === 'mcg' || unit === 'µg') return amount / 1000;
  if (!strength) return undefined;
  const u = unit ?? (strength.mgPer === 'each' ? 'tablet' : strength.mgPer);
  if (u === 'ml') return strength.mgPer === 'ml' ? amount * strength.mg : undefined;
  if (u === 'click') return strength.mgPer === 'ml' ? amount * ML_PER_CLICK * strength.mg : undefined;
  if (u === 'g') return strength.mgPer === 'g' ? amount * strength.mg : undefined;
  if (PIECE_UNITS.has(u)) return strength.mgPer === 'each' ? amount * strength.mg : undefined;
  return undefined;
}

/** One administration and one day of a line, in milligrams and per kilogram. */
export type ComputedDose = {
  /**
   * Milligrams per administration: the lowest and highest reading ("1-2 tablets" → two
   * values). Absent for an mg/kg SIG without a weight.
   */
  mgPerDose?: { low: number; high: number };
  /** mg/kg per administration; absent without a weight. */
  mgPerKgPerDose?: { low: number; high: number };
  /** Administrations per day from the SIG's frequency; absent when it states none. */
  timesPerDay?: number;
  /** Milligrams per day (the highest reading); absent without a frequency. */
  mgPerDay?: number;
  /** mg/kg per day (the highest reading); absent without a frequency or a weight. */
  mgPerKgPerDay?: number;
};

/**
 * The dose a parsed SIG gives of a product of this strength to a patient of `weightKg`
 * (null when unknown). An `mg/kg` SIG needs the weight to give milligrams, but states the
 * mg/kg itself. Undefined when the dose cannot be worked out without a guess.
 */
export function doseOf(parsed: ParsedSig, strength: Strength | undefined, weightKg: number | null | undefined): ComputedDose | undefined {
  const dose = parsed.dose;
  if (!dose || !(dose.amount > 0)) return undefined;
  const amounts = [dose.amount, dose.amountMax ?? dose.amount] as const;
  const kg = weightKg !== null && weightKg !== undefined && weightKg > 0 ? weightKg : undefined;
  let low: number, high: number;
  let perKg: { low: number; high: number } | undefined;
  if (dose.unit === 'mg/kg') {
    perKg = { low: amounts[0], high: amounts[1] };
    if (kg === undefined) {
      // The mg/kg is written; milligrams need the weight.
      const timesPerDay = parsed.timesPerDay;
      return {
        mgPerKgPerDose: perKg,
        ...(timesPerDay !== undefined ? { timesPerDay, mgPerKgPerDay: perKg.high * timesPerDay } : {}),
      };
    }
    low = amounts[0] * kg;
    high = amounts[1] * kg;
  } else {
    const a = milligramsOf(amounts[0], dose.unit, strength);
    const b = milligramsOf(amounts[1], dose.unit, strength);
    if (a === undefined || b === undefined) return undefined;
    low = a;
    high = b;
    if (kg !== undefined) perKg = { low: low / kg, high: high / kg };
  }
  const out: ComputedDose = { mgPerDose: { low, high } };
  if (perKg) out.mgPerKgPerDose = perKg;
  if (parsed.timesPerDay !== undefined) {
    out.timesPerDay = parsed.timesPerDay;
    out.mgPerDay = high * parsed.timesPerDay;
    if (perKg) out.mgPerKgPerDay = perKg.high * parsed.timesPerDay;
  }
  return out;
}
