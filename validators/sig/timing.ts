/**
 * The SIG parser's timing stages: how long the course lasts and how often a dose is given.
 */
import type { Text } from './text';
import type { Frequency } from './types';
import { NUM, PERIOD_WORD, RANGE, round } from './vocabulary';

/** A frequency read from the text, with where it was written (the earliest one wins). */
export type FrequencyCandidate = { index: number; frequency: Frequency };

const WEEKDAYS: Array<[RegExp, RegExp]> = [
  [/\bmondays?\b/, /\bmon\b/],
  [/\btuesdays?\b/, /\btues?\b/],
  [/\bwednesdays?\b/, /\bwed\b/],
  [/\bthursdays?\b/, /\bthu(?:rs?)?\b/],
  [/\bfridays?\b/, /\bfri\b/],
  [/\bsaturdays?\b/, /\bsat\b/],
  [/\bsundays?\b/, /\bsun\b/],
];

// Times of day: each distinct one mentioned is one administration when no frequency is written.
const SLOTS: Array<[string, RegExp]> = [
  ['morning', /\b(?:mornings?|am|qam|breakfast|morn)\b/],
  ['noon', /\b(?:noon|midday|lunch|lunchtime)\b/],
  ['evening', /\b(?:evenings?|pm|qpm|dinner|supper|evening meal)\b/],
  ['night', /\b(?:night|nights|nightly|bedtime|bed time|at bed|hs|qhs|qn|nocte)\b/],
];

const ANY_SLOT = new RegExp(SLOTS.map(([, re]) => re.source).join('|'));
const ANY_WEEKDAY = /\b(?:mon|tue|wed|thu|fri|sat|sun)/;

const WEAK_DAILY = /\b(?:daily|every ?day|each day|a day|per day|everyday)\b/;

const CODES: Record<string, Frequency> = {};
function codes(words: string, count: number, period: number, periodUnit: Frequency['periodUnit']): void {
  for (const w of words.split('|')) CODES[w] = { count, period, periodUnit };
}
codes('sid|qd|q d|qday|q day', 1, 1, 'd');
codes('bid|bd', 2, 1, 'd');
codes('tid|tds', 3, 1, 'd');
codes('qid|qds', 4, 1, 'd');
codes('eod|qod|qad|every other day|every other night|every other morning|every other evening|on alternate days|alternate days', 1, 2, 'd');
codes('biw', 2, 1, 'wk');
codes('tiw', 3, 1, 'wk');
codes('qiw', 4, 1, 'wk');
codes('qw|qwk|qweek|q wk|q week|weekly|every week|each week', 1, 1, 'wk');
codes('every other week', 1, 2, 'wk');
codes('qmo|qmonth|q mo|q month|monthly|every month|each month', 1, 1, 'mo');
codes('every other month', 1, 2, 'mo');
codes('annually|yearly', 1, 12, 'mo');
codes('hourly|every hour|q hour', 1, 1, 'h');
const CODE_RE = new RegExp(
  String.raw`\b(?:${Object.keys(CODES)
    .sort((a, b) => b.length - a.length)
    .join('|')})\b`,
  'g',
);

// Patterns built once: parseSig runs on every cart change.
const RE = {
  duration: new RegExp(String.raw`\b(?:(?:for|during|over|continue|course of)\s*(?:up to\s+|about\s+|a total of\s+|another\s+|the next\s+|next\s+|approximately\s+|at least\s+)?(an?(?=\s)|${NUM}(?:\s*(?:-|to|or)\s*${NUM})?)|(?:x|times)\s*(${NUM}(?:\s*(?:-|to|or)\s*${NUM})?))\s*-?\s*${PERIOD_WORD}\b`, 'g'),
  bareDuration: new RegExp(String.raw`(?<![\d.\-]\s?)(?<![\w.])${RANGE}\s*(days?|d|nights?|weeks?|wks?|months?|mos?|years?|yrs?)\b(?!\s*(?:before|after|prior|apart|intervals?|ago|later|supply))`, 'g'),
  every: new RegExp(String.raw`\b(?:q|every|each|once every|1 time every)\s*${RANGE}\s*-?\s*${PERIOD_WORD}\b`, 'g'),
  intervals: new RegExp(String.raw`\b${RANGE}\s*-?\s*(?:hours?|hrs?|h)\s*(?:intervals?|apart)\b`, 'g'),
  timesPer: new RegExp(String.raw`\b${RANGE}\s*(?:(?:times?|x)\s*(?:a|an|per|each|every|\/|in a|in)?|\/|per)\s*(days?|daily|d|weeks?|weekly|wks?|w|months?|monthly|mos?|hours?|hourly|h|24 ?h(?:ours?|rs?)?)\b`, 'g'),
  perDayWithDose: new RegExp(String.raw`\b${RANGE}\s+(?:a|an|each)\s+(day|week|month)\b`, 'g'),
};

