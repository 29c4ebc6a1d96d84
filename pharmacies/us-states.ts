/**
 * USPS codes of the places a pharmacy can be licensed to ship into: the 50 states, the District
 * of Columbia and the five inhabited territories.
 *
 * Source: ../shared/data/us_states_territories.csv (unitedstates/python-us `us/states.py`,
 * BSD-3-Clause; USPS Publication 28). Left out on purpose: the freely associated states (FM, MH,
 * PW) and military mail (AA, AE, AP), which no state pharmacy board licenses, and the obsolete
 * codes (DK, OL, PI).
 *
 * app/lib/format-states.ts holds the names for display; pharmacies/ may not import app/, and the
 * browser may not import pharmacies/, so each side keeps its own list.
 */

/** The 50 states, alphabetical by code. */
export const US_STATES = ['AK', 'AL', 'AR', 'AZ', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'IA', 'ID', 'IL', 'IN', 'KS', 'KY', 'LA', 'MA', 'MD', 'ME', 'MI', 'MN', 'MO', 'MS', 'MT', 'NC', 'ND', 'NE', 'NH', 'NJ', 'NM', 'NV', 'NY', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VA', 'VT', 'WA', 'WI', 'WV', 'WY'] as const;

/** The inhabited territories: American Samoa, Guam, Northern Mariana Islands, Puerto Rico, US Virgin Islands. */
export const US_TERRITORIES = ['AS', 'GU', 'MP', 'PR', 'VI'] as const;

/** Every code a feed or order may name as a ship-to or licence state. */
export const US_STATE_CODES = [...US_STATES, 'DC', ...US_TERRITORIES] as const;

/** A USPS code of a state, DC or an inhabited territory, e.g. `"CA"`. */
export type UsStateCode = (typeof US_STATE_CODES)[number];

const known: ReadonlySet<string> = new Set(US_STATE_CODES);

/** True when `code` is exactly (upper case) one of {@link US_STATE_CODES}. */
export function isUsStateCode(code: string): code is UsStateCode {
  return known.has(code);
}
