import { describe, expect, it } from 'vitest';
import { addMonths, isActiveOn } from './dates';

describe('addMonths', () => {
  it.each([
    ['2024-12-15', 6, '2025-06-15'],
    ['2024-08-31', 6, '2025-02-28'],
    ['2023-08-31', 6, '2024-02-29'],
    ['2025-01-31', -2, '2024-11-30'],
    ['2024-06-15', 12, '2025-06-15'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => addMonths('15/06/2025', 1)).toThrow(RangeError);
  });
});

describe('isActiveOn', () => {
  it('counts the expiry date itself as active', () => {
    expect(isActiveOn('2025-06-15', '2025-06-15')).toBe(true);
    expect(isActiveOn('2025-06-14', '2025-06-15')).toBe(false);
  });
});
