/**
 * First stage of the SIG parser: the raw text becomes canonical lower-case tokens, so later
 * stages match one spelling of each thing. Numbers in words and fractions become decimals,
 * dotted abbreviations lose their dots, glued export tokens are split, clock times become one
 * token, and a few misspellings of common SIG words are fixed.
 */
import { NUMBER_WORDS, round, UNITS } from './vocabulary';

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

const VULGAR: Record<string, string> = { '½': '1/2', '¼': '1/4', '¾': '3/4', '⅓': '1/3', '⅔': '2/3', '⅛': '1/8' };
const AS_NOT_EAR = /^(?:needed|directed|dir|required|req|necessary|instructed|indicated|tolerated|before|above|prescribed|per|long|soon|well|a|an|the|if|for|follows?|usual|told|advised|ordered)\b/i;

/** The canonical form of a SIG: what every later stage reads. */
export function normalise(raw: string): string {
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
