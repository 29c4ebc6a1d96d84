/**
 * Second stage: numbers that are not the dose, the frequency or the duration are blanked out
 * before any of those is read.
 */
import type { Text } from './text';
import { PERIOD_WORD, RANGE } from './vocabulary';

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


/** Blanks every number in `t` that belongs to something other than the dose. */
export function setAsideNotDoses(t: Text): void {
  for (const [hint, re] of NOT_DOSE) if (hint.test(t.value)) t.take(re);
}
