/**
 * Scores parseSig against the public labelled SIG sets (test/data/sig/*.jsonl). Each set
 * follows its own parser's conventions, so each has an adapter that turns its labels into the
 * few facts we can compare — dose amount, times per day, daily maximum, duration, as-needed,
 * route — and only the facts a row actually labels are counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSig, type ParsedSig, type SigContext } from './sig';

/** Where the public SIG sets are kept in the repository (sources and licences in its README). */
export const SIG_SETS_DIR = fileURLToPath(new URL('../test/data/sig', import.meta.url));

/** The comparable facts a label gives; absent = not labelled by that row. */
export type SigLabel = {
  /** Amount per administration (low end of a range). */
  dose?: number;
  /** Administrations per day. */
  timesPerDay?: number;
  /** Maximum amount per day (dose top × times per day); null = the set says none can be computed. */
  dailyMax?: number | null;
  durationDays?: number;
  asNeeded?: boolean;
  route?: NonNullable<ParsedSig['route']>;
};

export type SigField = keyof SigLabel;

/** Accuracy of one field over one set: how many labelled rows matched. */
export type FieldScore = { field: SigField; correct: number; total: number; accuracy: number };

/** One row that did not match, kept for the write-up and for working on the parser. */
export type SigMiss = { sig: string; field: SigField; expected: unknown; actual: unknown };

export type SetScore = { set: string; rows: number; scoredRows: number; fields: FieldScore[]; misses: SigMiss[] };

type Row = { sig: string; expected?: Record<string, unknown>; context?: Record<string, unknown> | null };

const FIELDS: SigField[] = ['dose', 'timesPerDay', 'dailyMax', 'durationDays', 'asNeeded', 'route'];

/** Loads every labelled set (sig_cases_*.jsonl) in dir and scores parseSig on it. */
export function scoreSigSets(dir: string = SIG_SETS_DIR): SetScore[] {
  const files = readdirSync(dir)
    .filter((f) => /^sig_cases_.*\.jsonl$/.test(f))
    .sort();
  return files.map((file) => {
    const set = file.replace(/^sig_cases_/, '').replace(/\.jsonl$/, '');
    const rows = readJsonl(join(dir, file));
    const adapter = ADAPTERS[set] ?? genericLabels;
    return scoreRows(set, rows, adapter);
  });
}

/** Scores rows with an adapter; exported for tests. */
export function scoreRows(set: string, rows: Row[], adapter: (row: Row) => SigLabel | undefined): SetScore {
  const tally = new Map<SigField, { correct: number; total: number }>();
  const misses: SigMiss[] = [];
  let scoredRows = 0;
  for (const row of rows) {
    const label = adapter(row);
    if (!label) continue;
    const parsed = parseSig(row.sig, contextOf(row));
    const actual = factsOf(parsed);
    let any = false;
    for (const field of FIELDS) {
      if (!(field in label)) continue;
      any = true;
      const expected = label[field];
      const got = actual[field];
      const ok = same(expected, got);
      const t = tally.get(field) ?? { correct: 0, total: 0 };
      t.total++;
      if (ok) t.correct++;
      else misses.push({ sig: row.sig, field, expected, actual: got });
      tally.set(field, t);
    }
    if (any) scoredRows++;
  }
  const fields = FIELDS.filter((f) => tally.has(f)).map((field) => {
    const t = tally.get(field) ?? { correct: 0, total: 0 };
    return { field, correct: t.correct, total: t.total, accuracy: t.total === 0 ? 0 : t.correct / t.total };
  });
  return { set, rows: rows.length, scoredRows, fields, misses };
}

/**
 * The product form a row was labelled with, passed on as a cart line passes its product's:
 * "form", or ezmedicationinput's "dosageForm".
 */
function contextOf(row: Row): SigContext | undefined {
  const form = row.context?.form ?? row.context?.dosageForm;
  return typeof form === 'string' ? { form } : undefined;
}

/** What parseSig says, in label terms. */
export function factsOf(p: ParsedSig): Required<{ [K in SigField]: SigLabel[K] | undefined }> {
  const top = p.dose ? (p.dose.amountMax ?? p.dose.amount) : undefined;
  return {
    dose: p.dose?.amount,
    timesPerDay: p.timesPerDay,
    dailyMax: top !== undefined && p.timesPerDay !== undefined ? top * p.timesPerDay : null,
    durationDays: p.durationDays,
    asNeeded: p.asNeeded,
    route: p.route,
  };
}

