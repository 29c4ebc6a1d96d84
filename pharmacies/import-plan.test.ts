import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyImportPlan, planImport, type ExistingOffer } from './import-plan';
import type { CatalogFeedItem } from './types';

function item(sku: string, over: Partial<CatalogFeedItem> = {}): CatalogFeedItem {
  return {
    sku, medicationName: 'Methimazole', strength: '5 mg/ml', form: 'transdermal gel', packageDescription: '30 ml pen',
    vialsPerPackage: 1, unitPriceCents: 1000, stock: 10, turnaroundDays: 2, shipStates: ['CA', 'OR'],
    controlledSchedule: null, compounded: true, coldChain: false, flavors: [], speciesUse: [], ...over,
  };
}
function offer(sku: string, over: Partial<ExistingOffer> = {}): ExistingOffer {
  return { sku, unitPriceCents: 1000, stock: 10, turnaroundDays: 2, shipStates: ['CA', 'OR'], available: true, ...over };
}
const threshold = { priceMoveThreshold: 0.2 };

describe('planImport', () => {
  const existing = [
    offer('SAME', { shipStates: ['OR', 'CA'] }),
    offer('PRICE-UP', { unitPriceCents: 1000 }),
    offer('PRICE-SMALL', { unitPriceCents: 1000 }),
    offer('STOCK', { stock: 3 }),
    offer('BACK', { available: false }),
    offer('GONE'),
    offer('ALREADY-GONE', { available: false }),
  ];
  const feedItems = [
    item('SAME'),
    item('PRICE-UP', { unitPriceCents: 1250 }),
    item('PRICE-SMALL', { unitPriceCents: 1150 }),
    item('STOCK', { stock: 0, turnaroundDays: 4 }),
    item('BACK'),
    item('NEW', { shipStates: null }),
  ];
  const rejected = [{ row: 9, field: 'stock', reason: 'stock: must not be negative' }];

  it('sorts a full feed into inserts, changes, unchanged and offers no longer listed', () => {
    const plan = planImport(existing, { full: true, items: feedItems, rejected }, threshold);
    expect(plan.insert.map((i) => i.sku)).toEqual(['NEW']);
    expect(plan.change.map((c) => [c.sku, c.changes])).toEqual([
      ['PRICE-UP', [{ field: 'unitPriceCents', from: 1000, to: 1250 }]],
      ['PRICE-SMALL', [{ field: 'unitPriceCents', from: 1000, to: 1150 }]],
      ['STOCK', [{ field: 'stock', from: 3, to: 0 }, { field: 'turnaroundDays', from: 2, to: 4 }]],
      ['BACK', [{ field: 'available', from: false, to: true }]],
    ]);
    expect(plan.unchanged).toEqual(['SAME']);
    expect(plan.markUnavailable).toEqual(['GONE']);
    expect(plan.rejected).toEqual(rejected);
    expect(plan.priceFlags).toEqual([{ sku: 'PRICE-UP', oldCents: 1000, newCents: 1250, share: 0.25 }]);
    expect(plan.summary).toEqual({ accepted: 6, inserted: 1, changed: 4, unchanged: 1, rejected: 1, unavailable: 1, flagged: 1 });
  });

  it('leaves offers a partial feed does not list alone', () => {
    const plan = planImport(existing, { full: false, items: [item('STOCK', { stock: 7 })], rejected: [] }, threshold);
    expect(plan.markUnavailable).toEqual([]);
    expect(plan.summary).toMatchObject({ accepted: 1, changed: 1, unavailable: 0 });
  });

  it('marks a vanished offer unavailable but keeps it', () => {
    const plan = planImport(existing, { full: true, items: feedItems, rejected: [] }, threshold);
    const after = applyImportPlan(existing, plan);
    expect(after.find((o) => o.sku === 'GONE')).toEqual({ ...offer('GONE'), available: false });
    expect(after).toHaveLength(existing.length + 1);
  });

  it('flags any price from zero, and moves in both directions past the threshold', () => {
    const plan = planImport(
      [offer('FREE', { unitPriceCents: 0 }), offer('DOWN', { unitPriceCents: 1000 }), offer('EDGE', { unitPriceCents: 1000 })],
      { full: false, items: [item('FREE', { unitPriceCents: 1 }), item('DOWN', { unitPriceCents: 700 }), item('EDGE', { unitPriceCents: 1200 })], rejected: [] },
      threshold,
    );
    expect(plan.priceFlags).toEqual([
      { sku: 'FREE', oldCents: 0, newCents: 1, share: null },
      { sku: 'DOWN', oldCents: 1000, newCents: 700, share: 0.3 },
    ]);
  });

  it('changes nothing when the same feed is imported again', () => {
    const sku = fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F');
    const states = fc.option(fc.uniqueArray(fc.constantFrom('CA', 'OR', 'WA', 'NV'), { maxLength: 4 }), { nil: null });
    const stored = fc.uniqueArray(
      fc.record({ sku, unitPriceCents: fc.nat(5000), stock: fc.nat(50), turnaroundDays: fc.nat(10), shipStates: states, available: fc.boolean() }),
      { selector: (o) => o.sku },
    );
    const items = fc.uniqueArray(
      fc.record({ sku, unitPriceCents: fc.nat(5000), stock: fc.nat(50), turnaroundDays: fc.nat(10), shipStates: states }),
      { selector: (i) => i.sku },
    );
    fc.assert(
      fc.property(stored, items, fc.boolean(), (existing, raw, full) => {
        const feed = { full, items: raw.map((r) => item(r.sku, r)), rejected: [] };
        const first = planImport(existing, feed, threshold);
        const again = planImport(applyImportPlan(existing, first), feed, threshold);
        expect(again.insert).toEqual([]);
        expect(again.change).toEqual([]);
        expect(again.markUnavailable).toEqual([]);
        expect(again.summary.unchanged).toBe(feed.items.length);
      }),
    );
  });

  it('refuses a threshold that is not a share', () => {
    expect(() => planImport([], { full: true, items: [], rejected: [] }, { priceMoveThreshold: Number.NaN })).toThrow(RangeError);
  });
});
