import { describe, expect, it } from 'vitest';
import { US_STATE_CODES, US_STATE_NAMES, USPS_CODES, US_STATES, isUsStateCode, isUspsCode } from './us-states';

describe('us-states', () => {
  it('lists the 50 states, DC and the five inhabited territories, and nothing obsolete', () => {
    expect(US_STATE_CODES).toHaveLength(56);
    expect(['CA', 'DC', 'PR', 'GU', 'VI'].every(isUsStateCode)).toBe(true);
    expect(['ca', 'DK', 'AE', 'XX', ''].some(isUsStateCode)).toBe(false);
  });

  it('names every code it knows, and knows the freely associated states and military mail as places, not licence states', () => {
    expect(US_STATES).toHaveLength(50);
    expect(Object.keys(US_STATE_NAMES).sort()).toEqual([...USPS_CODES].sort());
    expect(US_STATE_NAMES.CA).toBe('California');
    expect(['FM', 'AE', 'DC'].every(isUspsCode)).toBe(true);
    expect(['DK', 'ca', 'XX'].some(isUspsCode)).toBe(false);
  });
});
