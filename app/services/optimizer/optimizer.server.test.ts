import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCart, REALISTIC_CART } from '../../../test/support/optimizer-carts';
import { priceAssignment } from './explain';
import type { OptimizeInput, OptimizerLine, OptimizerOffer, OptimizerPharmacy, Proposal } from './model';
import { optimizeCart } from './optimizer.server';
import { stopSolver } from './solver.server';
import { buildProblem } from './problem';

afterAll(stopSolver);

const TODAY = '2026-12-03';
const STATES = ['CA', 'OR', 'WA'] as const;
const DESTINATIONS = [
  { key: 'clinic', state: 'CA' },
  { key: 'owner:a', state: 'OR' },
  { key: 'owner:b', state: 'WA' },
  { key: 'owner:c', state: 'CA' },
];

// ---------------------------------------------------------------------------------------------
// An independent brute force: every assignment of every line, constraints checked from scratch.

function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function allowed(input: OptimizeInput, line: OptimizerLine, offer: OptimizerOffer): boolean {
  const pharmacy = input.pharmacies.find((p) => p.id === offer.pharmacyId)!;
  if (offer.equivalenceKey !== line.equivalenceKey) return false;
  if (offer.shipStates && !offer.shipStates.includes(line.shipState)) return false;
  if (!pharmacy.shipStates.some((s) => s.state === line.shipState && s.expiresOn >= input.today)) return false;
  if (line.controlledSchedule && pharmacy.controlledSchedules && !pharmacy.controlledSchedules.includes(line.controlledSchedule)) return false;
  if (line.needBy && plusDays(input.today, offer.turnaroundDays) > line.needBy) return false;
  return true;
}

function landedCost(input: OptimizeInput, offerOf: readonly OptimizerOffer[]): number {
  let total = 0;
  const shipments = new Set<string>();
  const cold = new Set<string>();
  input.lines.forEach((line, i) => {
    const offer = offerOf[i]!;
    const pharmacy = input.pharmacies.find((p) => p.id === offer.pharmacyId)!;
    const key = `${offer.pharmacyId}|${line.destinationKey}`;
    total += offer.unitPriceCents * line.quantity + input.platformFeePerVialCents * line.quantity;
    if (!shipments.has(key)) total += pharmacy.shippingCents;
    shipments.add(key);
    if (offer.coldChain && !cold.has(key)) total += pharmacy.coldChainCents;
    if (offer.coldChain) cold.add(key);
  });
  return total;
}

/** Fewest unplaced lines, then the lowest landed cost (unplaced lines priced where they stay). */
function bruteForce(input: OptimizeInput): { unplaced: number; cost: number } {
  const byId = new Map(input.offers.map((o) => [o.id, o]));
  const used = new Map<string, number>();
  const fixedPharmacies = new Set<string>();
  const stays: OptimizerOffer[] = input.lines.map((l) => byId.get(l.pinnedOfferId ?? l.currentOfferId)!);
  const options: (OptimizerOffer | null)[][] = input.lines.map((line) => {
    if (line.pinnedOfferId === null) return [...input.offers.filter((o) => allowed(input, line, o)), null];
    const pinned = byId.get(line.pinnedOfferId)!;
    const room = pinned.freeStock - (used.get(pinned.id) ?? 0);
    if (!allowed(input, line, pinned) || room < line.quantity) return [null];
    used.set(pinned.id, (used.get(pinned.id) ?? 0) + line.quantity);
    fixedPharmacies.add(pinned.pharmacyId);
    return [pinned];
  });
  const cap = input.maxPharmacies === null ? Infinity : Math.max(input.maxPharmacies, fixedPharmacies.size);
  let best = { unplaced: Infinity, cost: Infinity };
  const chosen: OptimizerOffer[] = [...stays];
  const free = input.lines.map((l, i) => (l.pinnedOfferId === null ? i : -1)).filter((i) => i >= 0);
  const stock = new Map(used);
  const placedOn = new Map<string, number>();
  for (const [i, line] of input.lines.entries()) {
    if (line.pinnedOfferId !== null && options[i]![0]) placedOn.set(options[i]![0]!.pharmacyId, (placedOn.get(options[i]![0]!.pharmacyId) ?? 0) + 1);
  }
  const visit = (k: number, unplaced: number) => {
    if (unplaced > best.unplaced) return;
    if (k === free.length) {
      const cost = landedCost(input, chosen);
      if (unplaced < best.unplaced || cost < best.cost) best = { unplaced, cost };
      return;
    }
    const i = free[k]!;
    const line = input.lines[i]!;
    for (const offer of options[i]!) {
      if (offer === null) {
        chosen[i] = stays[i]!;
        visit(k + 1, unplaced + 1);
        continue;
      }
      if (offer.freeStock - (stock.get(offer.id) ?? 0) < line.quantity) continue;
      const newPharmacy = !placedOn.get(offer.pharmacyId);
      const pharmacies = [...placedOn.values()].filter((n) => n > 0).length;
      if (newPharmacy && pharmacies >= cap) continue;
      stock.set(offer.id, (stock.get(offer.id) ?? 0) + line.quantity);
      placedOn.set(offer.pharmacyId, (placedOn.get(offer.pharmacyId) ?? 0) + 1);
      chosen[i] = offer;
      visit(k + 1, unplaced);
      stock.set(offer.id, stock.get(offer.id)! - line.quantity);
      placedOn.set(offer.pharmacyId, placedOn.get(offer.pharmacyId)! - 1);
    }
  };
  const pinnedUnplaced = input.lines.filter((l, i) => l.pinnedOfferId !== null && options[i]![0] === null).length;
  visit(0, pinnedUnplaced);
  return best;
}

