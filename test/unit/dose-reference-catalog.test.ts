/**
 * The dose reference and the demo catalog agree: every catalog medication is in the reference
 * (with ranges, "no reference" rows, or marked not weight-based), and every strength the
 * dose-range check needs reads without a structured strength column (docs/validation.md).
 */
import { describe, expect, it } from 'vitest';
import { MEDICATIONS } from '../../db/seed-data';
import { doseReferenceFor } from '../../validators/data/dose-ranges';
import { parseStrength } from '../../validators/lib/dose-per-kg';

describe('dose reference × demo catalog', () => {
  it('covers every medication of the demo catalog', () => {
    expect([...new Set(MEDICATIONS.map((m) => m.name))].filter((name) => !doseReferenceFor(name))).toEqual([]);
  });

  it('reads the strength of every weight-checked medication of the demo catalog', () => {
    const unread = MEDICATIONS.filter((m) => {
      const ref = doseReferenceFor(m.name);
      return ref && !ref.notWeightBased && parseStrength(m.strength, m.form) === undefined;
    });
    expect(unread.map((m) => `${m.name} ${m.strength}`)).toEqual([]);
  });
});
