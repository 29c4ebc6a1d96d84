import { REFERENCE_SPECIES, doseReferenceFor, hasAnyRange, isNoReference, type DoseRange, type MedicationDoseReference, type ReferenceSpecies } from '../data/dose-ranges';
import { addMonths } from '../lib/dates';
import { doseOf, parseStrength, type ComputedDose } from '../lib/dose-per-kg';
import { lineRoute } from '../lib/route';
import type { MedicationContext, PatientContext, RuleCheck, RuleFinding, ValidationContext } from '../types';

/** A weight older than this many months is too old to dose by, unless the clinic says otherwise. */
export const DEFAULT_WEIGHT_WINDOW_MONTHS = 6;

/** At this multiple of the top of the range (or above) the dose is an error, not a warning. */
export const ERROR_MULTIPLE = 3;

/**
 * A dose is above a range or a stated daily maximum when it is more than this fraction above
 * it: whole tablets and syringe marks round every real dose (75 mg once daily is 4.41 mg/kg for
 * a 17 kg dog on a 4.4 mg/kg label), and a finding on every such line would teach people to
 * acknowledge without reading.
 */
export const ROUNDING = 0.1;

/** A number as a technician reads it: three significant digits, no trailing zeros. */
export function formatAmount(n: number): string {
  return String(Number(n.toPrecision(3)));
}

const rangeText = (r: readonly [number, number], unit: string) =>
  r[0] === r[1] ? `${formatAmount(r[0])} ${unit}` : `${formatAmount(r[0])}–${formatAmount(r[1])} ${unit}`;

function basisUnit(range: DoseRange, per: 'dose' | 'day'): string {
  return range.basis === 'mg/kg' ? (per === 'dose' ? 'mg/kg per dose' : 'mg/kg a day') : per === 'dose' ? 'mg per animal per dose' : 'mg per animal a day';
}

/** The computed dose in words: "25 mg per dose (6.25 mg/kg; 12.5 mg/kg a day)". */
export function describeDose(dose: ComputedDose): string {
  const parts: string[] = [];
  const perKg = dose.mgPerKgPerDose;
  if (perKg) parts.push(perKg.low === perKg.high ? `${formatAmount(perKg.high)} mg/kg` : `${formatAmount(perKg.low)}–${formatAmount(perKg.high)} mg/kg`);
  if (dose.mgPerKgPerDay !== undefined) parts.push(`${formatAmount(dose.mgPerKgPerDay)} mg/kg a day`);
  const mg = dose.mgPerDose;
  const head = mg ? (mg.low === mg.high ? `${formatAmount(mg.high)} mg per dose` : `${formatAmount(mg.low)}–${formatAmount(mg.high)} mg per dose`) : 'the dose';
  return parts.length > 0 ? `${head} (${parts.join('; ')})` : head;
}

type Verdict = { severity: 'error' | 'warning'; what: string };

/** Where one value falls against a range: undefined inside it (or between half the bottom and the bottom). */
function judge(low: number, high: number, range: readonly [number, number], unit: string, per: string): Verdict | undefined {
  const [min, max] = range;
  if (high >= ERROR_MULTIPLE * max) return { severity: 'error', what: `${formatAmount(high / max)}× the top of the range ${rangeText(range, unit)} ${per}` };
  if (high > max * (1 + ROUNDING)) return { severity: 'warning', what: `above the range ${rangeText(range, unit)} ${per}` };
  if (low < min / 2) return { severity: 'warning', what: `less than half the bottom of the range ${rangeText(range, unit)} ${per}` };
  return undefined;
}

/** The worst verdict of a dose against a reference row, or undefined when the dose is within it. */
export function verdictOf(dose: ComputedDose, range: DoseRange): Verdict | undefined {
  const perDose = range.basis === 'mg/kg' ? dose.mgPerKgPerDose : dose.mgPerDose;
  const perDay = range.basis === 'mg/kg' ? dose.mgPerKgPerDay : dose.mgPerDay;
  const unit = range.basis === 'mg/kg' ? 'mg/kg' : 'mg';
  const verdicts: Verdict[] = [];
  if (range.maxPerDay !== undefined && perDay !== undefined && perDay > range.maxPerDay * (1 + ROUNDING)) {
    verdicts.push({ severity: 'error', what: `over the stated maximum of ${formatAmount(range.maxPerDay)} ${basisUnit(range, 'day')}` });
  }
  if (range.perDose && perDose) {
    const v = judge(perDose.low, perDose.high, range.perDose, unit, range.basis === 'mg/kg' ? 'per dose' : 'per animal per dose');
    if (v) verdicts.push(v);
  }
  if (range.perDay && perDay !== undefined && dose.timesPerDay !== undefined) {
    // The daily total from the lowest reading, for the "too little" side.
    const lowPerDay = perDose ? perDose.low * dose.timesPerDay : perDay;
    const v = judge(lowPerDay, perDay, range.perDay, unit, range.basis === 'mg/kg' ? 'a day' : 'per animal a day');
    if (v) verdicts.push(v);
  }
  return verdicts.find((v) => v.severity === 'error') ?? verdicts[0];
}

