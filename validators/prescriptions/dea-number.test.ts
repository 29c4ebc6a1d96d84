import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRACTITIONER_TYPES, checkDeaNumber, deaCheckDigit } from './dea-number';

/** A valid practitioner's DEA number: type letter, surname initial or 9, six digits and their check digit. */
const validNumber = fc
  .tuple(
    fc.constantFrom(...PRACTITIONER_TYPES),
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ9'),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }),
  )
  .map(([type, initial, digits]) => `${type}${initial}${digits.join('')}${deaCheckDigit(digits.join(''))}`);

describe('DEA numbers', () => {
  it('computes the check digit as (d1 + d3 + d5) + 2 × (d2 + d4 + d6), last digit', () => {
    // 1+3+5 = 9; 2 × (2+4+6) = 24; 33 → 3.
    expect(deaCheckDigit('123456')).toBe(3);
    expect(deaCheckDigit('000000')).toBe(0);
    // 9+9+9 = 27; 2 × 27 = 54; 81 → 1.
    expect(deaCheckDigit('999999')).toBe(1);
    expect(() => deaCheckDigit('12345')).toThrow(RangeError);
  });

  it('accepts the demo numbers and a number typed with spaces, hyphens or lower case', () => {
    expect(checkDeaNumber('BA1234563')).toEqual({ ok: true, number: 'BA1234563' });
    expect(checkDeaNumber(' ba 123456-3 ')).toEqual({ ok: true, number: 'BA1234563' });
    expect(checkDeaNumber('B91234563')).toEqual({ ok: true, number: 'B91234563' });
  });

  it.each([
    ['', 'Enter the DEA number.'],
    ['BA123456', 'A DEA number is two letters and seven digits, like BA1234563.'],
    ['1A1234563', 'A DEA number is two letters and seven digits, like BA1234563.'],
    ['BA12345X3', 'A DEA number is two letters and seven digits, like BA1234563.'],
    ['XA1234563', "A veterinarian's DEA number starts with A, B, F or G (a practitioner); this one starts with X."],
    ['B11234563', "The second character is the registrant's surname initial, or 9 for a business name; not 1."],
    ['BA1234564', 'The check digit does not match: after 123456 it must be 3, not 4. Check the number on the registration certificate.'],
  ])('refuses %j with the reason', (number, reason) => {
    expect(checkDeaNumber(number)).toEqual({ ok: false, reason });
  });

  it('accepts every generated valid number', () => {
    fc.assert(
      fc.property(validNumber, (number) => {
        expect(checkDeaNumber(number)).toEqual({ ok: true, number });
      }),
      { numRuns: 500 },
    );
  });

  // The DEA checksum doubles d2, d4 and d6, so changing one of them by 5 adds 10 and keeps the
  // last digit: that corruption (and only that one) cannot be caught by any checker of this
  // scheme. Every other single-digit corruption must be refused.
  const corrupt = (number: string, position: number, shift: number) =>
    number.slice(0, position) + String((Number(number[position]) + shift) % 10) + number.slice(position + 1);
  const undetectable = (position: number, shift: number) => [3, 5, 7].includes(position) && shift === 5;

  it('refuses every single-digit corruption the checksum can see, naming the check digit', () => {
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 9 }), (number, position, shift) => {
        fc.pre(!undetectable(position, shift));
        const result = checkDeaNumber(corrupt(number, position, shift));
        expect(result.ok).toBe(false);
        expect(!result.ok && result.reason).toMatch(/^The check digit does not match/);
      }),
      { numRuns: 2000 },
    );
  });

  it('misses only a change of 5 in a doubled digit (d2, d4, d6), as the scheme must', () => {
    fc.assert(
      fc.property(validNumber, fc.constantFrom(3, 5, 7), (number, position) => {
        expect(checkDeaNumber(corrupt(number, position, 5)).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
    // Exhaustively for one number: 7 digits × 9 other values = 63 corruptions, 3 of them unseen.
    const seen = [2, 3, 4, 5, 6, 7, 8].flatMap((position) => [1, 2, 3, 4, 5, 6, 7, 8, 9].map((shift) => checkDeaNumber(corrupt('BA1234563', position, shift)).ok));
    expect(seen.filter((ok) => ok)).toHaveLength(3);
  });
});
