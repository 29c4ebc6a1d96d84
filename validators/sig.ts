/**
 * SIG parser: reads free-text directions for use (human and veterinary) into the parts a
 * pharmacy needs — dose, route, frequency — plus duration, as-needed and site.
 *
 * Pure and deterministic; never throws. The text is normalised into canonical tokens first
 * (numbers in words, fractions, dotted abbreviations, glued tokens), then each part is found
 * by small pattern families. Spans that have been read as one part (a duration, a clock time,
 * a "max daily dose" clause) are blanked out so their numbers cannot be read as another.
 * Conventions and known limits are written up in docs/sig-parser.md.
 */

/**
 * What a SIG says, in the shape integrations and validation rules rely on (issue 5).
 * Optional fields are absent when the text does not state them.
 */
export type ParsedSig = {
  /** Dose, route and frequency are all present (an inferred route counts as present). */
  complete: boolean;
  /** The absent parts, always in the order dose, route, frequency. */
  missing: Array<'dose' | 'route' | 'frequency'>;
  /**
   * The amount given each time. "1/2" → 0.5, "one and a half" → 1.5; a range "1-2 tablets"
   * gives amount 1 and amountMax 2. unit is singular lower-case: tablet, capsule, chew, ml,
   * mg, mg/kg, drop, puff, click, pump, application, patch, g, unit (and a few more, see
   * docs/sig-parser.md); absent for a bare number ("take 1 daily").
   */
  dose?: { amount: number; amountMax?: number; unit?: string };
  /** Route of administration, written or inferred (see routeInferred). */
  route?:
    | 'oral'
    | 'topical'
    | 'transdermal'
    | 'ophthalmic'
    | 'otic'
    | 'subcutaneous'
    | 'intramuscular'
    | 'intravenous'
    | 'rectal'
    | 'inhalation'
    | 'nasal'
    | 'buccal'
    | 'sublingual'
    | 'vaginal';
  /**
   * True when no route word or abbreviation is written and the route comes from the unit
   * (tablet → oral) or the site (drop in the left eye → ophthalmic); false when written.
   * Absent when there is no route.
   */
  routeInferred?: boolean;
  /**
   * `count` administrations every `period` `periodUnit`s, as FHIR Timing.repeat:
   * BID → {2,1,'d'}; q8h → {1,8,'h'}; EOD → {1,2,'d'}; weekly → {1,1,'wk'}. For ranges
   * ("every 4-6 hours", "1-2 times daily") the most frequent reading is kept.
   */
  frequency?: { count: number; period: number; periodUnit: 'h' | 'd' | 'wk' | 'mo' };
  /** Administrations per day derived from frequency: q8h → 3, EOD → 0.5, weekly → 1/7. */
  timesPerDay?: number;
  /** PRN / as needed. With a frequency ("q8h prn") the frequency is the ceiling. */
  asNeeded: boolean;
  /** Length of the course in days: "for 14 days", "x 2 weeks" → 14; a month is 30 days. */
  durationDays?: number;
  /** Where it goes, e.g. "left eye", "inner ear pinna", "both ears", "affected area". */
  site?: string;
};

/** A route of administration the parser can name. */
export type SigRoute = NonNullable<ParsedSig['route']>;

/** One part a complete SIG must state. */
export type SigPart = ParsedSig['missing'][number];

type Frequency = NonNullable<ParsedSig['frequency']>;
type Dose = NonNullable<ParsedSig['dose']>;

/** Text beyond this is ignored: real SIGs are far shorter, and it bounds the work per call. */
const MAX_LENGTH = 1000;

const ALL_MISSING: SigPart[] = ['dose', 'route', 'frequency'];

