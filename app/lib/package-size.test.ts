import { describe, expect, it } from 'vitest';
import { packageSizeFromDescription } from './package-size';

describe('packageSizeFromDescription', () => {
  it.each([
    ['30 mL bottle', { amount: 30, unit: 'ml' }],
    ['10 mL syringe (100 clicks)', { amount: 10, unit: 'ml' }],
    ['2 x 2 mL syringes', { amount: 4, unit: 'ml' }],
    ['3.5 g tube', { amount: 3.5, unit: 'g' }],
    ['60 capsules', { amount: 60, unit: 'capsule' }],
    ['30 chews', { amount: 30, unit: 'chew' }],
    ['60 caplets', { amount: 60, unit: 'tablet' }],
    ['180 tablets', { amount: 180, unit: 'tablet' }],
    ['1 L jug', { amount: 1000, unit: 'ml' }],
  ])('reads %s', (text, size) => {
    expect(packageSizeFromDescription(text)).toEqual(size);
  });

  it.each(['6 tubes', '1 oz jar', '', 'bottle', '0 mL'])('gives null for %j, so days supply stays silent', (text) => {
    expect(packageSizeFromDescription(text)).toBeNull();
  });

  it('reads the demo catalog\'s packages (db/seed-data.ts)', () => {
    const demo = ['10 mL syringe (100 clicks)', '3 mL syringe (30 clicks)', '470 mL bottle', '5 mL bottle', '10 mL dropper', '10 mL vial', '52 mL bottle', '3 capsules', '6 chews'];
    expect(demo.map(packageSizeFromDescription).every((s) => s !== null)).toBe(true);
  });
});
