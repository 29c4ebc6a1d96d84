import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { MipModel } from './mip';
import { solveMip, stopSolver } from './solver.server';

afterAll(stopSolver);

/** max 5a + 4b + 3c subject to 2a + 3b + c ≤ 5, binaries, written as a minimisation. */
function knapsack(): MipModel {
  return {
    numCols: 3,
    numRows: 1,
    offset: 0,
    colCost: Float64Array.from([-5, -4, -3]),
    colLower: Float64Array.from([0, 0, 0]),
    colUpper: Float64Array.from([1, 1, 1]),
    integrality: Int32Array.from([1, 1, 1]),
    rowLower: Float64Array.from([Number.NEGATIVE_INFINITY]),
    rowUpper: Float64Array.from([5]),
    starts: Int32Array.from([0, 1, 2, 3]),
    indices: Int32Array.from([0, 0, 0]),
    values: Float64Array.from([2, 3, 1]),
  };
}

describe('solveMip', () => {
  it('solves a small integer program in a worker', async () => {
    const result = await solveMip(knapsack(), Date.now() + 5_000);
    expect(result.status).toBe('optimal');
    expect([...result.colValue!].map(Math.round)).toEqual([1, 1, 0]);
  });

  it('reuses its worker for the next solve, and accepts a starting point', async () => {
    const result = await solveMip(knapsack(), Date.now() + 5_000, Float64Array.from([1, 0, 1]));
    expect(result.status).toBe('optimal');
    expect([...result.colValue!].map(Math.round)).toEqual([1, 1, 0]);
  });

  it('answers time_limit at once when the deadline has passed', async () => {
    const result = await solveMip(knapsack(), Date.now() - 1);
    expect(result).toMatchObject({ status: 'time_limit' });
  });

  it('reports infeasibility', async () => {
    const model = { ...knapsack(), rowLower: Float64Array.from([7]), rowUpper: Float64Array.from([7]) };
    expect((await solveMip(model, Date.now() + 5_000)).status).toBe('infeasible');
  });

  it('turns a model HiGHS refuses into an error status instead of throwing', async () => {
    const broken = { ...knapsack(), starts: Int32Array.from([0, 1, 2, 9]) };
    const result = await solveMip(broken, Date.now() + 5_000);
    expect(result.status).toBe('error');
    expect(result.message).toBeTruthy();
    // The worker survives a refused model.
    expect((await solveMip(knapsack(), Date.now() + 5_000)).status).toBe('optimal');
  });
});

describe('the optimizer bundled as the Remix server build bundles it', () => {
  // The server build is one ESM file under build/ with node_modules left external; the
  // worker must still find HiGHS from there, under plain node (no tsx).
  it('solves with HiGHS from a bundle run by plain node', async () => {
    const dir = path.resolve('.cache/optimizer-bundle-test');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await build({
      entryPoints: [path.resolve('app/services/optimizer/index.server.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outfile: path.join(dir, 'index.js'),
      logLevel: 'silent',
    });
    await writeFile(path.join(dir, 'package.json'), '{"type":"module"}');
    await writeFile(
      path.join(dir, 'run.js'),
      `import { optimizeCart, stopSolver } from './index.js';
const ca = [{ state: 'CA', expiresOn: '2030-01-01' }];
const proposal = await optimizeCart({
  lines: [{ id: 'l1', equivalenceKey: 'k', quantity: 2, destinationKey: 'clinic', shipState: 'CA', controlledSchedule: null, needBy: null, pinnedOfferId: null, currentOfferId: 'a' }],
  offers: [
    { id: 'a', pharmacyId: 'p', equivalenceKey: 'k', unitPriceCents: 900, freeStock: 5, shipStates: null, turnaroundDays: 2, coldChain: false },
    { id: 'b', pharmacyId: 'q', equivalenceKey: 'k', unitPriceCents: 500, freeStock: 5, shipStates: null, turnaroundDays: 2, coldChain: false },
  ],
  pharmacies: [
    { id: 'p', name: 'P', shippingCents: 100, coldChainCents: 0, shipStates: ca, controlledSchedules: null },
    { id: 'q', name: 'Q', shippingCents: 100, coldChainCents: 0, shipStates: ca, controlledSchedules: null },
  ],
  platformFeePerVialCents: 0, today: '2026-12-03', maxPharmacies: null,
}, { timeBudgetMs: 10000 });
await stopSolver();
console.log(JSON.stringify({ solver: proposal.solver, fallback: proposal.fallback, moves: proposal.moves.map((m) => m.toOfferId) }));
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(dir, 'run.js')], { timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ solver: 'highs', fallback: null, moves: ['b'] });
    await rm(dir, { recursive: true, force: true });
  }, 90_000);
});