/** Every constraint of the model, checked on the proposal itself. */
function expectConstraintsHold(input: OptimizeInput, proposal: Proposal): void {
  const lineById = new Map(input.lines.map((l) => [l.id, l]));
  const offerById = new Map(input.offers.map((o) => [o.id, o]));
  // Every line is either placed or reported, once.
  const seen = [...proposal.placements.map((p) => p.lineId), ...proposal.unplaceable.map((u) => u.lineId)];
  expect(seen.sort()).toEqual(input.lines.map((l) => l.id).sort());
  const vials = new Map<string, number>();
  const pharmacies = new Set<string>();
  for (const placement of proposal.placements) {
    const line = lineById.get(placement.lineId)!;
    const offer = offerById.get(placement.offerId)!;
    expect(allowed(input, line, offer)).toBe(true);
    if (line.pinnedOfferId !== null) expect(placement.offerId).toBe(line.pinnedOfferId);
    vials.set(offer.id, (vials.get(offer.id) ?? 0) + line.quantity);
    pharmacies.add(offer.pharmacyId);
  }
  for (const [offerId, n] of vials) expect(n).toBeLessThanOrEqual(offerById.get(offerId)!.freeStock);
  if (input.maxPharmacies !== null) {
    const pinnedPharmacies = new Set(proposal.placements.filter((p) => p.pinned).map((p) => p.pharmacyId));
    expect(pharmacies.size).toBeLessThanOrEqual(Math.max(input.maxPharmacies, pinnedPharmacies.size));
  }
  for (const u of proposal.unplaceable) {
    const line = lineById.get(u.lineId)!;
    expect(u.staysOnOfferId).toBe(line.pinnedOfferId ?? line.currentOfferId);
    expect(u.message).not.toBe('');
  }
  // The totals are what the cart's own pricing shows for the cart before and after.
  const after = new Map([...proposal.placements.map((p) => [p.lineId, p.offerId] as const), ...proposal.unplaceable.map((u) => [u.lineId, u.staysOnOfferId] as const)]);
  expect(proposal.totalAfterCents).toBe(priceAssignment(input, (line) => offerById.get(after.get(line.id)!)!).totalCents);
  expect(proposal.totalBeforeCents).toBe(priceAssignment(input, (line) => offerById.get(line.currentOfferId)!).totalCents);
  expect(proposal.moves.map((m) => m.lineId)).toEqual(proposal.placements.filter((p) => p.moved).map((p) => p.lineId));
}

// ---------------------------------------------------------------------------------------------
// Small random carts: up to 8 lines, up to 4 pharmacies, 3 medications.

