import { describe, expect, it } from 'vitest';
import {
  EMPTY,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatRelative,
  formatRole,
  formatSpecies,
  formatState,
  formatWeight,
  formatDaysAgo,
  formatPhone,
  humanize,
} from './format';

// All formatters print 'en-US'; times are printed in the zone named here, so these results
// are the same on any machine.
const LA = { timeZone: 'America/Los_Angeles' };

describe('formatMoney', () => {
  it('prints integer cents as dollars with grouping', () => {
    expect(formatMoney(123456)).toBe('$1,234.56');
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(5)).toBe('$0.05');
    expect(formatMoney(100)).toBe('$1.00');
    expect(formatMoney(123456789012)).toBe('$1,234,567,890.12');
  });

  it('prints negatives and, on request, a plus sign', () => {
    expect(formatMoney(-50)).toBe('-$0.50');
    expect(formatMoney(120, { signed: true })).toBe('+$1.20');
    expect(formatMoney(0, { signed: true })).toBe('$0.00');
    expect(formatMoney(-120, { signed: true })).toBe('-$1.20');
  });

  it('stays exact at the largest safe amount', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER)).toBe('$90,071,992,547,409.91');
  });

  it('refuses fractional cents instead of rounding them away', () => {
    expect(() => formatMoney(10.5)).toThrow(RangeError);
    expect(() => formatMoney(Number.NaN)).toThrow(RangeError);
  });

  it('prints a dash for a missing amount', () => {
    expect(formatMoney(null)).toBe(EMPTY);
    expect(formatMoney(undefined)).toBe(EMPTY);
  });
});

describe('formatNumber', () => {
  it('groups thousands', () => {
    expect(formatNumber(20000)).toBe('20,000');
    expect(formatNumber(null)).toBe(EMPTY);
  });
});

describe('formatDate', () => {
  it('prints a date-only string as that calendar date in any zone', () => {
    expect(formatDate('2026-11-21', LA)).toBe('Nov 21, 2026');
    expect(formatDate('2026-11-21', { timeZone: 'Pacific/Kiritimati' })).toBe('Nov 21, 2026');
  });

  it('prints a timestamp as its date in the given zone', () => {
    // 03:00 UTC on the 22nd is still the evening of the 21st in California.
    expect(formatDate('2026-11-22T03:00:00Z', LA)).toBe('Nov 21, 2026');
    expect(formatDate('2026-11-22T03:00:00Z', { timeZone: 'UTC' })).toBe('Nov 22, 2026');
    expect(formatDate(new Date('2026-11-22T03:00:00Z'), LA)).toBe('Nov 21, 2026');
  });

  it('defaults to UTC, not the machine zone', () => {
    expect(formatDate('2026-11-22T03:00:00Z')).toBe('Nov 22, 2026');
  });

  it('returns unparseable input as given and a dash for nothing', () => {
    expect(formatDate('soon')).toBe('soon');
    expect(formatDate(null)).toBe(EMPTY);
  });
});

describe('formatDateTime', () => {
  it('prints date and time in the zone with a plain space before AM/PM', () => {
    expect(formatDateTime('2026-11-21T23:05:00Z', LA)).toBe('Nov 21, 2026, 3:05 PM');
    expect(formatDateTime('2026-07-04T16:30:00Z', { timeZone: 'America/New_York' })).toBe('Jul 4, 2026, 12:30 PM');
  });

  it('prints a date-only string without a time', () => {
    expect(formatDateTime('2026-11-21', LA)).toBe('Nov 21, 2026');
  });
});

describe('formatRelative', () => {
  const now = '2026-11-21T12:00:00Z';

  it('says how far ahead or behind a moment is', () => {
    expect(formatRelative('2026-11-21T14:00:00Z', now)).toBe('in 2 h');
    expect(formatRelative('2026-11-21T11:25:00Z', now)).toBe('35 min ago');
    expect(formatRelative('2026-11-21T13:05:00Z', now)).toBe('in 1 h 5 min');
    expect(formatRelative('2026-11-23T15:00:00Z', now)).toBe('in 2 d 3 h');
    expect(formatRelative('2026-11-01T12:00:00Z', now)).toBe('20 d ago');
  });

  it('says overdue for a past deadline and keeps "in" for a future one', () => {
    expect(formatRelative('2026-11-21T10:55:00Z', now, { deadline: true })).toBe('overdue 1 h 5 min');
    expect(formatRelative('2026-11-21T12:30:00Z', now, { deadline: true })).toBe('in 30 min');
  });

  it('truncates to whole minutes and calls under a minute "now"', () => {
    expect(formatRelative('2026-11-21T12:35:59Z', now)).toBe('in 35 min');
    expect(formatRelative('2026-11-21T12:00:30Z', now)).toBe('now');
    expect(formatRelative('2026-11-21T11:59:30Z', now, { deadline: true })).toBe('due now');
  });

  it('prints a dash for missing or unparseable moments', () => {
    expect(formatRelative(null, now)).toBe(EMPTY);
    expect(formatRelative('later', now)).toBe(EMPTY);
  });
});

