/**
 * First stage of the SIG parser: the raw text becomes canonical lower-case tokens, so later
 * stages match one spelling of each thing. Numbers in words and fractions become decimals,
 * dotted abbreviations lose their dots, glued export tokens are split, clock times become one
 * token, and a few misspellings of common SIG words are fixed.
 */
import { FORM_ALT, NUM, NUMBER_WORDS, round, UNITS } from './vocabulary';

/** Text beyond this is ignored: real SIGs are far shorter, and it bounds the work per call. */
const MAX_LENGTH = 1000;

const ORDINAL_WORDS: Record<string, string> = { second: '2', third: '3', fourth: '4', fifth: '5' };

// Misspellings are fixed only against these words, and only by one swap of neighbours or one
// dropped letter: enough for "tiems", "talbet", "wekes", too little to turn a drug name into one.
const TYPO_VOCABULARY = [
  'take', 'tablet', 'tablets', 'times', 'time', 'weeks', 'week', 'days', 'day', 'daily', 'capsule',
  'capsules', 'month', 'months', 'hours', 'mouth', 'drops', 'needed', 'every', 'twice',
];
const KNOWN_WORDS = new Set(['hour', 'ever', 'table', 'ours', 'dose', 'doses', ...TYPO_VOCABULARY, ...Object.keys(UNITS), ...Object.keys(NUMBER_WORDS)]);
// Every misspelling the rule allows, worked out once: a lookup per word instead of comparing
// it with the whole vocabulary. The first vocabulary word a misspelling fits wins.
const TYPOS = new Map<string, string>();
for (const v of TYPO_VOCABULARY) {
  const variants: string[] = [];
  for (let i = 0; i + 1 < v.length; i++) if (v[i] !== v[i + 1]) variants.push(v.slice(0, i) + v[i + 1] + v[i] + v.slice(i + 2));
  if (v.length >= 5) for (let i = 0; i < v.length; i++) variants.push(v.slice(0, i) + v.slice(i + 1));
  for (const w of variants) if (w.length >= 3 && !KNOWN_WORDS.has(w) && !TYPOS.has(w)) TYPOS.set(w, v);
}

// Controlled-substance schedule labels ("C-IV", "CII", "(C-III)", "Schedule IV") name a legal
// class, never a route or a dose: the "iv" of "C-IV" is not intravenous, the "ii" of "Schedule
// II" is not two. They are removed before anything else reads the text.
// A digit after "schedule" is a label only when no count follows ("schedule 2 times a day").
const SCHEDULE_LABEL = /\b(?:(?:dea\s+)?(?:schedule|sched\.?|class)\s*-?\s*(?:(?:ii|iii|iv|v)n?\b|[2-5]n?\b(?!\s*(?:x\b|times?|doses?|[a-z]*(?:tab|cap|ml|mg|drop|gtt|puff|chew|click|pump|spray|unit|day|week|hour|hr|month))))|cs?\s?-\s?(?:ii|iii|iv|v|[2-5])n?\b|c(?:ii|iii|iv|v)n?\b)/g;
// "C IV" with a space only in capitals: a lower-case "c" alone is "with" (c̄).
const SPACED_SCHEDULE_LABEL = /\bC\s+(?:II|III|IV|V)N?\b/g;
// Insulin concentrations ("U-100", "U40") are the product, not a dose of 100 units.
const INSULIN_LABEL = /\bu-?(?:40|100|200|300|500)\b/g;

// Latin numerals and "ss" (semis, one half) count a form written next to them: "tab ss",
// "gtt ii", "caps i", "ii tabs", "tab i ss". Only next to a countable form, and not after a
// number ("1 tab IV" keeps its route).
const LATIN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4, v: 5, vi: 6, ss: 0.5, iss: 1.5, iiss: 2.5, iiiss: 3.5 };
const LATIN_ALT = 'iiiss|iiss|iss|iii|ii|iv|vi|ss|i|v';
const LATIN_FORMS = Object.keys(UNITS)
  .filter((w) => UNITS[w]?.rank === 2)
  .sort((a, b) => b.length - a.length)
  .join('|');
const LATIN_HINT = /\b(?:i{1,3}|iv|vi?|i{0,3}ss)\b/;
const LATIN_BEFORE = new RegExp(String.raw`(?<![\d.] ?)\b(${LATIN_ALT})(?: (ss))? (${LATIN_FORMS})\b`, 'g');
const LATIN_AFTER = new RegExp(String.raw`(?<![\d.] ?)\b(${LATIN_FORMS}) (${LATIN_ALT})(?: (ss))?\b`, 'g');

