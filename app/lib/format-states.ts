/**
 * USPS two-letter codes and names of the places vialcart can ship to or license in: the 50
 * states, DC, the inhabited territories, the freely associated states and military mail.
 * Source: USPS Publication 28, appendix B (as mirrored in ../shared/data/us_states_territories.csv);
 * obsolete codes (DK, OL, PI) are left out on purpose.
 *
 * Kept in app/lib (not validators/data) because the browser formats state codes too.
 */
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
} as const satisfies Record<string, string>;

/** A USPS code vialcart knows a name for. */
export type UsStateCode = keyof typeof US_STATE_NAMES;

/** True when `code` (upper case, as stored) is a USPS code in {@link US_STATE_NAMES}. */
export function isUsStateCode(code: string): code is UsStateCode {
  return Object.hasOwn(US_STATE_NAMES, code);
}
