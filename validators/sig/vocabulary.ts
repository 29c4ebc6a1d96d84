/**
 * Words and number patterns every stage of the SIG parser shares. Each stage keeps the words
 * only it reads (route words in route.ts, frequency codes in timing.ts).
 */

export type UnitInfo = { unit: string; rank: number; factor?: number };

// rank: when several amounts are written ("1 tablet 200 mg", "0.1 ml (1 click)"), the one
// the quantity is dispensed in wins: volume, then countable forms, then mass/strength.
export const UNITS: Record<string, UnitInfo> = {};
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

export const UNIT_ALT = Object.keys(UNITS)
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace('/', '\\/'))
  .join('|');
export const FORM_ALT = Object.keys(UNITS)
  .filter((w) => (UNITS[w]?.rank ?? 0) >= 2)
  .sort((a, b) => b.length - a.length)
  .join('|');

export const NUM = String.raw`(?:\d+(?:\.\d+)?|\.\d+)`;
export const RANGE = String.raw`(${NUM})(?:\s*(?:-|to|or)\s*(${NUM}))?`;
export const PERIOD_WORD = String.raw`(hours?|hrs?|h|minutes?|mins?|min|days?|d|nights?|weeks?|wks?|w|months?|mos?|years?|yrs?)`;

export const NUMBER_WORDS: Record<string, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8',
  nine: '9', ten: '10', eleven: '11', twelve: '12', fourteen: '14', fifteen: '15', twenty: '20',
  thirty: '30', sixty: '60', ninety: '90',
};

// Floating-point noise (24/7 etc.) would make equal SIGs compare unequal downstream.
export function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