function same(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') return Math.abs(expected - actual) <= 0.01 * Math.max(1, Math.abs(expected));
  if (expected === null) return actual === null || actual === undefined;
  return expected === actual;
}

function readJsonl(path: string): Row[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
}

// ───────────────────────────── adapters ─────────────────────────────

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

const DAYS_PER: Record<string, number> = { hour: 1 / 24, h: 1 / 24, min: 1 / 1440, day: 1, d: 1, week: 7, wk: 7, month: 30, mo: 30, year: 365, a: 365 };
const daysPer = (unit: unknown): number | undefined => (typeof unit === 'string' ? DAYS_PER[unit.toLowerCase()] : undefined);

/** The parts most sets label, under common names, turned into comparable facts. */
function labelFrom(p: {
  asNeeded: boolean;
  dose: unknown;
  times: unknown;
  period: unknown;
  periodUnit: unknown;
  duration: unknown;
  durationUnit: unknown;
}): SigLabel {
  const label: SigLabel = { asNeeded: p.asNeeded };
  const dose = num(p.dose);
  if (dose !== undefined) label.dose = dose;
  const per = daysPer(p.periodUnit);
  const period = num(p.period);
  if (per !== undefined && period !== undefined) label.timesPerDay = (num(p.times) ?? 1) / (period * per);
  const durationPer = daysPer(p.durationUnit);
  const duration = num(p.duration);
  if (durationPer !== undefined && duration !== undefined) label.durationDays = duration * durationPer;
  return label;
}

/** royashcenazi/parsigs: `times` per `interval` `frequencyType`; periodAmount/periodType = duration. */
function parsigsLabels(row: Row): SigLabel | undefined {
  const e = row.expected;
  if (!e || 'multiple' in e) return undefined; // multi-instruction SIGs: our shape holds one
  return labelFrom({
    asNeeded: e.takeAsNeeded === true,
    dose: e.singleDosageAmount,
    times: e.times,
    period: e.interval,
    periodUnit: e.frequencyType,
    duration: e.periodAmount,
    durationUnit: e.periodType,
  });
}

/** Public-Health-Scotland/dose_instruction_parser: dosageMin/Max, frequencyMin/Max per frequencyType. */
function phsLabels(row: Row): SigLabel | undefined {
  const e = row.expected;
  if (!e || 'multiple' in e || 'number_of_instructions' in e) return undefined;
  return labelFrom({
    asNeeded: e.asRequired === true,
    dose: e.dosageMin,
    times: e.frequencyMax ?? e.frequencyMin,
    period: e.frequencyType === null || e.frequencyType === undefined ? undefined : 1,
    periodUnit: e.frequencyType,
    duration: e.durationMax ?? e.durationMin,
    durationUnit: e.durationType,
  });
}

/** mohitvargia/Advanced-Sig-Parser: dose and max_dose_per_day for parsable SIGs. */
function advancedLabels(row: Row): SigLabel | undefined {
  const e = row.expected;
  if (!e || e.is_parsable !== true) return undefined; // "unparsable" has no counterpart in our shape
  const label: SigLabel = {};
  const dose = num(e.dose);
  if (dose !== undefined) label.dose = dose;
  const max = num(e.max_dose_per_day);
  if (max !== undefined) label.dailyMax = max;
  else if ('max_dose_per_day' in e || /no computable daily max/.test(String((row as { notes?: string }).notes ?? ''))) label.dailyMax = null;
  return label;
}

/** coderxio/parserx (silver): dose, frequency per period period_unit, duration, as_needed, route. */
function parserxLabels(row: Row): SigLabel | undefined {
  const e = row.expected;
  if (!e) return undefined;
  const label = labelFrom({
    asNeeded: e.as_needed === 1 || e.as_needed === true,
    dose: e.dose,
    times: e.frequency,
    period: e.period,
    periodUnit: e.period_unit,
    duration: e.duration,
    durationUnit: e.duration_unit,
  });
  const route = PARSERX_ROUTES[String(e.route)];
  if (route) label.route = route;
  return label;
}
const PARSERX_ROUTES: Record<string, NonNullable<ParsedSig['route']>> = {
  'by mouth': 'oral',
  'into the lungs': 'inhalation',
  topically: 'topical',
  'in the eye': 'ophthalmic',
  'in the ear': 'otic',
  subcutaneously: 'subcutaneous',
};