/** Parses directions for use. Never throws: unreadable input gives an incomplete result. */
export function parseSig(text: string): ParsedSig {
  try {
    return parse(typeof text === 'string' ? text : '');
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

// Floating-point noise (24/7 etc.) would make equal SIGs compare unequal downstream.
function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

// ───────────────────────────── vocabulary ─────────────────────────────

type UnitInfo = { unit: string; rank: number; factor?: number };

// rank: when several amounts are written ("1 tablet 200 mg", "0.1 ml (1 click)"), the one
// the quantity is dispensed in wins: volume, then countable forms, then mass/strength.
const UNITS: Record<string, UnitInfo> = {};
function units(words: string, unit: string, rank: number, factor?: number): void {
  for (const w of words.split(' ')) UNITS[w] = factor === undefined ? { unit, rank } : { unit, rank, factor };
}
units('ml mls milliliter milliliters millilitre millilitres cc ccs', 'ml', 3);
units('tsp tsps teaspoon teaspoons teaspoonful teaspoonfuls', 'ml', 3, 5);
units('tbsp tbsps tablespoon tablespoons tablespoonful tablespoonfuls', 'ml', 3, 15);
units('oz ozs ounce ounces', 'oz', 1);
units('tablet tablets tab tabs tabl tabls pill pills caplet caplets', 'tablet', 2);
units('capsule capsules cap caps', 'capsule', 2);
units('chew chews chewable chewables treat treats', 'chew', 2);
units('troche troches', 'troche', 2);
units('drop drops gtt gtts gt', 'drop', 2);
units('puff puffs inhalation inhalations inh actuation actuations', 'puff', 2);
units('spray sprays', 'spray', 2);
units('click clicks', 'click', 2);
units('pump pumps', 'pump', 2);
units('application applications applicatorful applicatorfuls', 'application', 2);
units('patch patches', 'patch', 2);
units('suppository suppositories supp supps suppo', 'suppository', 2);
units('vial vials', 'vial', 2);
units('scoop scoops', 'scoop', 2);
units('packet packets sachet sachets', 'packet', 2);
units('lozenge lozenges', 'lozenge', 2);
units('mg mgs milligram milligrams', 'mg', 1);
units('mcg mcgs microgram micrograms ug', 'mcg', 1);
units('g gm gms gram grams', 'g', 1);
units('unit units u iu ius', 'unit', 1);
units('mg/kg', 'mg/kg', 1);
units('mg/lb', 'mg/lb', 1);
units('mcg/kg', 'mcg/kg', 1);
units('mcg/lb', 'mcg/lb', 1);
units('ml/kg', 'ml/kg', 1);

const UNIT_ALT = Object.keys(UNITS)
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace('/', '\\/'))
  .join('|');
const FORM_ALT = Object.keys(UNITS)
  .filter((w) => (UNITS[w]?.rank ?? 0) >= 2)
  .sort((a, b) => b.length - a.length)
  .join('|');

const NUM = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
const RANGE = String.raw`(${NUM})(?:\s*(?:-|to|or)\s*(${NUM}))?`;
const PERIOD_WORD = String.raw`(hours?|hrs?|h|minutes?|mins?|min|days?|d|nights?|weeks?|wks?|w|months?|mos?|years?|yrs?)`;

const NUMBER_WORDS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8',
  nine: '9', ten: '10', eleven: '11', twelve: '12', fourteen: '14', fifteen: '15', twenty: '20',
  thirty: '30', sixty: '60', ninety: '90',
};
const ORDINAL_WORDS: Record<string, string> = { second: '2', third: '3', fourth: '4', fifth: '5' };

// Misspellings are fixed only against these words, and only by one swap of neighbours or one
// dropped letter: enough for "tiems", "talbet", "wekes", too little to turn a drug name into one.
const TYPO_VOCABULARY = [
  'take', 'tablet', 'tablets', 'times', 'time', 'weeks', 'week', 'days', 'day', 'daily', 'capsule',
  'capsules', 'month', 'months', 'hours', 'mouth', 'drops', 'needed', 'every', 'twice',
];
const KNOWN_WORDS = new Set(['hour', 'ever', 'table', 'ours', 'dose', 'doses', ...TYPO_VOCABULARY, ...Object.keys(UNITS), ...Object.keys(NUMBER_WORDS)]);

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

type RouteHit = { route: SigRoute; index: number; site?: string; written: boolean };

// Written route words and abbreviations.
const ROUTE_WORDS: Array<[RegExp, SigRoute]> = [
  [/\b(?:po|by mouth|per os|orally|oral|p o)\b/g, 'oral'],
  [/\b(?:sublingual(?:ly)?|sl|under (?:the )?tongue)\b/g, 'sublingual'],
  [/\b(?:buccal(?:ly)?|between (?:the )?(?:cheek|gum)s?(?: and (?:the )?(?:cheek|gum)s?)?)\b/g, 'buccal'],
  [/\b(?:sq|sc|subq|sub q|sub-q|subcut|sub cut|subcutaneous(?:ly)?|s\/c|s\/q|under the skin)\b/g, 'subcutaneous'],
  [/\b(?:im|intramuscular(?:ly)?|in(?:to)? the muscle)\b/g, 'intramuscular'],
  [/\b(?:iv|intravenous(?:ly)?|into (?:the|a) vein)\b/g, 'intravenous'],
  [/\b(?:transdermal(?:ly)?|td)\b/g, 'transdermal'],
  [/\b(?:topical(?:ly)?|externally|cutaneous)\b/g, 'topical'],
  [/\b(?:ophthalmic|ophth|oph|intraocular)\b/g, 'ophthalmic'],
  [/\b(?:otic|auricular)\b/g, 'otic'],
  [/\b(?:rectal(?:ly)?|per rectum|pr)\b/g, 'rectal'],
  [/\b(?:inhaled?|inhalation|inhalations|inh|by nebuli[sz]ation|nebuli[sz]ed?|nebuli[sz]er|neb|via inhaler|using inhaler|into the lungs)\b/g, 'inhalation'],
  [/\b(?:nasal(?:ly)?|intranasal(?:ly)?)\b/g, 'nasal'],
  [/\b(?:vaginal(?:ly)?|intravaginal(?:ly)?|per vagina|pv)\b/g, 'vaginal'],
];

