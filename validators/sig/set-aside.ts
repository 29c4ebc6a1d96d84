/**
 * Second stage: numbers that are not the dose, the frequency or the duration are blanked out
 * before any of those is read.
 */
import type { Text } from './text';
import { PERIOD_WORD, RANGE, UNIT_ALT } from './vocabulary';

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


// Mixing and reconstitution: "dissolve ½ tablet in 5 ml of water and give …" gives ½ tablet;
// the 5 ml is what it is mixed in. A clause runs from the mixing verb to the next verb that
// gives the dose (or "then").
const MIX_HINT = /dissolv|mix|crush|reconstitut|dilut|suspend|stir|combin|add|blend|dispers|prepar/;
const MIX_VERB = /\b(?:dissolv(?:e|ed|ing)|mix(?:ed|ing)?|crush(?:ed|ing)?|reconstitut(?:e|ed|ing)|dilut(?:e|ed|ing)|suspend(?:ed|ing)?|stir(?:red|ring)?|combin(?:e|ed|ing)|add(?:ed|ing)?|blend(?:ed|ing)?|dispers(?:e|ed|ing)|prepar(?:e|ed|ing))\b/g;
const GIVE_VERB = /\b(?:give|given|take|administer|feed|offer|instill|apply|squirt|drink|place|dose|syringe|then)\b/g;
const VOLUME = String.raw`(?:ml|mls|milliliters?|millilitres?|cc|ccs|tsps?|teaspoons?|tbsps?|tablespoons?|oz|ounces?|l|liters?|litres?)`;
// What the amount is mixed into: "in 5 ml", "with 20 ml", "to 30 ml".
const VEHICLE_AMOUNT = new RegExp(String.raw`\b(?:in|into|with|to|using)\s+(?:about\s+|approximately\s+|approx\s+|a total of\s+)?${RANGE}\s*-?\s*${VOLUME}\b`, 'g');
// A volume of water or food is never the dose, even outside a mixing clause ("followed by 5 ml
// of water"). Saline, milk or syrup can be (subcutaneous fluids, a syrup product), so they
// count only inside a mixing clause.
const VEHICLE_NOUN_HINT = /water|food|juice|broth|yogh?urt|applesauce/;
const VEHICLE_NOUN = new RegExp(String.raw`\b${RANGE}\s*-?\s*${VOLUME}\s+(?:of\s+)?(?:(?:tap|warm|cool|cold|clean|fresh|bottled|distilled|drinking|canned|wet|baby|tuna)\s+)?(?:water|food|juice|broth|yogh?urt|applesauce)\b`, 'g');
// An amount with a unit, to tell whether the giving clause states its own dose.
const AMOUNT = new RegExp(String.raw`(?<![\w.])${RANGE}\s*-?\s*(?:${UNIT_ALT})(?![\w/])`);

// Every hint above at once: most SIGs have none of them, and one test is cheaper than eleven.
const ANY_HINT = new RegExp(NOT_DOSE.map(([hint]) => hint.source).join('|'));

/** Blanks every number in `t` that belongs to something other than the dose. */
export function setAsideNotDoses(t: Text): void {
  if (ANY_HINT.test(t.value)) for (const [hint, re] of NOT_DOSE) if (hint.test(t.value)) t.take(re);
  if (VEHICLE_NOUN_HINT.test(t.value)) t.take(VEHICLE_NOUN);
  if (MIX_HINT.test(t.value)) setAsideMixing(t);
}

/**
 * In each mixing clause, the amount mixed into is blanked; so is the amount mixed when the
 * SIG goes on to give an amount of its own ("crush 1 tablet in 10 ml, give 2 ml" gives 2 ml).
 */
function setAsideMixing(t: Text): void {
  for (const verb of [...t.value.matchAll(MIX_VERB)]) {
    const start = verb.index;
    GIVE_VERB.lastIndex = start + verb[0].length;
    const next = GIVE_VERB.exec(t.value);
    const end = next ? next.index : t.value.length;
    const clause = t.value.slice(start, end);
    for (const m of clause.matchAll(VEHICLE_AMOUNT)) t.blank(start + m.index, start + m.index + m[0].length);
    if (next && AMOUNT.test(t.value.slice(end))) t.blank(start, end);
  }
}