/** swittk/ezmedicationinput: FHIR Dosage fragments (doseQuantity, timing.repeat/code, boundsDuration, route). */
function ezLabels(row: Row): SigLabel | undefined {
  const e = row.expected;
  if (!e) return undefined;
  // Rows whose label leans on context the text does not carry (the form picked in a UI) are
  // still scored on the text alone: a SIG arriving in a cart has no such context either.
  const label: SigLabel = {};
  const dq = obj(e.doseQuantity);
  const dr = obj(e.doseRange);
  const doseValue = num(dq?.value) ?? num(obj(dr?.low)?.value);
  if (doseValue !== undefined) label.dose = doseValue;
  if (typeof e.asNeededBoolean === 'boolean') label.asNeeded = e.asNeededBoolean;

  const repeat: Record<string, unknown> = { ...obj(e['timing.repeat']) };
  for (const [k, v] of Object.entries(e)) if (k.startsWith('timing.repeat.')) repeat[k.slice('timing.repeat.'.length)] = v;
  const per = daysPer(repeat.periodUnit);
  const period = num(repeat.period);
  const days = Array.isArray(repeat.dayOfWeek) ? repeat.dayOfWeek.length : 0;
  if (per !== undefined && period !== undefined && !Array.isArray(repeat.timeOfDay) && !(repeat.when && repeat.frequency === undefined)) {
    const freq = days > 0 && per === 7 ? days : (num(repeat.frequency) ?? 1);
    label.timesPerDay = freq / (period * per);
  } else if (repeat.period === undefined && typeof e['timing.code'] === 'string') {
    const tpd = EZ_CODES[e['timing.code']];
    if (tpd !== undefined) label.timesPerDay = tpd;
  }
  const bounds = obj(repeat.boundsDuration);
  const bv = num(bounds?.value);
  const bPer = daysPer(bounds?.code);
  if (bv !== undefined && bPer !== undefined) label.durationDays = bv * bPer;
  const route = EZ_ROUTES[String(e.route ?? '')];
  if (route) label.route = route;
  return Object.keys(label).length > 0 ? label : undefined;
}
const EZ_CODES: Record<string, number> = { QD: 1, BID: 2, TID: 3, QID: 4, WK: 1 / 7, MO: 1 / 30, Q2H: 12, Q1H: 24, Q6H: 4, Q12H: 2, AM: 1, PM: 1 };
const EZ_ROUTES: Record<string, NonNullable<ParsedSig['route']>> = {
  'Oral route': 'oral',
  'Subcutaneous route': 'subcutaneous',
  'Ophthalmic route': 'ophthalmic',
  'Intramuscular route': 'intramuscular',
  'Intravenous route': 'intravenous',
  'Transdermal route': 'transdermal',
  'Topical route': 'topical',
  'Rectal route': 'rectal',
  'Vaginal route': 'vaginal',
  'Otic route': 'otic',
  'Nasal route': 'nasal',
  'Sublingual route': 'sublingual',
};

function genericLabels(): SigLabel | undefined {
  return undefined;
}

const ADAPTERS: Record<string, (row: Row) => SigLabel | undefined> = {
  parsigs: parsigsLabels,
  phs_dose_instruction_parser: phsLabels,
  advanced_sig_parser: advancedLabels,
  parserx_silver: parserxLabels,
  ezmedicationinput: ezLabels,
};

/** A plain-text table of the scores, for the console and the write-up. */
export function formatScores(scores: SetScore[]): string {
  const lines = ['set | rows scored | ' + FIELDS.join(' | '), '---|---|' + FIELDS.map(() => '---').join('|')];
  for (const s of scores) {
    const cells = FIELDS.map((f) => {
      const fs = s.fields.find((x) => x.field === f);
      return fs ? `${(fs.accuracy * 100).toFixed(0)}% (${fs.correct}/${fs.total})` : '–';
    });
    lines.push(`${s.set} | ${s.scoredRows}/${s.rows} | ${cells.join(' | ')}`);
  }
  return lines.join('\n');
}
