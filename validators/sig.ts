/**
 * SIG parser: reads free-text directions for use (human and veterinary) into the parts a
 * pharmacy needs — dose, route, frequency — plus duration, as-needed and site.
 *
 * Pure and deterministic; never throws. The stages live in validators/sig/: the text is
 * normalised into canonical tokens first (numbers in words, fractions, dotted abbreviations,
 * glued tokens), numbers that belong to something else are set aside, then the duration, the
 * dose, the frequency and the route are each read by small pattern families. Spans that have
 * been read as one part are blanked out so their numbers cannot be read as another.
 * Conventions and known limits are written up in docs/sig-parser.md.
 */
import { readBareDose, readUnitDoses } from './sig/dose';
import { normalise } from './sig/normalise';
import { chooseRoute, readRouteHits, resolveOd, siteOf } from './sig/route';
import { setAsideNotDoses } from './sig/set-aside';
import { Text } from './sig/text';
import { chooseFrequency, readDuration, readStatedFrequencies, takeClockTimes } from './sig/timing';
import type { Frequency, ParsedSig, SigContext, SigPart } from './sig/types';
import { round } from './sig/vocabulary';

export type { ParsedSig, SigContext, SigPart, SigRoute } from './sig/types';

const ALL_MISSING: SigPart[] = ['dose', 'route', 'frequency'];

/**
 * Parses directions for use. Never throws: unreadable input gives an incomplete result.
 * `context` tells what the caller knows about the product (its dosage form); without it the
 * text alone decides.
 */
export function parseSig(text: string, context?: SigContext): ParsedSig {
  try {
    return parse(typeof text === 'string' ? text : '', context);
  } catch {
    return { complete: false, missing: [...ALL_MISSING], asNeeded: false };
  }
}

/**
 * Days a dispensed quantity lasts: quantity × unitsPerPackage ÷ (dose × timesPerDay).
 * The dose is the top of a range (pharmacy practice computes days supply on the maximum
 * dose, so a refill comes due before the supply can run out). Undefined when the dose or
 * frequency is unknown (including PRN without a frequency), when the dose is per body
 * weight (mg/kg needs the patient's weight), or the inputs are not positive numbers.
 * Not rounded: floor it for a due date.
 */
export function daysSupply(parsed: ParsedSig, quantity: number, unitsPerPackage = 1): number | undefined {
  const dose = parsed.dose;
  // From the frequency, not the rounded timesPerDay, so a weekly chew gives 28 days, not 28.00003.
  const perDay = parsed.frequency ? exactTimesPerDay(parsed.frequency) : undefined;
  if (!dose || perDay === undefined || !(perDay > 0)) return undefined;
  if (dose.unit !== undefined && /\/(kg|lb)$/.test(dose.unit)) return undefined;
  const amount = dose.amountMax ?? dose.amount;
  if (!(amount > 0) || !Number.isFinite(quantity) || quantity < 0) return undefined;
  if (!Number.isFinite(unitsPerPackage) || !(unitsPerPackage > 0)) return undefined;
  return round((quantity * unitsPerPackage) / (amount * perDay));
}

/** Administrations per day for a frequency. */
export function timesPerDayOf(f: Frequency): number {
  return round(exactTimesPerDay(f));
}

function exactTimesPerDay(f: Frequency): number {
  const days = f.periodUnit === 'h' ? f.period / 24 : f.periodUnit === 'd' ? f.period : f.periodUnit === 'wk' ? f.period * 7 : f.period * 30;
  return f.count / days;
}

const AS_NEEDED = /\b(?:prn|as needed|as need|as required|as reqd?|if needed|when needed|as necessary|if necessary|when necessary|if required|when required|on demand|as directed prn)\b|\bse(?:g[uú]n|gn) (?:se|sea) (?:necesit|necesari)/;

function parse(raw: string, context: SigContext | undefined): ParsedSig {
  const t = new Text(` ${normalise(raw)} `);
  const asNeeded = AS_NEEDED.test(t.value);

  setAsideNotDoses(t);
  const clockTimes = takeClockTimes(t);
  let durationDays = readDuration(t);
  const units = readUnitDoses(t);
  let dose = units.dose;
  const stated = readStatedFrequencies(t, dose !== undefined);
  const routes = readRouteHits(t);
  resolveOd(t, routes, dose, stated);
  const { frequency, singleDose } = chooseFrequency(t, stated, clockTimes);
  if (singleDose && durationDays === undefined) durationDays = 1;
  dose ??= readBareDose(t);

  const { route, routeInferred } = chooseRoute(t, routes, dose, units.candidates, context);
  // Unwritten topical amounts: "apply topically bid" is one application each time.
  if (!dose && route === 'topical' && /\b(?:apply|rub|massage|spread|paint)\b/.test(t.value)) {
    dose = { amount: 1, unit: 'application' };
  }
  const site = siteOf(routes, route);

  const missing: SigPart[] = [];
  if (!dose) missing.push('dose');
  if (!route) missing.push('route');
  if (!frequency) missing.push('frequency');
  const result: ParsedSig = { complete: missing.length === 0, missing, asNeeded };
  if (dose) result.dose = dose;
  if (route) {
    result.route = route;
    result.routeInferred = routeInferred ?? false;
  }
  if (frequency) {
    result.frequency = frequency;
    result.timesPerDay = timesPerDayOf(frequency);
  }
  if (durationDays !== undefined) result.durationDays = durationDays;
  if (site !== undefined) result.site = site;
  return result;
}