/** Clock times ("8am", "10:30"), blanked; each is one administration a day. */
export function takeClockTimes(t: Text): number {
  return t.value.includes('clocktime') ? t.take(/\bclocktime\b/g).length : 0;
}

/** Length of the course in days, blanked so its number is not read as a dose. */
export function readDuration(t: Text): number | undefined {
  let durationDays: number | undefined;
  for (const m of t.take(RE.duration)) {
    const days = daysOf(m[3] ?? '', largest(m[1] ?? m[2] ?? ''));
    if (durationDays === undefined && days !== undefined && days > 0) durationDays = days;
  }
  if (durationDays === undefined) {
    // A bare "90 days" after the directions is a duration in exported SIGs, unless it belongs
    // to something else ("every 2 days", "3 days before surgery").
    for (const m of t.value.matchAll(RE.bareDuration)) {
      if (/\b(?:every|each|q|per|in|within|after|before|prior|starting|first|last|other|next|of|at)\s*$/.test(t.value.slice(0, m.index))) continue;
      const days = daysOf(m[3] ?? '', Math.max(Number(m[1]), Number(m[2] ?? m[1])));
      if (days !== undefined && days > 0) {
        durationDays = days;
        t.blank(m.index, m.index + m[0].length);
        break;
      }
    }
  }
  return durationDays;
}

/** Adds a frequency candidate when it is a usable one. */
export function addFrequency(candidates: FrequencyCandidate[], index: number, f: Frequency | undefined): void {
  if (f && f.count > 0 && f.period > 0 && Number.isFinite(f.count) && Number.isFinite(f.period)) candidates.push({ index, frequency: f });
}

/**
 * Frequencies written as a rate (BID, q8h, "3 times a week", "every other day"), blanked.
 * "2 a day" counts only when a dose was read elsewhere (`hasDose`), or it would be the dose.
 */
export function readStatedFrequencies(t: Text, hasDose: boolean): FrequencyCandidate[] {
  const strong: FrequencyCandidate[] = [];
  for (const m of t.take(RE.every)) {
    const p = periodOf(m[3] ?? '', Number(m[1]));
    if (p) addFrequency(strong, m.index, { count: 1, ...p });
  }
  for (const m of /interval|apart/.test(t.value) ? t.take(RE.intervals) : []) {
    addFrequency(strong, m.index, { count: 1, period: Number(m[1]), periodUnit: 'h' });
  }
  for (const m of t.take(RE.timesPer)) {
    const count = Math.max(Number(m[1]), Number(m[2] ?? m[1]));
    const word = m[3] ?? '';
    const p = /^24/.test(word) ? { period: 1, periodUnit: 'd' as const } : periodOf(word, 1);
    if (p) addFrequency(strong, m.index, { count, ...p });
  }
  if (hasDose) {
    for (const m of t.take(RE.perDayWithDose)) {
      const p = periodOf(m[3] ?? '', 1);
      if (p) addFrequency(strong, m.index, { count: Math.max(Number(m[1]), Number(m[2] ?? m[1])), ...p });
    }
  }
  for (const m of t.take(CODE_RE)) addFrequency(strong, m.index, CODES[m[0]]);
  t.take(/\b(?:times|x)\b/g);
  return strong;
}

/**
 * The frequency: a stated rate first, then times of day, then a plain "daily", last "once"
 * (`singleDose`: one dose, a course of one day). Named weekdays give so many times a week.
 */