describe('formatSpecies', () => {
  it('gives each species one label whatever the stored spelling', () => {
    expect(formatSpecies('dog')).toBe('Dog');
    expect(formatSpecies('CAT')).toBe('Cat');
    expect(formatSpecies('canine')).toBe('Dog');
    expect(formatSpecies('rabbit')).toBe('Rabbit');
    expect(formatSpecies('ferret')).toBe('Ferret');
    expect(formatSpecies('equine')).toBe('Horse');
    expect(formatSpecies('horse')).toBe('Horse');
    expect(formatSpecies('guinea_pig')).toBe('Guinea pig');
    expect(formatSpecies('')).toBe(EMPTY);
  });
});

describe('formatWeight', () => {
  it('prints kilograms with one decimal, two under a kilogram', () => {
    expect(formatWeight(4.2)).toBe('4.2 kg');
    expect(formatWeight(32)).toBe('32.0 kg');
    expect(formatWeight(4.25)).toBe('4.3 kg');
    expect(formatWeight(0.85)).toBe('0.85 kg');
    expect(formatWeight(512)).toBe('512.0 kg');
    expect(formatWeight(null)).toBe(EMPTY);
    expect(formatWeight(Number.NaN)).toBe(EMPTY);
  });
});

describe('formatState', () => {
  it('names USPS codes, with the code on request', () => {
    expect(formatState('CA')).toBe('California');
    expect(formatState('nv')).toBe('Nevada');
    expect(formatState('DC', { withCode: true })).toBe('District of Columbia (DC)');
    expect(formatState('PR')).toBe('Puerto Rico');
  });

  it('returns an unknown code upper-cased rather than guessing', () => {
    expect(formatState('zz')).toBe('ZZ');
    expect(formatState('toString')).toBe('TOSTRING');
    expect(formatState(null)).toBe(EMPTY);
  });
});

describe('labels', () => {
  it('names roles and humanizes unknown codes', () => {
    expect(formatRole('front_desk')).toBe('Front desk');
    expect(formatRole('veterinarian')).toBe('Veterinarian');
    expect(formatRole('night_owl')).toBe('Night owl');
    expect(humanize('delivery-failed')).toBe('Delivery failed');
  });
});

describe('formatDaysAgo', () => {
  it.each([
    ['2026-03-10', 'today'],
    ['2026-03-09', 'yesterday'],
    ['2026-02-20', '18 days ago'],
    ['2025-12-01', '3 months ago'],
    ['2023-01-01', '3 years ago'],
    ['2026-03-11', 'in the future'],
    [null, '—'],
  ])('%s → %s', (day, text) => expect(formatDaysAgo(day, '2026-03-10')).toBe(text));
});

describe('formatPhone', () => {
  it('reads US numbers as (916) 555-0123 and leaves others as stored', () => {
    expect(formatPhone('+19165550123')).toBe('(916) 555-0123');
    expect(formatPhone('+442079460958')).toBe('+442079460958');
    expect(formatPhone(null)).toBe('—');
  });
});

describe('formatAge', () => {
  it('says weeks, months or years on the clinic’s calendar', async () => {
    const { formatAge } = await import('./format');
    expect(formatAge('2026-11-10', '2026-12-03')).toBe('3 wk');
    expect(formatAge('2026-04-03', '2026-12-03')).toBe('8 mo');
    expect(formatAge('2024-12-04', '2026-12-03')).toBe('23 mo');
    expect(formatAge('2023-12-03', '2026-12-03')).toBe('3 y');
    expect(formatAge(null, '2026-12-03')).toBe('—');
    expect(formatAge('2027-01-01', '2026-12-03')).toBe('—');
  });
});
