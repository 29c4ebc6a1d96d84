import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateLargestRemainder,
  landedCostIfAdded,
  landedCostQuoter,
  priceCart,
  type CartLineInput,
  type PriceCartInput,
} from './pricing';

const fees = {
  acme: { shippingCents: 1000, coldChainCents: 500 },
  birch: { shippingCents: 799, coldChainCents: 0 },
};

function line(id: string, over: Partial<CartLineInput> = {}): CartLineInput {
  return { id, pharmacyId: 'acme', destinationKey: 'clinic', quantity: 1, unitPriceCents: 2000, coldChain: false, ...over };
}

describe('allocateLargestRemainder', () => {
  it('gives the left-over cents to the largest remainders, ties to the earlier line', () => {
    expect(allocateLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateLargestRemainder(10, [1, 2])).toEqual([3, 7]);
    expect(allocateLargestRemainder(7, [3, 3, 1])).toEqual([3, 3, 1]);
    expect(allocateLargestRemainder(1000, [2, 1, 3])).toEqual([333, 167, 500]);
  });

  it('gives zero weights nothing, unless all weights are zero', () => {
    expect(allocateLargestRemainder(10, [0, 3, 0, 2])).toEqual([0, 6, 0, 4]);
    expect(allocateLargestRemainder(10, [0, 0, 0])).toEqual([4, 3, 3]);
    expect(allocateLargestRemainder(0, [])).toEqual([]);
  });

  it('refuses what it cannot split exactly', () => {
    expect(() => allocateLargestRemainder(5, [])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(-1, [1])).toThrow(/totalCents/);
    expect(() => allocateLargestRemainder(1.5, [1])).toThrow(/totalCents/);
    expect(() => allocateLargestRemainder(10, [1, -1])).toThrow(/weight 1/);
    expect(() => allocateLargestRemainder(10, [0.5])).toThrow(/weight 0/);
    expect(() => allocateLargestRemainder(Number.MAX_SAFE_INTEGER, [1, 1])).toThrow(/exactly/);
  });

  it('always sums to the total, never goes negative, and keeps equal weights within a cent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 60 }),
        (total, weights) => {
          const parts = allocateLargestRemainder(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const allZero = weights.every((w) => w === 0);
          parts.forEach((p, i) => {
            expect(Number.isInteger(p) && p >= 0).toBe(true);
            if (!allZero && weights[i] === 0) expect(p).toBe(0);
            weights.forEach((w, j) => {
              if (w === weights[i]) expect(Math.abs(p - parts[j]!)).toBeLessThanOrEqual(1);
            });
          });
        },
      ),
    );
  });
});