export function chooseFrequency(t: Text, stated: FrequencyCandidate[], clockTimes: number): { frequency?: Frequency; singleDose: boolean } {
  const strong = [...stated].sort((a, b) => a.index - b.index);
  // A tapered or stepped SIG ("daily for 14 days then every 14 days") is read for its first step.
  const thenAt = t.value.search(/\b(?:then|followed by|after that|thereafter)\b/);
  const firstStep = thenAt > 0 ? t.value.slice(0, thenAt) : t.value;
  const firstStrong = strong.find((c) => c.index < firstStep.length);
  const weakInFirstStep = ANY_SLOT.test(firstStep) || WEAK_DAILY.test(firstStep);
  const scope = firstStrong || weakInFirstStep ? firstStep : t.value;
  let frequency: Frequency | undefined = (firstStrong ?? (weakInFirstStep ? undefined : strong[0]))?.frequency;
  let singleDose = false;
  if (!frequency) {
    const slots = new Set<string>();
    for (const [name, re] of SLOTS) if (re.test(scope)) slots.add(name);
    // "with meals" is three times a day only when the meals are not named one by one.
    const namedMeals = slots.has('morning') || slots.has('noon') || slots.has('evening');
    if (!namedMeals && /\b(?:with|after|before|at|following|ac|pc)\s+(?:all\s+)?(?:meals|each meal)\b/.test(scope)) {
      slots.add('morning');
      slots.add('noon');
      slots.add('evening');
    }
    const n = slots.size + clockTimes;
    if (n > 0) frequency = { count: n, period: 1, periodUnit: 'd' };
    else if (WEAK_DAILY.test(scope)) frequency = { count: 1, period: 1, periodUnit: 'd' };
    else if (/\b(?:once|single dose|one dose|stat|1 time|one time)\b/.test(t.value)) {
      frequency = { count: 1, period: 1, periodUnit: 'd' };
      singleDose = true;
    }
  }
  const weekdays = countWeekdays(t.value);
  if (weekdays > 0 && (!frequency || (frequency.count === 1 && ((frequency.period === 1 && frequency.periodUnit !== 'h') || frequency.periodUnit === 'wk')))) {
    frequency = { count: weekdays, period: 1, periodUnit: 'wk' };
    singleDose = false;
  }
  return frequency ? { frequency, singleDose } : { singleDose };
}

function periodOf(word: string, n: number): { period: number; periodUnit: Frequency['periodUnit'] } | undefined {
  const w = word.replace(/s$/, '');
  if (w === 'h' || w === 'hr' || w === 'hour') return { period: n, periodUnit: 'h' };
  if (w === 'min' || w === 'minute') return { period: n / 60, periodUnit: 'h' };
  if (w === 'd' || w === 'day' || w === 'night' || w === 'daily') return { period: n, periodUnit: 'd' };
  if (w === 'w' || w === 'wk' || w === 'week' || w === 'weekly') return { period: n, periodUnit: 'wk' };
  if (w === 'mo' || w === 'month' || w === 'monthly') return { period: n, periodUnit: 'mo' };
  if (w === 'yr' || w === 'year' || w === 'yearly') return { period: 12 * n, periodUnit: 'mo' };
  return undefined;
}

function daysOf(word: string, n: number): number | undefined {
  const w = word.replace(/s$/, '');
  if (w === 'h' || w === 'hr' || w === 'hour') return round(n / 24);
  if (w === 'd' || w === 'day' || w === 'night') return n;
  if (w === 'w' || w === 'wk' || w === 'week') return n * 7;
  if (w === 'mo' || w === 'month') return n * 30;
  if (w === 'yr' || w === 'year') return n * 365;
  return undefined;
}

/** The top of "5", "5-7", "3 or 4", "a" (= 1). */
function largest(spec: string): number {
  if (/^an?$/.test(spec)) return 1;
  const nums = spec.match(/\d+(?:\.\d+)?|\.\d+/g) ?? [];
  return Math.max(...nums.map(Number));
}

function countWeekdays(s: string): number {
  if (!ANY_WEEKDAY.test(s)) return 0;
  const full = WEEKDAYS.filter(([long]) => long.test(s)).length;
  const short = WEEKDAYS.filter(([long, abbr]) => long.test(s) || abbr.test(s)).length;
  return short >= 2 ? short : full;
}
