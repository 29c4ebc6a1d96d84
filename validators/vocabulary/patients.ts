import { MAX_WEIGHT_KG, SPECIES_WEIGHT_KG } from '../data/species-weights';

/**
 * The species vialcart supports: the patients table's check constraint, the patient form's
 * choices and the API's `species` values. Anything else is refused naming the field.
 */
export const SPECIES = ['dog', 'cat', 'rabbit', 'ferret', 'horse', 'bird', 'other'] as const;
export type Species = (typeof SPECIES)[number];

/** Whether `value` is a supported species code. */
export function isSpecies(value: unknown): value is Species {
  return typeof value === 'string' && (SPECIES as readonly string[]).includes(value);
}

/** Sex and neuter status as the patient record keeps it. */
export const PATIENT_SEXES = ['female_spayed', 'female', 'male_neutered', 'male', 'unknown'] as const;
export type PatientSex = (typeof PATIENT_SEXES)[number];

/** The units a weight may be typed in; it is stored in kilograms. */
export const WEIGHT_UNITS = ['kg', 'lb'] as const;
export type WeightUnit = (typeof WEIGHT_UNITS)[number];

/** Kilograms in one pound (exact, by definition). */
export const KG_PER_LB = 0.45359237;

/** A typed weight in kilograms, rounded to the gram (the column keeps three decimals). */
export function toKg(value: number, unit: WeightUnit): number {
  return Math.round((unit === 'lb' ? value * KG_PER_LB : value) * 1000) / 1000;
}

/** The plausible weight range of a species in kg (validators/data/species-weights.ts), or null for `other`. */
export function weightRange(species: string): { min: number; max: number } | null {
  return SPECIES_WEIGHT_KG[species] ?? null;
}

/**
 * Whether `kg` is a plausible weight for `species`: `ok`, or why not. Outside the range a
 * person may still record it with an override and a reason; above the column's limit never.
 */
export function weightPlausibility(species: string, kg: number): { ok: true } | { ok: false; impossible: boolean; message: string } {
  if (!Number.isFinite(kg) || kg <= 0) return { ok: false, impossible: true, message: 'A weight is more than 0.' };
  if (kg >= MAX_WEIGHT_KG) return { ok: false, impossible: true, message: `A weight is under ${MAX_WEIGHT_KG.toLocaleString('en-US')} kg.` };
  const range = weightRange(species);
  if (!range || (kg >= range.min && kg <= range.max)) return { ok: true };
  return {
    ok: false,
    impossible: false,
    message: `${kg} kg is outside the plausible range for a ${species} (${range.min}–${range.max.toLocaleString('en-US')} kg). Check the unit, or tick “Weight is correct” and give a reason.`,
  };
}

/** What an exam was; only `wellness` exams count for refill eligibility (the latest is the patient's `lastWellnessExamOn`). */
export const EXAM_KINDS = ['wellness', 'other'] as const;
export type ExamKind = (typeof EXAM_KINDS)[number];
