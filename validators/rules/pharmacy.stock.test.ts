import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { pharmacyStock } from './pharmacy.stock';

// gaba-sunset: 12 on hand, 2 reserved → 10 available. gaba-cascade: 40. gaba-desert: 90 but not licensed for CA.
const ctx = makeContext();

describe('pharmacy.stock', () => {
  it('passes a line within stock', () => {
    expect(run(pharmacyStock, ctx, [makeLine({ quantity: 4 })])).toEqual([]);
  });

  it('edge: asking exactly the available stock passes (reserved vials are not available)', () => {
    expect(run(pharmacyStock, ctx, [makeLine({ quantity: 10 })])).toEqual([]);
    expect(run(pharmacyStock, ctx, [makeLine({ quantity: 11 })])).toHaveLength(1);
  });

  it('fails a line over stock and names a pharmacy that has it and ships to CA', () => {
    expect(run(pharmacyStock, ctx, [makeLine({ quantity: 11 })])).toEqual([
      {
        message: 'Sunset Compounding has 10 vials of Gabapentin 50 mg/ml oral suspension available; this line asks for 11.',
        hint: 'Cascade Veterinary Pharmacy has it in stock and ships to CA.',
        fix: { kind: 'switch_offer', offerId: 'gaba-cascade', pharmacyName: 'Cascade Veterinary Pharmacy' },
      },
    ]);
  });

  it('edge: two lines sharing the last vials both fail, each naming the other', () => {
    const lines = [makeLine({ quantity: 6 }), makeLine({ id: 'line-2', patientId: 'milo', quantity: 5 })];
    expect(run(pharmacyStock, ctx, lines, 0)[0]?.message).toBe(
      'This cart asks Sunset Compounding for 11 vials of Gabapentin 50 mg/ml oral suspension (with line 2); only 10 are available.',
    );
    expect(run(pharmacyStock, ctx, lines, 1)[0]?.message).toMatch(/\(with line 1\)/);
  });

  it('names only the lines sharing its offer, wherever they stand in a long cart', () => {
    const other = (i: number) => makeLine({ id: `other-${i}`, offerId: 'gaba-cascade', pharmacyId: 'cascade', quantity: 1 });
    const lines = [makeLine({ quantity: 6 }), ...Array.from({ length: 30 }, (_, i) => other(i)), makeLine({ id: 'last', patientId: 'milo', quantity: 5 })];
    expect(run(pharmacyStock, ctx, lines, 0)[0]?.message).toMatch(/\(with line 32\)/);
    expect(run(pharmacyStock, ctx, lines, 31)[0]?.message).toMatch(/\(with line 1\)/);
  });

  it('edge: two lines that together take exactly the last vials pass', () => {
    const lines = [makeLine({ quantity: 6 }), makeLine({ id: 'line-2', patientId: 'milo', quantity: 4 })];
    expect(run(pharmacyStock, ctx, lines, 0)).toEqual([]);
    expect(run(pharmacyStock, ctx, lines, 1)).toEqual([]);
  });

  it('fails a withdrawn offer', () => {
    const withdrawn = makeContext((c) => {
      c.offers['gaba-sunset']!.available = false;
    });
    expect(run(pharmacyStock, withdrawn, [makeLine({ quantity: 1 })])[0]?.message).toBe(
      'Sunset Compounding no longer offers Gabapentin 50 mg/ml oral suspension.',
    );
  });

  it('offers no switch when no licensed pharmacy has room', () => {
    const [finding] = run(pharmacyStock, ctx, [makeLine({ quantity: 41 })]);
    expect(finding?.fix).toBeUndefined();
    expect(finding?.hint).toMatch(/^No other partner pharmacy has enough/);
  });

  it('edge: reserved beyond on-hand counts as zero available, not negative', () => {
    const oversold = makeContext((c) => {
      c.offers['gaba-sunset']!.reserved = 20;
    });
    expect(run(pharmacyStock, oversold, [makeLine({ quantity: 1 })])[0]?.message).toMatch(/has 0 vials .* available/);
  });
});
