import { describe, expect, it } from 'vitest';
import { parseSig } from '../sig';
import { doseOf, milligramsOf, parseStrength } from './dose-per-kg';

describe('parseStrength', () => {
  it.each([
    ['50 mg/mL', '', { mgPer: 'ml', mg: 50 }],
    ['5 mg/0.1 mL', '', { mgPer: 'ml', mg: 50 }],
    ['1000 mcg/mL', '', { mgPer: 'ml', mg: 1 }],
    ['0.625 mg', '', { mgPer: 'each', mg: 0.625 }],
    ['2.5 mg/tablet', '', { mgPer: 'each', mg: 2.5 }],
    ['10 mg/g', 'cream', { mgPer: 'g', mg: 10 }],
    ['1%', 'ophthalmic solution', { mgPer: 'ml', mg: 10 }],
    ['0.2%', 'ophthalmic ointment', { mgPer: 'g', mg: 2 }],
  ] as const)('%s (%s)', (text, form, expected) => {
    const parsed = parseStrength(text, form);
    expect(parsed?.mgPer).toBe(expected.mgPer);
    expect(parsed?.mg).toBeCloseTo(expected.mg, 10);
  });

  it.each(['272 mcg/227 mg', '30 mg/5 mg', 'see label', '', '0 mg/mL'])('refuses %j', (text) => {
    expect(parseStrength(text)).toBeUndefined();
  });
});

describe('milligramsOf', () => {
  const liquid = parseStrength('50 mg/mL');
  const tablet = parseStrength('75 mg');
  it('converts the units a dose is written in', () => {
    expect(milligramsOf(0.5, 'ml', liquid)).toBe(25);
    expect(milligramsOf(2, 'click', parseStrength('5 mg/0.1 mL'))).toBeCloseTo(10);
    expect(milligramsOf(1.5, 'tablet', tablet)).toBe(112.5);
    expect(milligramsOf(1, 'caplet', tablet)).toBe(75);
    expect(milligramsOf(25, 'mg', undefined)).toBe(25);
    expect(milligramsOf(250, 'mcg', undefined)).toBe(0.25);
    // A bare number is in the product's own unit.
    expect(milligramsOf(2, undefined, liquid)).toBe(100);
    expect(milligramsOf(2, undefined, tablet)).toBe(150);
  });
  it('does not guess', () => {
    expect(milligramsOf(1, 'tablet', liquid)).toBeUndefined();
    expect(milligramsOf(1, 'ml', tablet)).toBeUndefined();
    expect(milligramsOf(1, 'drop', liquid)).toBeUndefined();
    expect(milligramsOf(1, 'ml', undefined)).toBeUndefined();
  });
});

describe('doseOf', () => {
  it('gives mg, mg/kg per dose and per day', () => {
    const dose = doseOf(parseSig('Give 0.5 ml by mouth q8h'), parseStrength('50 mg/mL'), 4);
    expect(dose).toEqual({ mgPerDose: { low: 25, high: 25 }, mgPerKgPerDose: { low: 6.25, high: 6.25 }, timesPerDay: 3, mgPerDay: 75, mgPerKgPerDay: 18.75 });
  });
  it('reads a range at both ends', () => {
    const dose = doseOf(parseSig('Give 1-2 tablets PO BID'), parseStrength('10 mg'), 5);
    expect(dose?.mgPerKgPerDose).toEqual({ low: 2, high: 4 });
    expect(dose?.mgPerKgPerDay).toBe(8);
  });
  it('leaves out what needs a weight or a frequency it does not have', () => {
    expect(doseOf(parseSig('Give 1 ml PO'), parseStrength('10 mg/mL'), null)).toEqual({ mgPerDose: { low: 10, high: 10 } });
    expect(doseOf(parseSig('Give 2 mg/kg PO BID'), undefined, null)).toEqual({ mgPerKgPerDose: { low: 2, high: 2 }, timesPerDay: 2, mgPerKgPerDay: 4 });
    expect(doseOf(parseSig('Give by mouth BID'), parseStrength('10 mg/mL'), 4)).toBeUndefined();
  });
});