// All route words in one pass, one capturing group per route.
const ROUTE_WORDS_RE = new RegExp(ROUTE_WORDS.map(([re]) => `(${re.source})`).join('|'), 'g');

// Site abbreviations are written routes too (they appear in the route column of a SIG).
const SITE_ABBREVIATIONS: Array<[RegExp, SigRoute, string]> = [
  [/\bou\b/g, 'ophthalmic', 'both eyes'],
  [/\bos\b/g, 'ophthalmic', 'left eye'],
  [/\bau\b/g, 'otic', 'both ears'],
  [/\bad\b(?! lib)/g, 'otic', 'right ear'],
  [/\ba_s\b/g, 'otic', 'left ear'],
];

// Site phrases imply a route without writing one.
const SIDE = String.raw`(?:(left|right|both|each|affected|surgical|operative|operated|the|l|r)\s+)?`;
// The first element is a cheap hint: the phrase pattern is tried only when the hint is present.
const SITE_PHRASES: Array<[RegExp, RegExp, SigRoute, (m: RegExpExecArray) => string]> = [
  [/pinna|tip|flap/, /\b(?:inner (?:ear )?pinnae?|pinnae?|ear tips?|tips? of (?:the )?ears?|inside (?:of )?(?:the )?ear ?flaps?|ear ?flaps?)\b/g, 'transdermal', () => 'inner ear pinna'],
  [/eye/, new RegExp(String.raw`\b(?:in|into|to|on|for)\s+(?:the\s+)?${SIDE}eyes?\b|\b${SIDE}eyes?\b`, 'g'), 'ophthalmic', (m) => sideSite(m[1] ?? m[2], 'eye')],
  [/ear/, new RegExp(String.raw`\b(?:in|into|to|on)\s+(?:the\s+)?${SIDE}ears?(?:\s+canals?)?\b|\b${SIDE}ears?\b`, 'g'), 'otic', (m) => sideSite(m[1] ?? m[2], 'ear')],
  [/nostril|nose/, /\b(?:each|both|one|either|the|left|right)? ?nostrils?\b|\bin(?:to)? the nose\b/g, 'nasal', (m) => (/each|both/.test(m[0]) ? 'each nostril' : 'nostril')],
  [/affected|skin|scalp|hair|forehead|lesion|spot|wound/, /\b(?:affected (?:and surrounding )?(?:areas?|skin|sites?|nails?|lesions?)|areas? of skin|to (?:the )?(?:skin|scalp|hair|forehead|lesions?|hot spots?|wounds?)|on (?:the )?skin)\b/g, 'topical', (m) => (/affected/.test(m[0]) ? 'affected area' : m[0].replace(/^(?:to|on) (?:the )?/, ''))],
];

function sideSite(side: string | undefined, organ: 'eye' | 'ear'): string {
  switch (side) {
    case 'left':
    case 'l':
      return `left ${organ}`;
    case 'right':
    case 'r':
      return `right ${organ}`;
    case 'both':
    case 'each':
      return `both ${organ}s`;
    case 'affected':
    case 'surgical':
    case 'operative':
    case 'operated':
      return `${side} ${organ}`;
    default:
      return organ;
  }
}

const UNIT_ROUTE: Record<string, SigRoute> = {
  tablet: 'oral', capsule: 'oral', chew: 'oral', troche: 'oral', lozenge: 'oral',
  puff: 'inhalation', patch: 'transdermal', click: 'transdermal', pump: 'transdermal',
  suppository: 'rectal', application: 'topical',
};

// ───────────────────────────── normalisation ─────────────────────────────

const VULGAR: Record<string, string> = { '½': '1/2', '¼': '1/4', '¾': '3/4', '⅓': '1/3', '⅔': '2/3', '⅛': '1/8' };
const AS_NOT_EAR = /^(?:needed|directed|dir|required|req|necessary|instructed|indicated|tolerated|before|above|prescribed|per|long|soon|well|a|an|the|if|for|follows?|usual|told|advised|ordered)\b/i;