// A strength between the count and the form ("1 150 mg tab", "1 x 25 mcg/h patch", "one 12
// mcg/hr fentanyl patch", "1 lidocaine 5% patch") is the product's, not the dose: keep the
// count and the form. A word next to the strength (a drug name, "oral") is kept.
// A word next to the strength, but not one that makes the number a count of days or doses.
const NEXT_WORD = String.raw`(?:(?!(?:hours?|hrs|days?|weeks?|wks|months?|mos|years?|nights?|times?|doses?|refills?|minutes?|mins)\b)([a-z]{3,})\s+)?`;
const STRENGTH_BETWEEN = new RegExp(
  String.raw`(?<![\w.])(${NUM}(?:\s*(?:-|to|or)\s*${NUM})?)\s+(?:of\s+(?:an?|the|1)\s+)?${NEXT_WORD}(?:(?:x|\*)\s*)?${NUM}(?:\/${NUM})?\s*-?\s*(?:mg|mcg|g|gm|milligrams?|micrograms?|grams?|%|percent|units?|iu|u|meq)(?:\s*\/\s*(?:\d+(?:\.\d+)?\s*)?(?:h|hrs?|hours?|d|days?|ml|g|tabs?|tablets?|caps?|capsules?|doses?|actuations?|sprays?))?\s+${NEXT_WORD}(${FORM_ALT})\b`,
  'g',
);
const STRENGTH_HINT = /\d\s*-?\s*(?:mg|mcg|g|gm|milli|micro|gram|%|percent|u|iu|unit|meq)/;

// Words glued together in exported SIGs ("tabpo", "pobid", "capspo"): split only when the
// whole word is made of these, so a drug name is never cut up. A "q" may end it ("cappoq"
// before "12 h"), and an "x" after a frequency ("tabpobidx" before "10 d").
const GLUED_PARTS = ['tabs', 'tab', 'caps', 'cap', 'gtts', 'gtt', 'ml', 'mg', 'mcg', 'po', 'sq', 'sc', 'sl', 'ou', 'os', 'au', 'sid', 'bid', 'tid', 'qid', 'qd', 'qod', 'eod', 'qam', 'qpm', 'qhs', 'hs', 'prn'];
const GLUED_FREQUENCIES = new Set(['sid', 'bid', 'tid', 'qid', 'qd', 'qod', 'eod', 'qam', 'qpm', 'qhs', 'hs', 'prn']);
const GLUED_START = new RegExp(`^(?:${GLUED_PARTS.join('|')})`);

const VULGAR: Record<string, string> = { '½': '1/2', '¼': '1/4', '¾': '3/4', '⅓': '1/3', '⅔': '2/3', '⅛': '1/8' };
const AS_NOT_EAR = /^(?:needed|directed|dir|required|req|necessary|instructed|indicated|tolerated|before|above|prescribed|per|long|soon|well|a|an|the|if|for|follows?|usual|told|advised|ordered)\b/i;

// Each rewrite below runs only when a cheap check finds what it needs in the text: parseSig
// runs on every cart change, and most SIGs need few of them. A check may let a rewrite run
// for nothing, never skip one that would change the text.
const RARE_CHARACTERS = /[½¼¾⅓⅔⅛\u2010-\u2015\u2212\u2044µμ]/;
const LABELS = new RegExp(`${SCHEDULE_LABEL.source}|${INSULIN_LABEL.source}`, 'g');
const CLOCK_HINT = /\d\s?(?:am|pm|a|p)\b|:\d|clock|\bat\s+\d/;
const NUMBER_WORD = new RegExp(String.raw`\b(?:${Object.keys(NUMBER_WORDS).join('|')})\b`, 'g');
const TABLET_AND_A_HALF = new RegExp(String.raw`\b(\d+) (${LATIN_FORMS}) and 0\.5\b`, 'g');

