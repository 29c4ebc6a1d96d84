/** US states, DC, territories and other USPS codes: the reference data lives in validators/data with its source. */
export { US_STATES, US_TERRITORIES, US_STATE_CODES, USPS_CODES, US_STATE_NAMES, isUsStateCode, isUspsCode } from '../data/us-states';
export type { UsStateCode, UspsCode } from '../data/us-states';
