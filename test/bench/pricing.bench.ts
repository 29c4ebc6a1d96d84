import { priceCart, type CartLineInput, type PharmacyFees, type PriceCartInput } from '../../app/lib/pricing';
import type { Bench } from './types';

const LINES = 1_000;
const PHARMACIES = 8;
const RUNS = 2_000;

/**
 * A refill-day cart of 1,000 lines over 8 pharmacies: most lines ship to the clinic, about a
 * fifth to one of 50 owners, a tenth cold-chain. A fixed-seed generator keeps runs comparable.
 */
function generateCart(): PriceCartInput {
  let seed = 42;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return (seed >>> 8) % n; // the low bits of this generator repeat too soon to use
  };
  const pharmacies: Record<string, PharmacyFees> = {};
  for (let p = 0; p < PHARMACIES; p++) {
    pharmacies[`pharmacy-${p}`] = { shippingCents: 900 + next(2_000), coldChainCents: next(3) === 0 ? 0 : 1_500 };
  }
  const lines: CartLineInput[] = [];
  for (let i = 0; i < LINES; i++) {
    lines.push({
      id: `line-${i}`,
      pharmacyId: `pharmacy-${next(PHARMACIES)}`,
      destinationKey: next(5) === 0 ? `owner:client-${next(50)}` : 'clinic',
      quantity: 1 + next(6),
      unitPriceCents: 500 + next(20_000),
      coldChain: next(10) === 0,
    });
  }
  return { lines, pharmacies, platformFeePerVialCents: 35 };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const bench: Bench = {
  title: 'Landed-cost pricing',
  async run() {
    const cart = generateCart();
    for (let i = 0; i < 200; i++) priceCart(cart); // let the JIT settle before measuring
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      priceCart(cart);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    const shipments = priceCart(cart).shipments.length;
    const note = `${LINES} lines, ${PHARMACIES} pharmacies, ${shipments} shipments, ${RUNS} runs`;
    const round = (ms: number) => Math.round(ms * 1_000) / 1_000;
    return [
      { name: 'pricing a 1,000-line cart p50', value: round(p50), unit: 'ms', note },
      { name: 'pricing a 1,000-line cart p95', value: round(p95), unit: 'ms', target: '≤ 5 ms', ok: p95 <= 5, note },
    ];
  },
};

export default bench;