const pharmacyArb = fc.record({
  shippingCents: fc.integer({ min: 0, max: 2_000 }),
  coldChainCents: fc.integer({ min: 0, max: 1_500 }),
  licensed: fc.subarray([...STATES], { minLength: 1 }),
  expired: fc.subarray([...STATES], { maxLength: 1 }),
  controlledSchedules: fc.option(fc.subarray(['II', 'III', 'IV'] as const), { nil: null }),
});
const offerArb = fc.option(
  fc.record({
    unitPriceCents: fc.integer({ min: 100, max: 3_000 }),
    freeStock: fc.integer({ min: 0, max: 8 }),
    shipStates: fc.option(fc.subarray([...STATES], { minLength: 1 }), { nil: null }),
    turnaroundDays: fc.integer({ min: 1, max: 6 }),
  }),
  { nil: null, freq: 3 },
);
const lineArb = fc.record({
  medication: fc.integer({ min: 0, max: 2 }),
  destination: fc.integer({ min: 0, max: DESTINATIONS.length - 1 }),
  quantity: fc.integer({ min: 1, max: 4 }),
  needByDays: fc.option(fc.integer({ min: 1, max: 7 }), { nil: null, freq: 3 }),
  pin: fc.integer({ min: 0, max: 5 }),
  pick: fc.nat(),
});
const cartArb = fc
  .record({
    pharmacies: fc.array(pharmacyArb, { minLength: 1, maxLength: 4 }),
    medications: fc.array(fc.record({ coldChain: fc.boolean(), schedule: fc.option(fc.constantFrom('II' as const, 'IV' as const), { nil: null, freq: 3 }) }), {
      minLength: 3,
      maxLength: 3,
    }),
    offers: fc.array(offerArb, { minLength: 12, maxLength: 12 }),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
    platformFeePerVialCents: fc.integer({ min: 0, max: 50 }),
    maxPharmacies: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null, freq: 2 }),
  })
  .map((c): OptimizeInput => {
    const pharmacies: OptimizerPharmacy[] = c.pharmacies.map((p, i) => ({
      id: `p${i}`,
      name: `Pharmacy ${i}`,
      shippingCents: p.shippingCents,
      coldChainCents: p.coldChainCents,
      shipStates: p.licensed.map((state) => ({ state, expiresOn: p.expired.includes(state) ? plusDays(TODAY, -1) : TODAY })),
      controlledSchedules: p.controlledSchedules,
    }));
    const offers: OptimizerOffer[] = [];
    c.medications.forEach((m, k) => {
      pharmacies.forEach((p, i) => {
        const o = c.offers[k * 4 + i] ?? (i === 0 ? { unitPriceCents: 500, freeStock: 3, shipStates: null, turnaroundDays: 2 } : null);
        if (o) offers.push({ id: `o${k}-${i}`, pharmacyId: p.id, equivalenceKey: `m${k}`, coldChain: m.coldChain, ...o });
      });
    });
    const lines = c.lines.map((l, i): OptimizerLine => {
      const own = offers.filter((o) => o.equivalenceKey === `m${l.medication}`);
      const current = own[l.pick % own.length]!;
      const destination = DESTINATIONS[l.destination]!;
      return {
        id: `l${i}`,
        equivalenceKey: `m${l.medication}`,
        quantity: l.quantity,
        destinationKey: destination.key,
        shipState: destination.state,
        controlledSchedule: c.medications[l.medication]!.schedule,
        needBy: l.needByDays === null ? null : plusDays(TODAY, l.needByDays),
        pinnedOfferId: l.pin === 0 ? current.id : null,
        currentOfferId: current.id,
      };
    });
    return { lines, offers, pharmacies, platformFeePerVialCents: c.platformFeePerVialCents, today: TODAY, maxPharmacies: c.maxPharmacies };
  });

