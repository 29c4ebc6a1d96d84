/**
 * USPS two-letter codes of the places vialcart ships to or licenses in, with their names.
 *
 * Source: the 50 states, DC and the five inhabited territories from unitedstates/python-us
 * (`us/states.py`, BSD-3-Clause); the freely associated states and military mail from USPS
 * Publication 28, appendix B. Left out on purpose: the obsolete codes (DK, OL, PI).
 *
 * The database's `usps_state` domain accepts every code here ({@link USPS_CODES}); a pharmacy
 * is licensed to ship only into a state, DC or an inhabited territory ({@link US_STATE_CODES}),
 * since no state pharmacy board licenses the freely associated states or military mail.
 */

/** The 50 states, alphabetical by code. */
export const US_STATES = ['AK', 'AL', 'AR', 'AZ', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'IA', 'ID', 'IL', 'IN', 'KS', 'KY', 'LA', 'MA', 'MD', 'ME', 'MI', 'MN', 'MO', 'MS', 'MT', 'NC', 'ND', 'NE', 'NH', 'NJ', 'NM', 'NV', 'NY', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VA', 'VT', 'WA', 'WI', 'WV', 'WY'] as const;

/** The inhabited territories: American Samoa, Guam, Northern Mariana Islands, Puerto Rico, US Virgin Islands. */
export const US_TERRITORIES = ['AS', 'GU', 'MP', 'PR', 'VI'] as const;

/** Every code a feed or order may name as a ship-to or licence state: the states, DC and the inhabited territories. */
export const US_STATE_CODES = [...US_STATES, 'DC', ...US_TERRITORIES] as const;

/** A USPS code of a state, DC or an inhabited territory, e.g. `"CA"`. */
export type UsStateCode = (typeof US_STATE_CODES)[number];

/** Every USPS code vialcart knows: the above, the freely associated states and military mail. */
export const USPS_CODES = [...US_STATE_CODES, 'FM', 'MH', 'PW', 'AA', 'AE', 'AP'] as const;

/** A USPS code vialcart knows a name for. */
export type UspsCode = (typeof USPS_CODES)[number];

/** Code → name, e.g. `CA` → `California`. */
export const US_STATE_NAMES = {
  AK: 'Alaska',
  AL: 'Alabama',
  AR: 'Arkansas',
  AZ: 'Arizona',
  CA: 'California',
  CO: 'Colorado',
  CT: 'Connecticut',
  DE: 'Delaware',
  FL: 'Florida',
  GA: 'Georgia',
  HI: 'Hawaii',
  IA: 'Iowa',
  ID: 'Idaho',
  IL: 'Illinois',
  IN: 'Indiana',
  KS: 'Kansas',
  KY: 'Kentucky',
  LA: 'Louisiana',
  MA: 'Massachusetts',
  MD: 'Maryland',
  ME: 'Maine',
  MI: 'Michigan',
  MN: 'Minnesota',
  MO: 'Missouri',
  MS: 'Mississippi',
  MT: 'Montana',
  NC: 'North Carolina',
  ND: 'North Dakota',
  NE: 'Nebraska',
  NH: 'New Hampshire',
  NJ: 'New Jersey',
  NM: 'New Mexico',
  NV: 'Nevada',
  NY: 'New York',
  OH: 'Ohio',
  OK: 'Oklahoma',
  OR: 'Oregon',
  PA: 'Pennsylvania',
  RI: 'Rhode Island',
  SC: 'South Carolina',
  SD: 'South Dakota',
  TN: 'Tennessee',
  TX: 'Texas',
  UT: 'Utah',
  VA: 'Virginia',
  VT: 'Vermont',
  WA: 'Washington',
  WI: 'Wisconsin',
  WV: 'West Virginia',
  WY: 'Wyoming',
  DC: 'District of Columbia',
  AS: 'American Samoa',
  GU: 'Guam',
  MP: 'Northern Mariana Islands',
  PR: 'Puerto Rico',
  VI: 'Virgin Islands',
  FM: 'Federated States of Micronesia',
  MH: 'Marshall Islands',
  PW: 'Palau',
  AA: 'Armed Forces Americas',
  AE: 'Armed Forces Europe/Middle East/Africa/Canada',
  AP: 'Armed Forces Pacific',
} as const satisfies Record<UspsCode, string>;

const licensable: ReadonlySet<string> = new Set(US_STATE_CODES);

/** True when `code` is exactly (upper case) one of {@link US_STATE_CODES}. */
export function isUsStateCode(code: string): code is UsStateCode {
  return licensable.has(code);
}

/** True when `code` (upper case, as stored) is any USPS code vialcart knows ({@link USPS_CODES}). */
export function isUspsCode(code: string): code is UspsCode {
  return Object.hasOwn(US_STATE_NAMES, code);
}