/** Strengths parsed once per text and form: a cart repeats a few dozen products over many lines. */
const STRENGTHS = new Map<string, ReturnType<typeof parseStrength>>();
function strengthOf(medication: MedicationContext) {
  const key = `${medication.strength}\u0000${medication.form}`;
  if (!STRENGTHS.has(key)) {
    if (STRENGTHS.size > 10_000) STRENGTHS.clear();
    STRENGTHS.set(key, parseStrength(medication.strength, medication.form));
  }
  return STRENGTHS.get(key);
}

/** The oldest measuring day still within the window, once per today and window. */
let cutoff = { today: '', months: -1, day: '' };
function oldestAllowed(today: string, months: number): string {
  if (cutoff.today !== today || cutoff.months !== months) cutoff = { today, months, day: addMonths(today, -months) };
  return cutoff.day;
}

function weightFinding(patient: PatientContext, ctx: ValidationContext): RuleFinding | undefined {
  const fix = { kind: 'record_weight', patientId: patient.id } as const;
  if (patient.weightKg === null || patient.weightKg === undefined) {
    return {
      severity: 'warning',
      message: `${patient.name} has no weight on file, so the dose per kilogram cannot be checked.`,
      hint: 'Weigh the patient and record the weight.',
      fix,
    };
  }
  const months = ctx.clinic.weightWindowMonths ?? DEFAULT_WEIGHT_WINDOW_MONTHS;
  const measuredOn = patient.weightMeasuredOn;
  if (measuredOn === null || measuredOn === undefined || measuredOn < oldestAllowed(ctx.today, months)) {
    return {
      severity: 'warning',
      message: measuredOn
        ? `${patient.name}'s weight (${formatAmount(patient.weightKg)} kg) was measured on ${measuredOn}, more than ${months} months ago; the dose is checked against it.`
        : `${patient.name}'s weight (${formatAmount(patient.weightKg)} kg) has no date; the dose is checked against it.`,
      hint: 'Weigh the patient and record the new weight.',
      fix,
    };
  }
  return undefined;
}

function noReference(medication: MedicationContext, species: string, why: string): RuleFinding {
  return { severity: 'info', message: `No dose reference for ${medication.name} in ${species}s: the dose is not checked. ${why}` };
}

/**
 * `dose.range` against a given reference table (the registered rule uses DOSE_REFERENCE).
 *
 * Works out the milligrams one administration gives (SIG dose × strength), per kilogram of
 * the patient's latest weight and per day (the SIG's frequency), and compares them with the
 * reference range of the medication for the species: an error at 3× the top of the range or
 * over a stated daily maximum, a warning above the range or below half its bottom, a warning
 * when the weight is missing or older than the clinic's window, info when the medication has
 * ranges for other species but none for this one. A medication not in the table, with no range
 * for any species, an eye medication or a weight-banded combination is not checked.
 */
export function doseRangeAgainst(lookUp: (name: string) => MedicationDoseReference | undefined): RuleCheck {
  const found = new Map<string, MedicationDoseReference | undefined>();
  const reference = (name: string) => {
    if (!found.has(name)) found.set(name, lookUp(name));
    return found.get(name);
  };
  return (line, ctx) => {
    const patient = ctx.patients[line.patientId];
    const medication = ctx.medications[line.medicationId];
    if (!patient || !medication) return [];
    const entry = reference(medication.name);
    // Not in the table, not dosed by weight, or no range for any species: nothing to check against.
    if (!entry || entry.notWeightBased || !hasAnyRange(entry)) return [];
    const range = (REFERENCE_SPECIES as readonly string[]).includes(patient.species) ? entry.species[patient.species as ReferenceSpecies] : undefined;
    if (!range) return [noReference(medication, patient.species, 'The reference covers dogs, cats, horses, rabbits and ferrets.')];
    if (isNoReference(range)) return [noReference(medication, patient.species, range.noReference)];
    const route = lineRoute(line, medication);
    if (range.routes && route !== undefined && !range.routes.includes(route)) {
      return [{ severity: 'info', message: `The dose reference for ${medication.name} in ${patient.species}s covers ${range.routes.join(', ')} use only: this ${route} dose is not checked.` }];
    }

    const findings: RuleFinding[] = [];
    const weighed = weightFinding(patient, ctx);
    // A dose per animal needs no weight; a dose per kilogram does.
    if (weighed && range.basis === 'mg/kg') findings.push(weighed);
    const dose = doseOf(line.parsedSig, strengthOf(medication), patient.weightKg);
    if (!dose) return findings;
    const verdict = verdictOf(dose, range);
    if (verdict) {
      findings.unshift({
        severity: verdict.severity,
        message: `${medication.name} ${describeDose(dose)} for ${patient.name} (${patient.weightKg ? `${formatAmount(patient.weightKg)} kg ` : ''}${patient.species}) is ${verdict.what} (${range.source.short}).`,
        hint: `${range.note ? `The source gives ${range.note}. ` : ''}Check the SIG and the concentration with the veterinarian. Source: ${range.source.citation}.`,
        fix: { kind: 'edit_sig', missing: ['dose'] },
      });
    }
    return findings;
  };
}

/** `dose.range` (docs/validation.md): the dose per kilogram against the reference of validators/data/dose-ranges.ts. */
export const doseRange: RuleCheck = doseRangeAgainst(doseReferenceFor);
