import { describe, expect, it } from 'vitest';
import { mgPerUnit } from './dose';

describe('mgPerUnit', () => {
  it.each([
    ['10 mg/ml', 'ml', 10],
    ['5 mg/0.1 ml', 'ml', 50],
    ['300 mcg/ml', 'ml', 0.3],
    ['25 mg', 'capsule', 25],
    ['25 mg/capsule', 'capsule', 25],
    ['25 mg/tablets', 'tablet', 25],
  ] as const)('%s per %s is %s mg', (strength, unit, mg) => {
    expect(mgPerUnit(strength, unit)).toBeCloseTo(mg, 10);
  });

  it.each([
    ['25 mg', 'ml'],
    ['10 mg/ml', 'capsule'],
    ['2%', 'ml'],
    ['5 mg/0 ml', 'ml'],
  ] as const)('cannot tell %s per %s', (strength, unit) => {
    expect(mgPerUnit(strength, unit)).toBeUndefined();
  });
});
