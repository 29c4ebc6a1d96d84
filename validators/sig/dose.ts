/**
 * The SIG parser's dose stage: the amount given each time.
 */
import type { Text } from './text';
import type { Dose } from './types';
import { RANGE, round, UNIT_ALT, UNITS } from './vocabulary';

/** An amount written with a unit, and where. */
export type DoseCandidate = { index: number; end: number; rank: number; dose: Dose };

const RE = {
  withUnit: new RegExp(String.raw`(?<![\w.])${RANGE}\s*-?\s*(${UNIT_ALT})(?![\w/])`, 'g'),
  bareDose: new RegExp(String.raw`(?<![\w.\/])${RANGE}(?![\w.\/])(?!\s*(?:-\s*)?(?:hours?|hrs?|h|minutes?|mins?|seconds?|days?|weeks?|months?|years?|nights?|times?|mg\w*|mcg|%)\b)`, ''),
};

/**
 * Every amount written with a unit. If several are written, the one the product is dispensed
 * in wins (volume, then a countable form, then mass); all of them are blanked.
 */
export function readUnitDoses(t: Text): { dose?: Dose; candidates: DoseCandidate[] } {
  const candidates: DoseCandidate[] = [];
  for (const m of t.value.matchAll(RE.withUnit)) {
    const d = doseFrom(m[1], m[2], m[3]);
    if (!d) continue;
    // The volume of a concentration ("5 mg/5 ml syrup") is the dose only when no other amount of
    // its kind is written ("apply 2.5 mg/0.1 ml" gives 0.1 ml; "… syrup, 2.5 ml q8h" gives 2.5).
    const rank = t.value[m.index - 1] === '/' ? d.rank - 0.5 : d.rank;
    candidates.push({ index: m.index, end: m.index + m[0].length, rank, dose: d.dose });
  }
  const best = candidates.reduce<DoseCandidate | undefined>((b, c) => (!b || c.rank > b.rank || (c.rank === b.rank && c.index < b.index) ? c : b), undefined);
  if (!best) return { candidates };
  for (const c of candidates) t.blank(c.index, c.end);
  return { dose: best.dose, candidates };
}

/** A bare number is the dose when no unit is written: "take 1 daily", "1/2 po bid". */
export function readBareDose(t: Text): Dose | undefined {
  const m = RE.bareDose.exec(t.value);
  if (!m) return undefined;
  const d = doseFrom(m[1], m[2], undefined);
  return d && d.dose.amount < 10000 ? d.dose : undefined;
}

function doseFrom(a: string | undefined, b: string | undefined, unitWord: string | undefined): { dose: Dose; rank: number } | undefined {
  if (a === undefined) return undefined;
  const info = unitWord === undefined ? undefined : UNITS[unitWord];
  const factor = info?.factor ?? 1;
  const amount = round(Number(a) * factor);
  if (!Number.isFinite(amount)) return undefined;
  const dose: Dose = { amount };
  if (b !== undefined) {
    const max = round(Number(b) * factor);
    if (Number.isFinite(max) && max > amount) dose.amountMax = max;
  }
  if (info) dose.unit = info.unit;
  return { dose, rank: info?.rank ?? 0 };
}