function normalise(raw: string): string {
  let s = raw.slice(0, MAX_LENGTH);
  s = s.replace(/[½¼¾⅓⅔⅛]/g, (f) => ` ${VULGAR[f] ?? ''} `);
  s = s.replace(/[\u2010-\u2015\u2212]/g, '-').replace(/\u2044/g, '/').replace(/[µμ]g\b/g, 'mcg');
  // "AS" means left ear only in capitals and not as in "as needed"; mark it before case is lost.
  s = s.replace(/\bA\.?S\.?(?=[\s,;)]|$)/g, (m, offset: number) => {
    const rest = s.slice(offset + m.length).trimStart();
    return AS_NOT_EAR.test(rest) ? m : ' a_s ';
  });
  s = s.toLowerCase();
  s = s.replace(/&/g, ' and ').replace(/@/g, ' at ');
  // Dotted abbreviations: p.o. → po, q.4.d → q4d, t.i.d. → tid; decimals stay.
  s = s.replace(/\b[a-z0-9](?:\.[a-z0-9]){1,4}\.?(?![a-z0-9])/g, (m) => (/[a-z]/.test(m) ? m.replace(/\./g, '') : m));
  s = s.replace(/\.(?!\d)/g, ' ');
  s = s.replace(/(\d+(?:\.\d+)?)\s?m\s?(?=(?:iu|units?|u)\b)/g, (_m, n: string) => `${Number(n) * 1e6} `);
  // Clock times become one token each: they count as times of day, never as a dose.
  s = s.replace(/\bat\s+\d{1,2}\s+(?=in the\b)/g, ' at ');
  s = s.replace(/\b\d{1,2}:\d{2}\s?(?:am|pm|a|p)?\b/g, ' clocktime ');
  s = s.replace(/\b\d{1,2}(?:am|pm|a|p)\b/g, ' clocktime ');
  s = s.replace(/\b(at|and|clocktime)\s+\d{1,2}\s?(?:am|pm)\b/g, '$1 clocktime ');
  s = s.replace(/\b\d{1,2}\s+o\s?'?\s?clock\b/g, ' clocktime ');
  s = s.replace(/\b(\d+)(?:st|nd|rd|th)\b/g, '$1');
  s = s.replace(/(\d)([a-z])/g, '$1 $2').replace(/([a-z])(\d)/g, '$1 $2');
  // Tokens glued together in exported SIGs: "bidx9 days", "tidprnas needed", "dailyinstr".
  s = s.replace(/\b(bid|tid|qid|qd|daily|day|days|bedtime|hs|qhs|prn|hrs?|h|weeks?|weekly)x\b/g, '$1 x');
  s = s.replace(/\b(bid|tid|qid|qd|daily|qhs|prn)(?=[a-z]{2,})/g, '$1 ');
  s = s.replace(/prn/g, ' prn ');
  s = s.replace(/[,;:()[\]{}!?"'`=+|\\~^<>]/g, ' ');
  s = s.replace(/\s+/g, ' ');
  s = fixTypos(s);

  s = s.replace(/\b(?:mg|mgs|milligrams?)\s*(?:\/|per)\s*(?:kg|kilograms?|kilo)\b/g, 'mg/kg');
  s = s.replace(/\b(?:mg|mgs|milligrams?)\s*(?:\/|per)\s*(?:lbs?|pounds?)\b/g, 'mg/lb');
  s = s.replace(/\b(?:mcg|micrograms?)\s*(?:\/|per)\s*(?:kg|kilograms?)\b/g, 'mcg/kg');
  s = s.replace(/\b(?:mcg|micrograms?)\s*(?:\/|per)\s*(?:lbs?|pounds?)\b/g, 'mcg/lb');
  s = s.replace(/\b(?:ml|mls|milliliters?)\s*(?:\/|per)\s*(?:kg|kilograms?)\b/g, 'ml/kg');
  s = s.replace(/\b(?:soft )?chewable tablets?\b/g, 'chew').replace(/\bsoft chews?\b/g, 'chew');
  // "a thin layer" is the amount only where something is applied ("a small amount of food" is not).
  s = s.replace(/(\b(?:apply|applied|rub|massage|spread|paint)\b(?: \S+){0,3}? )(?:(?:an? )?(?:thin|small|light|pea[- ]sized|sparing|generous|liberal)\s+(?:layer|film|amount|coat|coating|ribbon)\b|sparingly\b)/g, '$1 1 application ');

  s = s.replace(/\b([a-z]+|\d+) and (?:a|one)[ -]half\b/g, (m, n: string) => {
    const v = /^\d+$/.test(n) ? n : NUMBER_WORDS[n];
    return v === undefined ? m : String(Number(v) + 0.5);
  });
  s = s.replace(/\b(?:one[ -]half(?: of)?(?: an?)?|a half(?: of)?(?: an?)?|half(?: of)? an?|half)\b/g, '0.5');
  s = s.replace(/\b(?:one[ -]quarter(?: of)?(?: an?)?|a quarter(?: of)?(?: an?)?|quarter(?: of)? an?)\b/g, '0.25');
  s = s.replace(/\bevery (second|third|fourth|fifth|other)\b/g, (_m, w: string) => `every ${ORDINAL_WORDS[w] ?? 'other'}`);
  s = s.replace(/\bonce or twice\b/g, '1 or 2 times').replace(/\btwice\b/g, '2 times').replace(/\bthrice\b/g, '3 times');
  s = s.replace(/\b(?:once|one time)(?= ?(?:a|an|per|each|every|daily|weekly|monthly|hourly|yearly|\/|day|week|month|hour|q)\b)/g, '1 time');
  s = s.replace(/\b[a-z]+\b/g, (w) => NUMBER_WORDS[w] ?? w);
  s = s.replace(/\b(\d+) (?:or|to|-) (\d+) times\b/g, '$1-$2 times');

  // Fractions: only small proper ones, so strengths like 5/325 are left alone.
  s = s.replace(/(?<![\d./])(\d+) (\d)\/(\d)(?![\d/])/g, (m, w: string, a: string, b: string) => (properFraction(a, b) ? String(round(Number(w) + Number(a) / Number(b))) : m));
  s = s.replace(/(?<![\d./])(\d)\/(\d)(?![\d/])/g, (m, a: string, b: string) => (properFraction(a, b) ? String(round(Number(a) / Number(b))) : m));
  s = s.replace(/\b(\d+) and (0\.\d+)\b/g, (_m, a: string, b: string) => String(Number(a) + Number(b)));
  // "every 4 four hours", "take one 1 tablet": the number said twice.
  s = s.replace(/(?<![\d.])(\d+(?:\.\d+)?) \1(?![\d./])/g, '$1');
  s = s.replace(/(?<![\d.]\s)\b(?:a|an)\s+(?=(?:tablet|tab|capsule|cap|chew|drop|puff|patch|application|pump|click|spray|suppository|vial|scoop|packet|troche|lozenge)\b)/g, '1 ');
  s = s.replace(/\s+/g, ' ').trim();
  // European shorthand at the start: "1x3" = 1 three times a day, "1.5x2" = 1.5 twice a day.
  s = s.replace(/^(\d+(?:\.\d+)?) ?[x*] ?([1-6])(?![\d.]| ?(?:\/|-|times?|doses?|d|days?|nights?|h|hrs?|hours?|w|wks?|weeks?|mos?|months?)\b)/, '$1 $2 times daily');
  return s;
}

function properFraction(a: string, b: string): boolean {
  const n = Number(a);
  const d = Number(b);
  return d >= 2 && d <= 8 && n >= 1 && n < d;
}

function fixTypos(s: string): string {
  return s.replace(/\b[a-z]{3,}\b/g, (w) => {
    if (KNOWN_WORDS.has(w)) return w;
    for (const v of TYPO_VOCABULARY) {
      if (isNeighbourSwap(w, v) || (v.length >= 5 && isOneDeletion(w, v))) return v;
    }
    return w;
  });
}

function isNeighbourSwap(w: string, v: string): boolean {
  if (w.length !== v.length) return false;
  let i = 0;
  while (i < w.length && w[i] === v[i]) i++;
  if (i >= w.length - 1) return false;
  return w[i] === v[i + 1] && w[i + 1] === v[i] && w.slice(i + 2) === v.slice(i + 2);
}

function isOneDeletion(w: string, v: string): boolean {
  if (w.length !== v.length - 1) return false;
  let i = 0;
  while (i < w.length && w[i] === v[i]) i++;
  return w.slice(i) === v.slice(i + 1);
}

// ───────────────────────────── extraction ─────────────────────────────

/** The normalised text with spans blanked out as they are read. */
class Text {
  value: string;
  constructor(value: string) {
    this.value = value;
  }
  blank(start: number, end: number): void {
    this.value = this.value.slice(0, start) + ' '.repeat(end - start) + this.value.slice(end);
  }
  /** Every match of re (global) in the current text; blanks them when asked. */
  take(re: RegExp, blank = true): RegExpExecArray[] {
    const found = [...this.value.matchAll(re)] as RegExpExecArray[];
    if (blank) for (const m of found) this.blank(m.index, m.index + m[0].length);
    return found;
  }
}

type Candidate = { index: number; frequency: Frequency };

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

// Numbers that belong to something else: a maximum, a quantity to dispense, refills, a dose
// count, "1 hour before", "day 1", a body weight, a percentage. Each pattern is tried only
// when its hint is in the text: parseSig runs on every cart change.
const NOT_DOSE: Array<[RegExp, RegExp]> = [
  [/mdd|max|exceed|nte|more than|at most/, /\b(?:mdd|max(?:imum)?|not to exceed|nte|do not exceed|no more than|not more than|at most)\b[^,;\d]{0,30}(?:\d+(?:\.\d+)?)(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?(?:\s*(?:doses?|[a-z/]+))?(?:\s*(?:\/|per|in|a|each|every)\s*(?:24\s*h\w*|day|d|daily|week))?/g],
  [/disp|qty|quantity|#|refill|rf/, /\b(?:dispense|disp|qty|quantity|#|refills?|rfs?)\s*\d+(?:\.\d+)?(?:\s*[a-z]+)?/g],
  [/refill|rf/, /\b\d+\s*(?:refills?|rfs?)\b/g],
  [/dose|time|\*|applic|treat|inject/, new RegExp(String.raw`\b(?:x|times|for|\*)\s*\d+\s*(?:doses?|times|applications?|treatments?|injections?)\b|\*\s*\d+\b`, 'g')],
  [/\bx/, /\bx\s*\d+\b(?!\s*(?:d|days?|wks?|weeks?|w|mos?|months?|h|hrs?|hours?|nights?|yrs?|years?)\b)/g],
  [/before|after|prior|ago|later|following|post/, new RegExp(String.raw`\b${RANGE}\s*-?\s*${PERIOD_WORD}\s+(?:before|after|prior|ago|later|following|post)\b`, 'g')],
  [/repeat|again/, /\b(?:repeat|again)\s+(?:in|after)\s+\d+(?:\.\d+)?\s*[a-z]*/g],
  [/day/, /\b(?:on|from|starting|until|through|till|by|of)\s+days?\s+\d+(?:\s*(?:-|to|through|and)\s*\d+)?|\bdays?\s+\d+\s*(?:-|to|through|and)\s*\d+/g],
  [/weigh/, /\b(?:weighing|weigh|weighs|weight of)\s+\d+(?:\.\d+)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?\s*(?:lbs?|pounds?|kg|kilograms?)?/g],
  [/lb|pound|kg|kilo/, /\b\d+(?:\.\d+)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?\s*(?:lbs?|pounds?|kg|kilograms?)\b/g],
  [/%|percent|old|sec/, /\b\d+(?:\.\d+)?\s*(?:%|percent|years? old|seconds?|secs?)/g],
];

// Patterns built once: parseSig runs on every cart change.
const RE = {
  duration: new RegExp(String.raw`\b(?:(?:for|during|over|continue|course of)\s*(?:up to\s+|about\s+|a total of\s+|another\s+|the next\s+|next\s+|approximately\s+|at least\s+)?(an?(?=\s)|${NUM}(?:\s*(?:-|to|or)\s*${NUM})?)|(?:x|times)\s*(${NUM}(?:\s*(?:-|to|or)\s*${NUM})?))\s*-?\s*${PERIOD_WORD}\b`, 'g'),
  bareDuration: new RegExp(String.raw`(?<![\d.\-]\s?)(?<![\w.])${RANGE}\s*(days?|d|nights?|weeks?|wks?|months?|mos?|years?|yrs?)\b(?!\s*(?:before|after|prior|apart|intervals?|ago|later|supply))`, 'g'),
  withStrength: new RegExp(String.raw`(?<![\w.])${RANGE}\s+${NUM}\s*-?\s*(?:mg|mcg|g|milligrams?|micrograms?|grams?)\s+(${FORM_ALT})\b`, 'g'),
  withUnit: new RegExp(String.raw`(?<![\w.])${RANGE}\s*-?\s*(${UNIT_ALT})(?![\w/])`, 'g'),
  every: new RegExp(String.raw`\b(?:q|every|each|once every|1 time every)\s*${RANGE}\s*-?\s*${PERIOD_WORD}\b`, 'g'),
  intervals: new RegExp(String.raw`\b${RANGE}\s*-?\s*(?:hours?|hrs?|h)\s*(?:intervals?|apart)\b`, 'g'),
  timesPer: new RegExp(String.raw`\b${RANGE}\s*(?:(?:times?|x)\s*(?:a|an|per|each|every|\/|in a|in)?|\/|per)\s*(days?|daily|d|weeks?|weekly|wks?|w|months?|monthly|mos?|hours?|hourly|h|24 ?h(?:ours?|rs?)?)\b`, 'g'),
  perDayWithDose: new RegExp(String.raw`\b${RANGE}\s+(?:a|an|each)\s+(day|week|month)\b`, 'g'),
  bareDose: new RegExp(String.raw`(?<![\w.\/])${RANGE}(?![\w.\/])(?!\s*(?:-\s*)?(?:hours?|hrs?|h|minutes?|mins?|seconds?|days?|weeks?|months?|years?|nights?|times?|mg\w*|mcg|%)\b)`, ''),
};

function parse(raw: string): ParsedSig {
  const normal = normalise(raw);
  const t = new Text(` ${normal} `);

  const asNeeded =
    /\b(?:prn|as needed|as need|as required|as reqd?|if needed|when needed|as necessary|if necessary|when necessary|if required|when required|on demand|as directed prn)\b|\bse(?:g[uú]n|gn) (?:se|sea) (?:necesit|necesari)/.test(
      t.value,
    );

  // Numbers that are not the dose, frequency or duration.
  for (const [hint, re] of NOT_DOSE) if (hint.test(t.value)) t.take(re);
  const clockTimes = t.value.includes('clocktime') ? t.take(/\bclocktime\b/g).length : 0;

  // Duration.
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

  // Doses written with a unit; the best one is kept and blanked so it is not read again.
  const doseCandidates: Array<{ index: number; end: number; rank: number; dose: Dose }> = [];
  for (const m of t.value.matchAll(RE.withStrength)) {
    const d = doseFrom(m[1], m[2], m[3]);
    if (d) doseCandidates.push({ index: m.index, end: m.index + m[0].length, rank: d.rank, dose: d.dose });
  }
  for (const m of t.value.matchAll(RE.withUnit)) {
    const d = doseFrom(m[1], m[2], m[3]);
    if (d && !doseCandidates.some((c) => m.index >= c.index && m.index < c.end)) {
      doseCandidates.push({ index: m.index, end: m.index + m[0].length, rank: d.rank, dose: d.dose });
    }
  }
  let dose: Dose | undefined;
  const best = doseCandidates.reduce<(typeof doseCandidates)[number] | undefined>((b, c) => (!b || c.rank > b.rank || (c.rank === b.rank && c.index < b.index) ? c : b), undefined);
  if (best) {
    dose = best.dose;
    for (const c of doseCandidates) t.blank(c.index, c.end);
  }

  // Frequency: explicit forms first (strong), then times of day, then a plain "daily".
  const strong: Candidate[] = [];
  const add = (index: number, f: Frequency | undefined) => {
    if (f && f.count > 0 && f.period > 0 && Number.isFinite(f.count) && Number.isFinite(f.period)) strong.push({ index, frequency: f });
  };
  for (const m of t.take(RE.every)) {
    const p = periodOf(m[3] ?? '', Number(m[1]));
    if (p) add(m.index, { count: 1, ...p });
  }
  for (const m of /interval|apart/.test(t.value) ? t.take(RE.intervals) : []) {
    add(m.index, { count: 1, period: Number(m[1]), periodUnit: 'h' });
  }
  for (const m of t.take(RE.timesPer)) {
    const count = Math.max(Number(m[1]), Number(m[2] ?? m[1]));
    const word = m[3] ?? '';
    const p = /^24/.test(word) ? { period: 1, periodUnit: 'd' as const } : periodOf(word, 1);
    if (p) add(m.index, { count, ...p });
  }
  if (dose) {
    // "5 a day" is a count only when the dose is written elsewhere ("1 tablet ... 2 a day").
    for (const m of t.take(RE.perDayWithDose)) {
      const p = periodOf(m[3] ?? '', 1);
      if (p) add(m.index, { count: Math.max(Number(m[1]), Number(m[2] ?? m[1])), ...p });
    }
  }
  for (const m of t.take(CODE_RE)) add(m.index, CODES[m[0]]);
  t.take(/\b(?:times|x)\b/g);

  // Route and site.
  const routes: RouteHit[] = [];
  for (const m of t.value.matchAll(ROUTE_WORDS_RE)) {
    const group = m.slice(1).findIndex((g) => g !== undefined);
    const route = ROUTE_WORDS[group]?.[1];
    if (route) routes.push({ route, index: m.index, written: true });
  }
  for (const [re, route, site] of SITE_ABBREVIATIONS) for (const m of t.value.matchAll(re)) routes.push({ route, index: m.index, site, written: true });
  for (const [hint, re, route, site] of SITE_PHRASES) {
    if (!hint.test(t.value)) continue;
    for (const m of t.value.matchAll(re)) {
      if (route === 'ophthalmic' || route === 'otic') {
        if (/\b(?:pinnae?|tips?|flaps?)\b/.test(t.value.slice(m.index + m[0].length, m.index + m[0].length + 8))) continue;
      }
      routes.push({ route, index: m.index, site: site(m), written: false });
    }
  }
  routes.sort((a, b) => a.index - b.index);

  // "OD": right eye (US and veterinary usage) unless the SIG plainly is not for an eye, where
  // it is the UK "once daily" ("500 mg po OD", "1 drop to skin od", "1 drop OS OD").
  const odHits = [...t.value.matchAll(/\bod\b/g)];
  if (odHits.length > 0) {
    const otherEye = routes.some((r) => r.route === 'ophthalmic');
    const notEye =
      routes.some((r) => r.route !== 'ophthalmic') ||
      (dose?.unit !== undefined && !['drop', 'ml', 'application'].includes(dose.unit)) ||
      /\b(?:take|swallow|chew|inject)\b/.test(t.value);
    odHits.forEach((m, i) => {
      if (!otherEye && !notEye && i === 0) routes.push({ route: 'ophthalmic', index: m.index, site: 'right eye', written: true });
      else add(m.index, { count: 1, period: 1, periodUnit: 'd' });
      t.blank(m.index, m.index + 2);
    });
    routes.sort((a, b) => a.index - b.index);
  }

  strong.sort((a, b) => a.index - b.index);
  // A tapered or stepped SIG ("daily for 14 days then every 14 days") is read for its first step.
  const thenAt = t.value.search(/\b(?:then|followed by|after that|thereafter)\b/);
  const firstStep = thenAt > 0 ? t.value.slice(0, thenAt) : t.value;
  const firstStrong = strong.find((c) => c.index < firstStep.length);
  const weakInFirstStep = SLOTS.some(([, re]) => re.test(firstStep)) || WEAK_DAILY.test(firstStep);
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
  if (singleDose && durationDays === undefined) durationDays = 1;

  // A bare number is the dose when no unit is written: "take 1 daily", "1/2 po bid".
  if (!dose) {
    const m = RE.bareDose.exec(t.value);
    if (m) {
      const d = doseFrom(m[1], m[2], undefined);
      if (d && d.dose.amount < 10000) dose = d.dose;
    }
  }

  // Unwritten topical amounts: "apply topically bid" is one application each time.
  const explicit = routes.find((r) => r.written);
  const implied = routes.find((r) => !r.written);
  let route: SigRoute | undefined;
  let routeInferred: boolean | undefined;
  if (explicit) {
    route = explicit.route;
    // Inhaled by mouth is inhalation, not oral.
    if (route === 'oral' && (routes.some((r) => r.route === 'inhalation') || dose?.unit === 'puff')) route = 'inhalation';
    routeInferred = false;
  } else if (implied) {
    route = implied.route;
    if (route === 'otic' && dose?.unit && (dose.unit === 'click' || dose.unit === 'pump')) route = 'transdermal';
    routeInferred = true;
  } else {
    const fromUnit = [dose?.unit, ...doseCandidates.map((c) => c.dose.unit)].map((u) => (u ? UNIT_ROUTE[u] : undefined)).find((r) => r !== undefined);
    const swallowed = /\b(?:take|drink|swallow|give|swish|gargle)\b/.test(t.value) && !/\b(?:inject\w*|syringe|needle)\b/.test(t.value);
    if (fromUnit) route = fromUnit;
    else if (dose && swallowed && (dose.unit === undefined || ['ml', 'mg', 'mcg', 'g', 'oz', 'scoop', 'packet', 'unit'].includes(dose.unit))) route = 'oral';
    if (route) routeInferred = true;
  }
  if (!dose && route === 'topical' && /\b(?:apply|rub|massage|spread|paint)\b/.test(t.value)) {
    dose = { amount: 1, unit: 'application' };
  }
  const site = (routes.find((r) => r.site !== undefined && (r.route === route || !route)) ?? routes.find((r) => r.site !== undefined))?.site;

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

/** The top of "5", "5-7", "3 or 4", "a" (= 1). */
function largest(spec: string): number {
  if (/^an?$/.test(spec)) return 1;
  const nums = spec.match(/\d+(?:\.\d+)?|\.\d+/g) ?? [];
  return Math.max(...nums.map(Number));
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

function countWeekdays(s: string): number {
  const full = WEEKDAYS.filter(([long]) => long.test(s)).length;
  const short = WEEKDAYS.filter(([long, abbr]) => long.test(s) || abbr.test(s)).length;
  return short >= 2 ? short : full;
}
