/**
 * Controlled-substance reference data and the name lookup seed data and catalog imports use
 * to set a medication's schedule.
 *
 * Source: validators/data/controlled_substances.csv — DEA Schedules II–V as listed in
 * 21 CFR 1308.12–1308.15 (eCFR snapshot, named in each row), anabolic steroids per
 * 21 CFR 1300.01, and state-only schedulings of gabapentin from secondary sources (some
 * unverified). The rows are generated into `controlled-substances.generated.ts` by
 * `generate-controlled-substances.ts`.
 *
 * Known gaps of the snapshot: Schedule V additions after 2016 (e.g. cenobamate, ganaxolone)
 * are absent; combination products ("codeine preparations <= 200 mg/100 mL") cannot be told
 * apart by name and are left to a person.
 */
import type { ControlledSchedule, UsState } from '../types';
import { FEDERAL_ROWS, NOT_FEDERALLY_CONTROLLED_ROWS, STATE_ROWS } from './controlled-substances.generated';

type RowBase = {
  /** The name as the regulation (or the source) lists it. */
  name: string;
  /** DEA Controlled Substance Code Number, when the row has one. */
  deaCode: string | null;
  category: string;
  vetRelevance: string | null;
  /** Where the row comes from. */
  source: string;
  /** Caveats from the source file; read before relying on the row. */
  notes: string | null;
};

/** A federally scheduled substance (21 CFR 1308.12–1308.15). */
export type FederalControlledSubstance = RowBase & {
  schedule: ControlledSchedule;
  /** A narcotic class: needs `II`/`III` rather than `IIN`/`IIIN` on a DEA registration. */
  narcotic: boolean;
  /** Lower-case words a medication name is matched against; empty = not matched by name. */
  terms: readonly string[];
};

/** A substance one state schedules although DEA does not (gabapentin, today). */
export type StateControlledSubstance = RowBase & {
  state: UsState;
  schedule: ControlledSchedule;
  /** False where the source file marks the row UNVERIFIED. */
  verified: boolean;
};

/** A row stating a substance is not federally controlled (with PDMP notes). */
export type NotFederallyControlled = RowBase & { status: string };

export const FEDERAL_CONTROLLED_SUBSTANCES = FEDERAL_ROWS;
export const STATE_CONTROLLED_SUBSTANCES = STATE_ROWS;
export const NOT_FEDERALLY_CONTROLLED = NOT_FEDERALLY_CONTROLLED_ROWS;

const SCHEDULE_RANK: Record<ControlledSchedule, number> = { II: 2, III: 3, IV: 4, V: 5 };

function normalize(name: string): string {
  // Every non-alphanumeric is a word break: "hydrocodone/homatropine", "tiletamine-zolazepam".
  // The padding lets a term match whole words with a plain substring search.
  return ` ${name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
}

const BY_TERM: ReadonlyArray<readonly [string, FederalControlledSubstance]> = FEDERAL_ROWS.flatMap((row) =>
  row.terms.map((term) => [normalize(term), row] as const),
);

/**
 * The federal rows a medication name mentions, most restrictive schedule first. Words are
 * matched whole, so "hydromorphone" does not match morphine and "methylphenobarbital" does not
 * match phenobarbital; salts and strengths in the name do not matter.
 */
export function findControlledSubstances(medicationName: string): FederalControlledSubstance[] {
  const haystack = normalize(medicationName);
  const found = new Map<string, FederalControlledSubstance>();
  for (const [term, row] of BY_TERM) {
    if (haystack.includes(term)) found.set(row.name, row);
  }
  return [...found.values()].sort(
    (a, b) => SCHEDULE_RANK[a.schedule] - SCHEDULE_RANK[b.schedule] || a.name.localeCompare(b.name),
  );
}

/**
 * The federal DEA schedule of a medication by its name, or null when the name mentions no
 * federally controlled substance. A combination takes its most restrictive schedule.
 * Gabapentin is null: it is scheduled only by some states (see `stateSchedulesFor`).
 */
export function scheduleForMedicationName(medicationName: string): ControlledSchedule | null {
  return findControlledSubstances(medicationName)[0]?.schedule ?? null;
}

/** Whether the named medication is a narcotic class for DEA purposes; null when not controlled. */
export function isNarcoticByName(medicationName: string): boolean | null {
  const rows = findControlledSubstances(medicationName);
  const first = rows[0];
  if (!first) return null;
  // A combination is narcotic if any scheduled ingredient of its schedule is.
  return rows.some((r) => r.schedule === first.schedule && r.narcotic);
}

/** State-only schedulings a medication name falls under in one state (e.g. gabapentin in KY). */
export function stateSchedulesFor(medicationName: string, state: UsState): StateControlledSubstance[] {
  const haystack = normalize(medicationName);
  return STATE_ROWS.filter((row) => row.state === state && haystack.includes(normalize(row.name)));
}