describe('priceCart', () => {
  it('spreads a shipment’s shipping and cold-chain fee over its vials and adds the platform fee per vial', () => {
    const cart = priceCart({
      lines: [line('a', { quantity: 2, coldChain: true }), line('b', { quantity: 1, unitPriceCents: 3000 })],
      pharmacies: fees,
      platformFeePerVialCents: 50,
    });
    // Fixed fees 1000 + 500 over 3 vials → 1000 and 500; shipping 1000 split 667/333 in proportion.
    expect(cart.lines).toEqual([
      {
        id: 'a', pharmacyId: 'acme', destinationKey: 'clinic', quantity: 2, unitPriceCents: 2000,
        shippingShareCents: 667, feeShareCents: 333, platformFeeCents: 100,
        lineTotalCents: 4000 + 1000 + 100, landedCostPerVialCents: 2550,
      },
      {
        id: 'b', pharmacyId: 'acme', destinationKey: 'clinic', quantity: 1, unitPriceCents: 3000,
        shippingShareCents: 333, feeShareCents: 167, platformFeeCents: 50,
        lineTotalCents: 3000 + 500 + 50, landedCostPerVialCents: 3550,
      },
    ]);
    expect(cart.shipments).toEqual([
      {
        pharmacyId: 'acme', destination: 'clinic', lineIds: ['a', 'b'], vials: 3,
        shippingCents: 1000, feesCents: 500, platformFeeCents: 150, subtotalCents: 7000, totalCents: 8650,
      },
    ]);
    expect(cart.totalCents).toBe(8650);
  });

  it('charges no cold-chain fee when no line of the shipment needs it', () => {
    const cart = priceCart({ lines: [line('a', { quantity: 4 })], pharmacies: fees, platformFeePerVialCents: 0 });
    expect(cart.shipments[0]).toMatchObject({ feesCents: 0, shippingCents: 1000, totalCents: 9000 });
    expect(cart.lines[0]).toMatchObject({ feeShareCents: 0, shippingShareCents: 1000, landedCostPerVialCents: 2250 });
  });

  it('makes one shipment per pharmacy and destination, each paying its own shipping', () => {
    const cart = priceCart({
      lines: [
        line('a'),
        line('b', { destinationKey: 'owner:c1' }),
        line('c', { pharmacyId: 'birch' }),
        line('d'),
      ],
      pharmacies: fees,
      platformFeePerVialCents: 0,
    });
    expect(cart.shipments.map((s) => [s.pharmacyId, s.destination, s.lineIds])).toEqual([
      ['acme', 'clinic', ['a', 'd']],
      ['acme', 'owner:c1', ['b']],
      ['birch', 'clinic', ['c']],
    ]);
    expect(cart.lines.map((l) => l.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(cart.lines.map((l) => l.shippingShareCents)).toEqual([500, 1000, 799, 500]);
    expect(cart.totalCents).toBe(4 * 2000 + 1000 + 1000 + 799);
  });

  it('rounds the per-vial landed cost for display but keeps the line total exact', () => {
    const cart = priceCart({ lines: [line('a', { quantity: 3, pharmacyId: 'birch' })], pharmacies: fees, platformFeePerVialCents: 0 });
    expect(cart.lines[0]).toMatchObject({ lineTotalCents: 6799, landedCostPerVialCents: 2266 });
  });

  it('prices an empty cart at zero', () => {
    expect(priceCart({ lines: [], pharmacies: {}, platformFeePerVialCents: 25 })).toEqual({ lines: [], shipments: [], totalCents: 0 });
  });

  it('refuses malformed input with a message naming it', () => {
    const base: PriceCartInput = { lines: [line('a')], pharmacies: fees, platformFeePerVialCents: 0 };
    expect(() => priceCart({ ...base, lines: [line('a', { pharmacyId: 'nowhere' })] })).toThrow(/nowhere/);
    expect(() => priceCart({ ...base, lines: [line('a', { quantity: 0 })] })).toThrow(/line a: quantity/);
    expect(() => priceCart({ ...base, lines: [line('a', { unitPriceCents: 10.5 })] })).toThrow(/unitPriceCents/);
    expect(() => priceCart({ ...base, lines: [line('a'), line('a')] })).toThrow(/unique/);
    expect(() => priceCart({ ...base, platformFeePerVialCents: -1 })).toThrow(/platformFee/);
  });

  const pharmacyIds = ['p0', 'p1', 'p2'];
  const arbitraryCart = fc.record({
    pharmacies: fc.record(
      Object.fromEntries(
        pharmacyIds.map((id) => [
          id,
          fc.record({ shippingCents: fc.integer({ min: 0, max: 50_000 }), coldChainCents: fc.integer({ min: 0, max: 20_000 }) }),
        ]),
      ) as Record<string, fc.Arbitrary<{ shippingCents: number; coldChainCents: number }>>,
    ),
    platformFeePerVialCents: fc.integer({ min: 0, max: 500 }),
    lines: fc.array(
      fc.record({
        pharmacyId: fc.constantFrom(...pharmacyIds),
        destinationKey: fc.constantFrom('clinic', 'owner:1', 'owner:2'),
        quantity: fc.integer({ min: 1, max: 40 }),
        unitPriceCents: fc.integer({ min: 0, max: 100_000 }),
        coldChain: fc.boolean(),
      }),
      { maxLength: 40 },
    ),
  });

  it('keeps every shipment’s lines summing to its total and the shipments to the cart total', () => {
    fc.assert(
      fc.property(arbitraryCart, (raw) => {
        const input: PriceCartInput = { ...raw, lines: raw.lines.map((l, i) => ({ ...l, id: `l${i}` })) };
        const cart = priceCart(input);
        const byId = new Map(cart.lines.map((l) => [l.id, l]));
        let sum = 0;
        for (const s of cart.shipments) {
          const lines = s.lineIds.map((id) => byId.get(id)!);
          const total = (pick: (l: (typeof lines)[number]) => number) => lines.reduce((a, l) => a + pick(l), 0);
          expect(total((l) => l.lineTotalCents)).toBe(s.totalCents);
          expect(total((l) => l.shippingShareCents)).toBe(s.shippingCents);
          expect(total((l) => l.feeShareCents)).toBe(s.feesCents);
          expect(total((l) => l.platformFeeCents)).toBe(s.platformFeeCents);
          expect(s.feesCents).toBe(lines.some((l) => input.lines.find((x) => x.id === l.id)!.coldChain) ? input.pharmacies[s.pharmacyId]!.coldChainCents : 0);
          for (const a of lines) {
            expect(a.shippingShareCents).toBeGreaterThanOrEqual(0);
            expect(a.feeShareCents).toBeGreaterThanOrEqual(0);
            for (const b of lines) {
              if (a.quantity === b.quantity) {
                const fixed = (l: typeof a) => l.shippingShareCents + l.feeShareCents;
                expect(Math.abs(fixed(a) - fixed(b))).toBeLessThanOrEqual(1);
              }
            }
          }
          sum += s.totalCents;
        }
        expect(cart.totalCents).toBe(sum);
        expect(cart.lines.reduce((a, l) => a + l.lineTotalCents, 0)).toBe(cart.totalCents);
      }),
    );
  });
});

describe('landedCostIfAdded', () => {
  const cart: PriceCartInput = {
    lines: [line('a', { quantity: 3 })],
    pharmacies: fees,
    platformFeePerVialCents: 10,
  };

  it('shares the fixed fees of the shipment the offer would join', () => {
    // Joining acme → clinic: 1000 cents shipping over 4 vials instead of 1.
    expect(landedCostIfAdded(cart, { pharmacyId: 'acme', destinationKey: 'clinic', quantity: 1, unitPriceCents: 2000, coldChain: false })).toBe(2000 + 250 + 10);
    // Alone it carries the whole shipping fee.
    expect(landedCostIfAdded(cart, { pharmacyId: 'acme', destinationKey: 'owner:9', quantity: 1, unitPriceCents: 2000, coldChain: false })).toBe(2000 + 1000 + 10);
    expect(landedCostIfAdded(cart, { pharmacyId: 'birch', destinationKey: 'clinic', quantity: 1, unitPriceCents: 2000, coldChain: false })).toBe(2000 + 799 + 10);
  });

  it('equals what the cart shows for that line once it is added', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 9999 }),
        fc.boolean(),
        fc.constantFrom('acme', 'birch'),
        (quantity, unitPriceCents, coldChain, pharmacyId) => {
          const candidate = { pharmacyId, destinationKey: 'clinic', quantity, unitPriceCents, coldChain };
          const quoted = landedCostQuoter(cart)(candidate);
          const added = priceCart({ ...cart, lines: [...cart.lines, { ...candidate, id: 'new' }] }).lines[1]!;
          expect({ ...quoted, id: 'new' }).toEqual(added);
        },
      ),
    );
  });
});
