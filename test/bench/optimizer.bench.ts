import { optimizeCart, priceAssignment, stopSolver, warmOptimizer, type Proposal } from '../../app/services/optimizer/index.server';
import { cheapestOfferPerLine, generateCart, REALISTIC_CART } from '../support/optimizer-carts';
import { r2, summarize } from './support';
import type { Bench } from './types';

const SEEDS = [22, 23, 24, 25, 26];
const RUNS_PER_CART = 5;

/**
 * The cart optimizer on generated refill days of 1,000 lines over 8 pharmacies
 * (test/support/optimizer-carts.ts, `REALISTIC_CART`, one cart per seed): the wall time of a
 * whole proposal with the default time budget, which solver answered, and what it saves
 * against routing each line to its cheapest offer and against the cart as the demo builds it
 * (each line repeating the pharmacy of its last fill).
 */
const bench: Bench = {
  title: 'Cart optimizer',
  async run() {
    // A server warms the solver once at start; the first solves in a process run cold.
    await warmOptimizer();
    const times: number[] = [];
    let byHighs = 0;
    let runs = 0;
    const vsCheapest: number[] = [];
    const vsGiven: number[] = [];
    const unplaced: number[] = [];
    const moved: number[] = [];
    for (const seed of SEEDS) {
      const input = generateCart({ ...REALISTIC_CART, seed });
      const cheapest = cheapestOfferPerLine(input);
      const cheapestTotal = priceAssignment(input, (_, i) => cheapest[i]!).totalCents;
      let last: Proposal | undefined;
      for (let i = 0; i < RUNS_PER_CART; i++) {
        const started = performance.now();
        last = await optimizeCart(input);
        times.push(performance.now() - started);
        runs++;
        if (last.solver === 'highs') byHighs++;
      }
      vsCheapest.push((100 * (cheapestTotal - last!.totalAfterCents)) / cheapestTotal);
      vsGiven.push((100 * last!.savingsCents) / last!.totalBeforeCents);
      unplaced.push(last!.unplaceable.length);
      moved.push(last!.moves.length);
    }
    await stopSolver();
    const { p50, p95 } = summarize(times);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const p = REALISTIC_CART;
    const carts =
      `${SEEDS.length} carts (seeds ${SEEDS.join(', ')}) × ${RUNS_PER_CART} runs; generator: ${p.lines} lines, ${p.pharmacies} pharmacies, ` +
      `${p.medications} medications (popularity r^${p.popularitySkew}) offered by ${p.offersPerMedication.join('–')} pharmacies each, ` +
      `${p.ownerShare * 100}% to ${p.owners} owners in ${p.states.join('/')}, licence chance ${p.licenceChance.clinicState}/${p.licenceChance.otherState} ` +
      `(${p.expiredLicenceShare * 100}% expired), shipping ${p.shippingCents.join('–')}¢, cold-chain fee ${p.coldChainFeeCents.join('–')}¢ at ${p.coldChainFeeShare * 100}% of pharmacies, ` +
      `base price ${p.basePriceCents.join('–')}¢ × ${p.priceSpread.join('–')}, free stock ${p.freeStock.join('–')} (${p.outOfStockShare * 100}% none), ` +
      `turnaround ${p.turnaroundDays.join('–')} days, ${p.coldChainMedicationShare * 100}% cold-chain and ${p.controlledMedicationShare * 100}% controlled medications, ` +
      `vials weights ${p.quantityWeights.join('/')}, ${p.needByShare * 100}% need-by in ${p.needByDays.join('–')} days, ${p.pinnedShare * 100}% pinned, platform fee ${p.platformFeePerVialCents}¢/vial`;
    return [
      { name: 'proposal, 1,000 lines × 8 pharmacies, p50', value: r2(p50), unit: 'ms', target: '≤ 1,000 ms', ok: p50 <= 1_000, note: carts },
      { name: 'proposal, 1,000 lines × 8 pharmacies, p95', value: r2(p95), unit: 'ms' },
      { name: 'proposals proven optimal by HiGHS (the rest: greedy)', value: r2((100 * byHighs) / runs), unit: '%', note: `${byHighs} of ${runs}` },
      { name: "savings vs each line's cheapest offer", value: r2(mean(vsCheapest)), unit: '%', note: `per cart: ${vsCheapest.map(r2).join(', ')}` },
      { name: 'savings vs the cart as the demo builds it', value: r2(mean(vsGiven)), unit: '%', note: `per cart: ${vsGiven.map(r2).join(', ')}` },
      { name: 'lines moved per cart', value: r2(mean(moved)), unit: 'lines' },
      { name: 'lines left unplaced per cart (no pharmacy can take them)', value: r2(mean(unplaced)), unit: 'lines' },
    ];
  },
};

export default bench;
