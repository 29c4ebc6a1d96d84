/**
 * The SIG parser's route stage: the route of administration and the site, written or read
 * from a site phrase or the unit.
 */
import type { Text } from './text';
import { addFrequency, type FrequencyCandidate } from './timing';
import type { Dose, SigRoute } from './types';
import type { DoseCandidate } from './dose';

/** A route found in the text: written (a route word or site abbreviation) or implied by a site phrase. */
export type RouteHit = { route: SigRoute; index: number; site?: string; written: boolean };

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

/** Every route word, site abbreviation and site phrase in the text, in the order written. */
export function readRouteHits(t: Text): RouteHit[] {
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
  return routes;
}

/**
 * "OD": right eye (US and veterinary usage) unless the SIG plainly is not for an eye, where
 * it is the UK "once daily" ("500 mg po OD", "1 drop to skin od", "1 drop OS OD"). Adds a
 * route hit or a frequency candidate for each, and blanks them.
 */
export function resolveOd(t: Text, routes: RouteHit[], dose: Dose | undefined, frequencies: FrequencyCandidate[]): void {
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

/**
 * The route: a written one wins; else a site phrase's; else the unit's (tablet → oral); else
 * "give"/"take" with an amount reads as by mouth, unless the SIG speaks of an injection.
 */
export function chooseRoute(t: Text, routes: RouteHit[], dose: Dose | undefined, candidates: DoseCandidate[]): { route?: SigRoute; routeInferred?: boolean } {
  const explicit = routes.find((r) => r.written);
  const implied = routes.find((r) => !r.written);
  if (explicit) {
    // Inhaled by mouth is inhalation, not oral.
    if (explicit.route === 'oral' && (routes.some((r) => r.route === 'inhalation') || dose?.unit === 'puff')) return { route: 'inhalation', routeInferred: false };
    return { route: explicit.route, routeInferred: false };
  }
  if (implied) {
    if (implied.route === 'otic' && dose?.unit && (dose.unit === 'click' || dose.unit === 'pump')) return { route: 'transdermal', routeInferred: true };
    return { route: implied.route, routeInferred: true };
  }
  const fromUnit = [dose?.unit, ...candidates.map((c) => c.dose.unit)].map((u) => (u ? UNIT_ROUTE[u] : undefined)).find((r) => r !== undefined);
  if (fromUnit) return { route: fromUnit, routeInferred: true };
  const swallowed = /\b(?:take|drink|swallow|give|swish|gargle)\b/.test(t.value) && !/\b(?:inject\w*|syringe|needle)\b/.test(t.value);
  if (dose && swallowed && (dose.unit === undefined || ['ml', 'mg', 'mcg', 'g', 'oz', 'scoop', 'packet', 'unit'].includes(dose.unit))) return { route: 'oral', routeInferred: true };
  return {};
}

/** The site that goes with the route, else the first one written. */
export function siteOf(routes: RouteHit[], route: SigRoute | undefined): string | undefined {
  return (routes.find((r) => r.site !== undefined && (r.route === route || !route)) ?? routes.find((r) => r.site !== undefined))?.site;
}