describe('optimizeCart on small random carts', () => {
  it("finds brute force's minimum (fewest unplaced lines, then the lowest landed cost) and keeps every constraint", async () => {
    await fc.assert(
      fc.asyncProperty(cartArb, async (input) => {
        const proposal = await optimizeCart(input, { timeBudgetMs: 5_000 });
        expect(proposal.solver).toBe('highs');
        expect(proposal.fallback).toBeNull();
        expectConstraintsHold(input, proposal);
        const best = bruteForce(input);
        expect(proposal.unplaceable.length).toBe(best.unplaced);
        expect(proposal.totalAfterCents).toBe(best.cost);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('keeps every constraint when the heuristic answers, and says so', async () => {
    await fc.assert(
      fc.asyncProperty(cartArb, async (input) => {
        const proposal = await optimizeCart(input, { timeBudgetMs: 0 });
        // With every line pinned or unplaceable there is nothing to choose, and no solver runs.
        const choice = buildProblem(input).free.length > 0;
        expect(proposal.solver).toBe(choice ? 'greedy' : 'highs');
        if (choice) expect(proposal.fallback?.reason).toBe('time_budget');
        expectConstraintsHold(input, proposal);
        const best = bruteForce(input);
        expect(proposal.unplaceable.length * 1e9 + proposal.totalAfterCents).toBeGreaterThanOrEqual(best.unplaced * 1e9 + best.cost);
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Worked examples: what moves, why, and what cannot be placed.

const licensed = (...states: string[]) => states.map((state) => ({ state, expiresOn: '2027-12-31' }));

function pharmacy(id: string, over: Partial<OptimizerPharmacy> = {}): OptimizerPharmacy {
  return { id, name: id.toUpperCase(), shippingCents: 1_000, coldChainCents: 0, shipStates: licensed('CA', 'OR'), controlledSchedules: null, ...over };
}

function offer(id: string, pharmacyId: string, unitPriceCents: number, over: Partial<OptimizerOffer> = {}): OptimizerOffer {
  return { id, pharmacyId, equivalenceKey: 'gaba', unitPriceCents, freeStock: 50, shipStates: null, turnaroundDays: 3, coldChain: false, ...over };
}

function line(id: string, currentOfferId: string, over: Partial<OptimizerLine> = {}): OptimizerLine {
  return { id, equivalenceKey: 'gaba', quantity: 1, destinationKey: 'clinic', shipState: 'CA', controlledSchedule: null, needBy: null, pinnedOfferId: null, currentOfferId, ...over };
}

function cart(lines: OptimizerLine[], offers: OptimizerOffer[], pharmacies: OptimizerPharmacy[], over: Partial<OptimizeInput> = {}): OptimizeInput {
  return { lines, offers, pharmacies, platformFeePerVialCents: 25, today: TODAY, maxPharmacies: null, ...over };
}

describe('optimizeCart explains itself', () => {
  it('moves a line to a pharmacy that already ships to the clinic, although its vials cost more', async () => {
    // Three lines only A makes ship from A; one line sits alone at B, $2 cheaper per vial but $10 of shipping.
    const pred = { equivalenceKey: 'pred', currentOfferId: 'a-pred' };
    const input = cart(
      [line('l1', 'a-pred', pred), line('l2', 'a-pred', pred), line('l3', 'a-pred', pred), line('l4', 'b-gaba')],
      [offer('a-pred', 'a', 300, { equivalenceKey: 'pred' }), offer('a-gaba', 'a', 1_200), offer('b-gaba', 'b', 1_000)],
      [pharmacy('a'), pharmacy('b')],
    );
    const proposal = await optimizeCart(input);
    expect(proposal.solver).toBe('highs');
    expect(proposal.moves).toHaveLength(1);
    expect(proposal.moves[0]).toMatchObject({ lineId: 'l4', fromOfferId: 'b-gaba', toOfferId: 'a-gaba', reason: 'consolidates' });
    expect(proposal.moves[0]!.message).toMatch(/Joins 3 other lines shipping from A to the clinic/);
    expect(proposal.savingsCents).toBe(1_000 - 200);
    expect(proposal.shipmentsAfter.map((s) => s.pharmacyId)).toEqual(['a']);
  });

  it('moves a line to a cheaper pharmacy, and a line with the same price there along with it', async () => {
    const input = cart(
      [line('l1', 'a-gaba', { quantity: 10 }), line('l2', 'a-gaba', { equivalenceKey: 'pred', currentOfferId: 'a-pred' })],
      [offer('a-gaba', 'a', 1_500), offer('b-gaba', 'b', 1_000), offer('a-pred', 'a', 300, { equivalenceKey: 'pred' }), offer('b-pred', 'b', 300, { equivalenceKey: 'pred' })],
      [pharmacy('a'), pharmacy('b')],
    );
    const proposal = await optimizeCart(input);
    // Both end at B (one shipment); l2's price is the same there, so it moves to consolidate.
    expect(proposal.moves.map((m) => [m.lineId, m.reason])).toEqual([
      ['l1', 'cheaper'],
      ['l2', 'consolidates'],
    ]);
    expect(proposal.moves[0]!.message).toBe('B charges $5.00 less per vial.');
    expect(proposal.totalAfterCents).toBe(10 * 1_000 + 300 + 1_000 + 11 * 25);
  });

  it('never moves a pinned line, even when moving it would save money', async () => {
    const input = cart(
      [line('l1', 'a-gaba', { pinnedOfferId: 'a-gaba' }), line('l2', 'a-gaba')],
      [offer('a-gaba', 'a', 2_000), offer('b-gaba', 'b', 900)],
      [pharmacy('a'), pharmacy('b')],
    );
    const proposal = await optimizeCart(input);
    expect(proposal.placements.find((p) => p.lineId === 'l1')).toMatchObject({ offerId: 'a-gaba', pinned: true, moved: false });
    expect(proposal.moves.map((m) => m.lineId)).toEqual(['l2']);
    expect(proposal.bindings).toContainEqual(expect.objectContaining({ constraint: 'pinned', lineIds: ['l1'] }));
  });

  it('moves a line whose pharmacy would deliver after its need-by date, and one whose pharmacy lacks the stock', async () => {
    const input = cart(
      [line('late', 'slow', { needBy: '2026-12-06' }), line('short', 'cheap-low', { quantity: 5, equivalenceKey: 'pred' })],
      [
        offer('slow', 'a', 800, { turnaroundDays: 5 }),
        offer('fast', 'b', 1_100, { turnaroundDays: 2 }),
        offer('cheap-low', 'a', 200, { equivalenceKey: 'pred', freeStock: 2 }),
        offer('pred-b', 'b', 400, { equivalenceKey: 'pred' }),
      ],
      [pharmacy('a'), pharmacy('b')],
    );
    const proposal = await optimizeCart(input);
    expect(proposal.moves.map((m) => [m.lineId, m.reason])).toEqual([
      ['late', 'meets_need_by'],
      ['short', 'in_stock'],
    ]);
    expect(proposal.moves[0]!.message).toBe('A would deliver on 2026-12-08, after the need-by date 2026-12-06; B delivers on 2026-12-05.');
    expect(proposal.moves[1]!.message).toBe('A has only 2 of 5 vials free; B is the only pharmacy that has enough.');
    expect(proposal.bindings.map((b) => b.constraint)).toEqual(expect.arrayContaining(['need_by', 'stock']));
  });

  it('moves a line its pharmacy may no longer ship (an expired licence)', async () => {
    const input = cart(
      [line('l1', 'a-gaba', { shipState: 'OR', destinationKey: 'owner:x' })],
      [offer('a-gaba', 'a', 900), offer('b-gaba', 'b', 1_300)],
      [pharmacy('a', { shipStates: [{ state: 'CA', expiresOn: '2027-01-01' }, { state: 'OR', expiresOn: '2026-12-02' }] }), pharmacy('b')],
    );
    const proposal = await optimizeCart(input);
    expect(proposal.moves[0]).toMatchObject({ lineId: 'l1', reason: 'licensed', message: 'A cannot ship it to OR; B can.' });
    expect(proposal.savingsCents).toBeLessThan(0);
  });

  it('reports each line nothing can take with the constraint that stopped it, and keeps it where it is', async () => {
    const input = cart(
      [
        line('nowhere', 'a-gaba', { shipState: 'TX', destinationKey: 'owner:tx' }),
        line('too-late', 'a-gaba', { needBy: '2026-12-04' }),
        line('controlled', 'a-bup', { equivalenceKey: 'bup', controlledSchedule: 'III' }),
        line('too-many', 'a-gaba', { quantity: 80 }),
        line('pinned-out', 'b-gaba', { pinnedOfferId: 'b-gaba', shipState: 'WA', destinationKey: 'owner:wa' }),
        line('unknown', 'a-gaba', { equivalenceKey: 'nothing' }),
      ],
      [offer('a-gaba', 'a', 900), offer('b-gaba', 'b', 1_000, { turnaroundDays: 2 }), offer('a-bup', 'a', 2_000, { equivalenceKey: 'bup' })],
      [pharmacy('a', { controlledSchedules: ['IV'] }), pharmacy('b')],
    );
    const proposal = await optimizeCart(input);
    expect(proposal.placements).toEqual([]);
    expect(proposal.unplaceable.map((u) => [u.lineId, u.constraint, u.staysOnOfferId])).toEqual([
      ['nowhere', 'ship_state', 'a-gaba'],
      ['too-late', 'need_by', 'a-gaba'],
      ['controlled', 'controlled', 'a-bup'],
      ['too-many', 'stock', 'a-gaba'],
      ['pinned-out', 'ship_state', 'b-gaba'],
      ['unknown', 'no_offer', 'a-gaba'],
    ]);
    const message = (id: string) => proposal.unplaceable.find((u) => u.lineId === id)!.message;
    expect(message('nowhere')).toBe('No pharmacy that offers it is licensed to ship to TX.');
    expect(message('too-late')).toBe('Needed by 2026-12-04; the fastest pharmacy that ships it to CA takes 2 days and would deliver on 2026-12-05.');
    expect(message('controlled')).toBe('No pharmacy that ships it to CA may dispense C-III drugs.');
    expect(message('too-many')).toBe('It needs 80 vials; no pharmacy that can ship it in time has more than 50 free.');
    expect(message('pinned-out')).toBe('Pinned to B, which cannot take it: B cannot ship it to WA.');
    expect(proposal.totalAfterCents).toBe(proposal.totalBeforeCents);
  });

  it('reports the line left out when lines compete for too few vials, placing as many lines as fit', async () => {
    const input = cart(
      [line('big', 'a-gaba', { quantity: 4 }), line('small-1', 'a-gaba', { quantity: 2 }), line('small-2', 'a-gaba', { quantity: 2 })],
      [offer('a-gaba', 'a', 900, { freeStock: 4 }), offer('b-gaba', 'b', 1_000, { freeStock: 1 })],
      [pharmacy('a'), pharmacy('b')],
    );
    const proposal = await optimizeCart(input);
    expect(proposal.placements.map((p) => p.lineId)).toEqual(['small-1', 'small-2']);
    expect(proposal.unplaceable).toEqual([
      expect.objectContaining({ lineId: 'big', constraint: 'stock', message: 'Other lines took the free vials it needs (4); no pharmacy that can ship it in time has enough left.' }),
    ]);
  });

  it('keeps within the cap on pharmacies, and reports a line the cap leaves out', async () => {
    const input = cart(
      [line('l1', 'a-gaba'), line('l2', 'b-pred', { equivalenceKey: 'pred' }), line('l3', 'c-bup', { equivalenceKey: 'bup' })],
      [offer('a-gaba', 'a', 900), offer('b-gaba', 'b', 1_500), offer('b-pred', 'b', 400, { equivalenceKey: 'pred' }), offer('c-bup', 'c', 700, { equivalenceKey: 'bup' })],
      [pharmacy('a'), pharmacy('b'), pharmacy('c')],
      { maxPharmacies: 1 },
    );
    const proposal = await optimizeCart(input);
    expect(proposal.placements.map((p) => [p.lineId, p.offerId])).toEqual([
      ['l1', 'b-gaba'],
      ['l2', 'b-pred'],
    ]);
    expect(proposal.unplaceable).toEqual([expect.objectContaining({ lineId: 'l3', constraint: 'pharmacy_cap', staysOnOfferId: 'c-bup' })]);
    expect(proposal.bindings).toContainEqual(expect.objectContaining({ constraint: 'pharmacy_cap', message: 'The cap of 1 pharmacy is reached.' }));
  });

  it('does not move a line when moving it saves nothing', async () => {
    const input = cart(
      [line('l1', 'a-gaba'), line('l2', 'b-gaba', { destinationKey: 'owner:x', shipState: 'OR' })],
      [offer('a-gaba', 'a', 900), offer('b-gaba', 'b', 900)],
      [pharmacy('a'), pharmacy('b')],
    );
    const proposal = await optimizeCart(input);
    expect(proposal.moves).toEqual([]);
    expect(proposal.savingsCents).toBe(0);
  });

  it('refuses malformed input with a RangeError naming the problem', async () => {
    await expect(optimizeCart(cart([line('l1', 'missing')], [offer('a-gaba', 'a', 900)], [pharmacy('a')]))).rejects.toThrow(/current offer missing/);
    await expect(optimizeCart(cart([line('l1', 'a-gaba', { quantity: 0 })], [offer('a-gaba', 'a', 900)], [pharmacy('a')]))).rejects.toThrow(/quantity/);
  });
});

describe('optimizeCart on a 1,000-line cart', () => {
  it('answers with the heuristic, labelled, when the time budget is too small for the solver', async () => {
    const input = generateCart(REALISTIC_CART);
    const proposal = await optimizeCart(input, { timeBudgetMs: 1 });
    expect(proposal.solver).toBe('greedy');
    expect(proposal.fallback).toMatchObject({ reason: 'time_budget', message: expect.stringContaining('within 1 ms') });
    expect(proposal.placements.length + proposal.unplaceable.length).toBe(1_000);
    expect(proposal.totalAfterCents).toBeLessThan(proposal.totalBeforeCents);
    expectConstraintsHold(input, proposal);
  }, 30_000);
});
