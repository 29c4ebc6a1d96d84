/**
 * The SIG parser's route stage: the route of administration and the site, written or read
 * from a site phrase or the unit.
 */
import type { Text } from './text';
import { addFrequency, type FrequencyCandidate } from './timing';
import type { Dose, SigContext, SigRoute } from './types';
import type { DoseCandidate } from './dose';

/**
 * A route found in the text: written (a route word or site abbreviation), implied by a site
 * phrase, or part of the product's name ("ophthalmic solution", "ear drops": `product`).
 */
export type RouteHit = { route: SigRoute; index: number; site?: string; written: boolean; product?: boolean };

// Written route words and abbreviations.
const ROUTE_WORDS: Array<[RegExp, SigRoute]> = [
  [/\b(?:po|by mouth|per os|orally|oral(?! transmucosal)|p o)\b/g, 'oral'],
  [/\b(?:sublingual(?:ly)?|sl|under (?:the )?tongue)\b/g, 'sublingual'],
  // Oral transmucosal (OTM) is absorbed through the cheek and gums, not swallowed.
  [/\b(?:buccal(?:ly)?|otm|(?:oral )?transmucosal(?:ly)?|between (?:the )?(?:cheek|gum)s?(?: and (?:the )?(?:cheek|gum)s?)?)\b/g, 'buccal'],
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
const SITE_ABBREVIATIONS: Record<string, [SigRoute, string]> = {
  ou: ['ophthalmic', 'both eyes'],
  os: ['ophthalmic', 'left eye'],
  au: ['otic', 'both ears'],
  ad: ['otic', 'right ear'],
  a_s: ['otic', 'left ear'],
};
const SITE_ABBREVIATION = /\b(?:ou|os|au|ad(?! lib)|a_s)\b/g;

// A route word that names the product ("ophthalmic solution", "nasal spray", "ear drops")
// says what the product was made for, not where this SIG puts it: a site written in the SIG
// ("in each nostril") beats it.
const PRODUCT_ROUTE: Record<string, SigRoute> = {
  ophthalmic: 'ophthalmic', ophth: 'ophthalmic', eye: 'ophthalmic', otic: 'otic', ear: 'otic', nasal: 'nasal',
  intranasal: 'nasal', nose: 'nasal', oral: 'oral', topical: 'topical', rectal: 'rectal', vaginal: 'vaginal',
  transdermal: 'transdermal', buccal: 'buccal', sublingual: 'sublingual',
};
const PRODUCT_NAME = new RegExp(
  String.raw`\b(${Object.keys(PRODUCT_ROUTE).join('|')}) (?:solution|soln|suspension|susp|ointment|oint|ung|drops?|gtts?|gel|cream|sprays?|emulsion|paste|powder|liquid|lotion|foam|oil|wash|rinse|cleaner|cleanser|preparation|product|medication|medicine|formulation|inserts?|film|syringe|tablets?|tabs?|capsules?|caps?|applicator|mist|aerosol|jelly)\b`,
  'g',
);

// Site phrases imply a route without writing one.
const SIDE = String.raw`(?:(left|right|both|each|affected|surgical|operative|operated|the|l|r)\s+)?`;
// The first element is a cheap hint: the phrase pattern is tried only when the hint is present.
const SITE_PHRASES: Array<[RegExp, RegExp, SigRoute, (m: RegExpExecArray) => string]> = [
  [/pinna|tip|flap/, /\b(?:inner (?:ear )?pinnae?|pinnae?|ear tips?|tips? of (?:the )?ears?|inside (?:of )?(?:the )?ear ?flaps?|ear ?flaps?)\b/g, 'transdermal', () => 'inner ear pinna'],
  [/eye|conjunctiv|lid/, new RegExp(String.raw`\b(?:(?:in|into|to|on|for)\s+(?:the\s+)?)?${SIDE}(?:eyes?|conjunctival sacs?|conjunctivae?|lower (?:eye)?lids?)\b`, 'g'), 'ophthalmic', (m) => sideSite(m[1], 'eye')],
  [/ear/, new RegExp(String.raw`\b(?:in|into|to|on)\s+(?:the\s+)?${SIDE}ears?(?:\s+canals?)?\b|\b${SIDE}ears?\b`, 'g'), 'otic', (m) => sideSite(m[1] ?? m[2], 'ear')],
  [/nostril|nose|nar/, /\b(?:each|both|one|either|the|left|right)? ?(?:nostrils?|nares|naris)\b|\bin(?:to)? the nose\b/g, 'nasal', (m) => nostril(m[0])],
  [/cheek|gum|gingiv/, /\b(?:(?:in|into|inside)\s+(?:of\s+)?(?:the\s+)?(?:(?:left|right)\s+)?cheek(?:\s+pouch(?:es)?)?|cheek\s+pouch(?:es)?|(?:on|onto|to|along|over|into|against)\s+(?:the\s+)?gums?(?:\s?line)?|gum\s?line|gingiva[le]?)\b/g, 'buccal', (m) => (/cheek/.test(m[0]) ? 'cheek pouch' : 'gums')],
  [/affected|skin|scalp|hair|forehead|lesion|spot|wound/, /\b(?:affected (?:and surrounding )?(?:areas?|skin|sites?|nails?|lesions?)|areas? of skin|to (?:the )?(?:skin|scalp|hair|forehead|lesions?|hot spots?|wounds?)|on (?:the )?skin)\b/g, 'topical', (m) => (/affected/.test(m[0]) ? 'affected area' : m[0].replace(/^(?:to|on) (?:the )?/, ''))],
];

const ANY_SITE_HINT = new RegExp(SITE_PHRASES.map(([hint]) => hint.source).join('|'));

function nostril(phrase: string): string {
  if (/each|both|nares/.test(phrase)) return 'each nostril';
  if (/left/.test(phrase)) return 'left nostril';
  if (/right/.test(phrase)) return 'right nostril';
  return 'nostril';
}

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

/** Every route word, site abbreviation and site phrase in the text, in the order written. */
export function readRouteHits(t: Text): RouteHit[] {
  const routes: RouteHit[] = [];
  for (const m of t.take(PRODUCT_NAME, false)) {
    const route = PRODUCT_ROUTE[m[1] ?? ''];
    if (!route) continue;
    routes.push({ route, index: m.index, written: true, product: true });
    t.blank(m.index, m.index + (m[1] ?? '').length);
  }
  for (const m of t.value.matchAll(ROUTE_WORDS_RE)) {
    const group = m.slice(1).findIndex((g) => g !== undefined);
    const route = ROUTE_WORDS[group]?.[1];
    if (route) routes.push({ route, index: m.index, written: true });
  }
  for (const m of t.value.matchAll(SITE_ABBREVIATION)) {
    const [route, site] = SITE_ABBREVIATIONS[m[0]] ?? [];
    if (route && site) routes.push({ route, index: m.index, site, written: true });
  }
  if (ANY_SITE_HINT.test(t.value)) readSitePhrases(t, routes);
  routes.sort((a, b) => a.index - b.index);
  return routes;
}

function readSitePhrases(t: Text, routes: RouteHit[]): void {
  for (const [hint, re, route, site] of SITE_PHRASES) {
    if (!hint.test(t.value)) continue;
    for (const m of t.value.matchAll(re)) {
      if (route === 'ophthalmic' || route === 'otic') {
        if (/\b(?:pinnae?|tips?|flaps?)\b/.test(t.value.slice(m.index + m[0].length, m.index + m[0].length + 8))) continue;
      }
      routes.push({ route, index: m.index, site: site(m), written: false });
    }
  }
}

/**
 * "OD": right eye (US and veterinary usage) unless the SIG plainly is not for an eye, where
 * it is the UK "once daily" ("500 mg po OD", "1 drop to skin od", "1 drop OS OD"). Adds a
 * route hit or a frequency candidate for each, and blanks them.
 */
export function resolveOd(t: Text, routes: RouteHit[], dose: Dose | undefined, frequencies: FrequencyCandidate[]): void {
  if (!t.value.includes('od')) return;
  const odHits = [...t.value.matchAll(/\bod\b/g)];
  if (odHits.length === 0) return;
  const otherEye = routes.some((r) => r.route === 'ophthalmic');
  const notEye =
    routes.some((r) => r.route !== 'ophthalmic') ||
    (dose?.unit !== undefined && !['drop', 'ml', 'application'].includes(dose.unit)) ||
    /\b(?:take|swallow|chew|inject)\b/.test(t.value);
  odHits.forEach((m, i) => {
    if (!otherEye && !notEye && i === 0) routes.push({ route: 'ophthalmic', index: m.index, site: 'right eye', written: true });
    else addFrequency(frequencies, m.index, { count: 1, period: 1, periodUnit: 'd' });
    t.blank(m.index, m.index + 2);
  });
  routes.sort((a, b) => a.index - b.index);
}

// Words that say the product is injected: then "give 0.4 ml" says no route, it is not by mouth.
const INJECTABLE_WORDS = /\b(?:inject\w*|inj|syringe|needle|vials?|insulin)\b/;
const INJECTABLE_FORM = /inject|parenteral|infusion|\binj\b|insulin/i;
// Amounts that "give" or "take" reads as by mouth when nothing else names the route. Units
// are not among them: a dose in units (insulin, some vaccines) is injected far more often.
const SWALLOWED_UNITS = new Set(['ml', 'mg', 'mcg', 'g', 'oz', 'scoop', 'packet']);

/**
 * The route. A written route word wins (a transmucosal or sublingual site refines "by mouth");
 * else a site phrase's (the site also beats a route in the product's name); else the
 * product's name; else the unit's (tablet → oral); else "give"/"take" with an amount reads as
 * by mouth, unless the dose is in units or the product is injected (the text or
 * `context.form` says so): then the route is missing.
 */
export function chooseRoute(
  t: Text,
  routes: RouteHit[],
  dose: Dose | undefined,
  candidates: DoseCandidate[],
  context: SigContext | undefined,
): { route?: SigRoute; routeInferred?: boolean } {
  const explicit = routes.find((r) => r.written && !r.product);
  if (explicit) {
    if (explicit.route === 'oral') {
      // Inhaled by mouth is inhalation, not oral.
      if (routes.some((r) => r.route === 'inhalation') || dose?.unit === 'puff') return { route: 'inhalation', routeInferred: false };
      const mucosal = routes.find((r) => r.route === 'buccal' || r.route === 'sublingual');
      if (mucosal) return { route: mucosal.route, routeInferred: false };
    }
    return { route: explicit.route, routeInferred: false };
  }
  const site = routes.find((r) => !r.written);
  const product = routes.find((r) => r.product);
  if (site) {
    if (site.route === 'otic' && (dose?.unit === 'click' || dose?.unit === 'pump')) return { route: 'transdermal', routeInferred: true };
    if (site.route === 'topical' && dose?.unit === 'patch') return { route: 'transdermal', routeInferred: true };
    return { route: site.route, routeInferred: product?.route !== site.route };
  }
  if (product) return { route: product.route, routeInferred: false };
  const fromUnit = [dose?.unit, ...candidates.map((c) => c.dose.unit)].map((u) => (u ? UNIT_ROUTE[u] : undefined)).find((r) => r !== undefined);
  if (fromUnit) return { route: fromUnit, routeInferred: true };
  const injectable = INJECTABLE_WORDS.test(t.value) || (context?.form !== undefined && INJECTABLE_FORM.test(context.form));
  const swallowed = !injectable && /\b(?:take|drink|swallow|give|swish|gargle)\b/.test(t.value);
  if (dose && swallowed && (dose.unit === undefined || SWALLOWED_UNITS.has(dose.unit))) return { route: 'oral', routeInferred: true };
  return {};
}

/**
 * The site that goes with the route (a sided one, "left eye", before a plain "eye"), else the
 * first one written.
 */
export function siteOf(routes: RouteHit[], route: SigRoute | undefined): string | undefined {
  const forRoute = routes.filter((r) => r.site !== undefined && (r.route === route || !route));
  const site = forRoute.find((r) => !GENERIC_SITES.has(r.site ?? '')) ?? forRoute[0] ?? routes.find((r) => r.site !== undefined);
  return site?.site;
}
const GENERIC_SITES = new Set(['eye', 'ear', 'nostril']);