/** The canonical form of a SIG: what every later stage reads. */
export function normalise(raw: string): string {
  let s = raw.slice(0, MAX_LENGTH);
  if (RARE_CHARACTERS.test(s)) {
    s = s.replace(/[½¼¾⅓⅔⅛]/g, (f) => ` ${VULGAR[f] ?? ''} `);
    s = s.replace(/[\u2010-\u2015\u2212]/g, '-').replace(/\u2044/g, '/').replace(/[µμ]g\b/g, 'mcg');
  }
  // "AS" means left ear only in capitals and not as in "as needed"; mark it before case is lost.
  if (s.includes('AS') || s.includes('A.S')) {
    s = s.replace(/\bA\.?S\.?(?=[\s,;)]|$)/g, (m, offset: number) => {
      const rest = s.slice(offset + m.length).trimStart();
      return AS_NOT_EAR.test(rest) ? m : ' a_s ';
    });
  }
  if (s.includes('C')) s = s.replace(SPACED_SCHEDULE_LABEL, ' ');
  s = s.toLowerCase();
  s = s.replace(LABELS, (m) => (m.startsWith('u') ? ' insulin ' : ' '));
  if (s.includes('&')) s = s.replace(/&/g, ' and ');
  if (s.includes('@')) s = s.replace(/@/g, ' at ');
  if (s.includes('.')) {
    // Dotted abbreviations: p.o. → po, q.4.d → q4d, t.i.d. → tid; decimals stay.
    s = s.replace(/\b[a-z0-9](?:\.[a-z0-9]){1,4}\.?(?![a-z0-9])/g, (m) => (/[a-z]/.test(m) ? m.replace(/\./g, '') : m));
    s = s.replace(/\.(?!\d)/g, ' ');
  }
  s = s.replace(/(\d+(?:\.\d+)?)\s?m\s?(?=(?:iu|units?|u)\b)/g, (_m, n: string) => `${Number(n) * 1e6} `);
  if (CLOCK_HINT.test(s)) {
    // Clock times become one token each: they count as times of day, never as a dose.
    s = s.replace(/\bat\s+\d{1,2}\s+(?=in the\b)/g, ' at ');
    s = s.replace(/\b\d{1,2}:\d{2}\s?(?:am|pm|a|p)?\b/g, ' clocktime ');
    s = s.replace(/\b\d{1,2}(?:am|pm|a|p)\b/g, ' clocktime ');
    s = s.replace(/\b(at|and|clocktime)\s+\d{1,2}\s?(?:am|pm)\b/g, '$1 clocktime ');
    s = s.replace(/\b\d{1,2}\s+o\s?'?\s?clock\b/g, ' clocktime ');
  }
  s = s.replace(/\b(\d+)(?:st|nd|rd|th)\b/g, '$1');
  s = s.replace(/(\d)([a-z])/g, '$1 $2').replace(/([a-z])(\d)/g, '$1 $2');
  // Tokens glued together in exported SIGs: "bidx9 days", "tidprnas needed", "dailyinstr".
  if (s.includes('x')) s = s.replace(/\b(bid|tid|qid|qd|sid|eod|qod|qad|qam|qpm|am|pm|daily|day|days|bedtime|hs|qhs|prn|hrs?|h|weeks?|wks?|weekly|mos?|months?|monthly)x\b/g, '$1 x').replace(/(\d) dx\b/g, '$1 d x');
  s = s.replace(/\b(bid|tid|qid|qd|daily|qhs|prn)(?=[a-z]{2,})/g, '$1 ');
  if (s.includes('prn')) s = s.replace(/prn/g, ' prn ');
  s = s.replace(/[,;:()[\]{}!?"'`=+|\\~^<>]/g, ' ');
  s = s.replace(/\s+/g, ' ');
  s = fixTypos(s);
  if (LATIN_HINT.test(s)) {
    const latin = (n: string, ss: string | undefined) => String((LATIN[n] ?? 0) + (ss ? 0.5 : 0));
    s = s.replace(LATIN_BEFORE, (_m, n: string, ss: string | undefined, form: string) => `${latin(n, ss)} ${form}`);
    s = s.replace(LATIN_AFTER, (_m, form: string, n: string, ss: string | undefined) => `${latin(n, ss)} ${form}`);
  }

  if (s.includes('/') || s.includes('per')) {
    s = s.replace(/\b(?:mg|mgs|milligrams?)\s*(?:\/|per)\s*(?:kg|kilograms?|kilo)\b/g, 'mg/kg');
    s = s.replace(/\b(?:mg|mgs|milligrams?)\s*(?:\/|per)\s*(?:lbs?|pounds?)\b/g, 'mg/lb');
    s = s.replace(/\b(?:mcg|micrograms?)\s*(?:\/|per)\s*(?:kg|kilograms?)\b/g, 'mcg/kg');
    s = s.replace(/\b(?:mcg|micrograms?)\s*(?:\/|per)\s*(?:lbs?|pounds?)\b/g, 'mcg/lb');
    s = s.replace(/\b(?:ml|mls|milliliters?)\s*(?:\/|per)\s*(?:kg|kilograms?)\b/g, 'ml/kg');
  }
  if (s.includes('chew')) s = s.replace(/\b(?:soft )?chewable tablets?\b/g, 'chew').replace(/\bsoft chews?\b/g, 'chew');
  // "a thin layer" is the amount only where something is applied ("a small amount of food" is not).
  s = s.replace(/(\b(?:apply|applied|rub|massage|spread|paint)\b(?: \S+){0,3}? )(?:(?:an? )?(?:thin|small|light|pea[- ]sized|sparing|generous|liberal)\s+(?:layer|film|amount|coat|coating|ribbon)\b|sparingly\b)/g, '$1 1 application ');

  if (s.includes('half')) {
    s = s.replace(/\b([a-z]+|\d+) and (?:a|one)[ -]half\b/g, (m, n: string) => {
      const v = /^\d+$/.test(n) ? n : NUMBER_WORDS[n];
      return v === undefined ? m : String(Number(v) + 0.5);
    });
    s = s.replace(/\b(?:one[ -]half(?: of)?(?: an?)?|a half(?: of)?(?: an?)?|half(?: of)? an?|half)\b/g, '0.5');
  }
  if (s.includes('quarter')) {
    s = s.replace(/\bthree[ -]quarters?(?: of)?(?: an?)?\b/g, '0.75');
    s = s.replace(/\b(?:one[ -]quarter(?: of)?(?: an?)?|a quarter(?: of)?(?: an?)?|quarter(?: of)? an?)\b/g, '0.25');
  }
  if (s.includes('every ')) s = s.replace(/\bevery (second|third|fourth|fifth|other)\b/g, (_m, w: string) => `every ${ORDINAL_WORDS[w] ?? 'other'}`);
  if (s.includes('twice') || s.includes('thrice')) s = s.replace(/\bonce or twice\b/g, '1 or 2 times').replace(/\btwice\b/g, '2 times').replace(/\bthrice\b/g, '3 times');
  if (s.includes('once') || s.includes('one time')) s = s.replace(/\b(?:once|one time)(?= ?(?:a|an|per|each|every|daily|weekly|monthly|hourly|yearly|\/|day|week|month|hour|q)\b)/g, '1 time');
  s = s.replace(NUMBER_WORD, (w) => NUMBER_WORDS[w] ?? w);
  if (s.includes('times')) s = s.replace(/\b(\d+) (?:or|to|-) (\d+) times\b/g, '$1-$2 times');

  if (s.includes('/')) {
    // Fractions: only small proper ones, so strengths like 5/325 are left alone.
    s = s.replace(/(?<![\d./])(\d+) (\d)\/(\d)(?![\d/])/g, (m, w: string, a: string, b: string) => (properFraction(a, b) ? String(round(Number(w) + Number(a) / Number(b))) : m));
    s = s.replace(/(?<![\d./])(\d)\/(\d)(?![\d/])/g, (m, a: string, b: string) => (properFraction(a, b) ? String(round(Number(a) / Number(b))) : m));
  }
  if (s.includes(' and 0.')) s = s.replace(/\b(\d+) and (0\.\d+)\b/g, (_m, a: string, b: string) => String(Number(a) + Number(b)));
  // "every 4 four hours", "take one 1 tablet": the number said twice.
  s = s.replace(/(?<![\d.])(\d+(?:\.\d+)?) \1(?![\d./])/g, '$1');
  s = s.replace(/(?<![\d.]\s)\b(?:a|an)\s+(?=(?:tablet|tab|capsule|cap|chew|drop|puff|patch|application|pump|click|spray|suppository|vial|scoop|packet|troche|lozenge)\b)/g, '1 ');
  // "1 tablet and a half" (the half became 0.5 above).
  if (s.includes(' and 0.5')) s = s.replace(TABLET_AND_A_HALF, (_m, n: string, form: string) => `${Number(n) + 0.5} ${form}`);
  if (STRENGTH_HINT.test(s)) {
    s = s.replace(STRENGTH_BETWEEN, (_m, count: string, before: string | undefined, after: string | undefined, form: string) => [before, after, count, form].filter((w) => w !== undefined).join(' '));
  }
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
    if (GLUED_START.test(w)) {
      const parts = unglue(w);
      if (parts && parts.length > 1) return parts.join(' ');
    }
    return TYPOS.get(w) ?? w;
  });
}

/** `w` as a run of GLUED_PARTS, or undefined. An "x" may end it after a frequency, a "q" after anything. */
function unglue(w: string, previous = ''): string[] | undefined {
  if (w === '') return [];
  if (w === 'q' || (w === 'x' && GLUED_FREQUENCIES.has(previous))) return [w];
  for (const part of GLUED_PARTS) {
    if (!w.startsWith(part)) continue;
    const rest = unglue(w.slice(part.length), part);
    if (rest) return [part, ...rest];
  }
  return undefined;
}
