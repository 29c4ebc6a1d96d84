import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { lineDuplicate } from './line.duplicate';

const ctx = makeContext();

describe('line.duplicate', () => {
  it('passes one line per patient and medication', () => {
    const lines = [makeLine(), makeLine({ id: 'line-2', patientId: 'milo' }), makeLine({ id: 'line-3', medicationId: 'methimazole', offerId: 'methi-sunset' })];
    expect([0, 1, 2].flatMap((i) => run(lineDuplicate, ctx, lines, i))).toEqual([]);
  });

  it('warns on both lines of the same patient and medication, even from different pharmacies', () => {
    const lines = [makeLine(), makeLine({ id: 'line-2', patientId: 'milo' }), makeLine({ id: 'line-3', offerId: 'gaba-cascade', pharmacyId: 'cascade' })];
    expect(run(lineDuplicate, ctx, lines, 0)).toEqual([
      {
        message: 'Bella also gets Gabapentin 50 mg/ml oral suspension on line 3 of this cart.',
        hint: 'Remove one line, or acknowledge if both are intended (e.g. shipping to clinic and owner).',
      },
    ]);
    expect(run(lineDuplicate, ctx, lines, 2)[0]?.message).toMatch(/on line 1 of this cart/);
    expect(run(lineDuplicate, ctx, lines, 1)).toEqual([]);
  });

  it('edge: three copies name the two others', () => {
    const lines = [makeLine(), makeLine({ id: 'b' }), makeLine({ id: 'c' })];
    expect(run(lineDuplicate, ctx, lines, 1)[0]?.message).toMatch(/on lines 1 and 3 of this cart/);
  });
});
