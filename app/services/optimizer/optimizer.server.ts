/**
 * The cart optimizer: one offer per line minimising the landed cost of the whole cart, within
 * stock, licensure, controlled-drug limits, need-by dates, pinned lines and an optional cap on
 * pharmacies. HiGHS solves the mixed-integer program in a worker within a time budget; the
 * greedy heuristic answers when it cannot, and the proposal says which did.
 * See docs/optimizer.md and docs/decisions/006-cart-optimizer-highs.md.
 */
import { greedyAssign, settle } from './greedy';
import { explain } from './explain';
import type { Ledger } from './ledger';
import { buildMip, readSolution, startFrom } from './mip';
import type { FallbackReason, OptimizeInput, OptimizerLine, OptimizerOffer, OptimizerPharmacy, Proposal } from './model';
import { buildProblem, type Problem } from './problem';
import { solveMip } from './solver.server';


/** The solver's share of a proposal's time: a 1,000-line cart takes well under it (docs/optimizer.md). */
export const DEFAULT_TIME_BUDGET_MS = 800;

export type OptimizeOptions = {
  /** Milliseconds HiGHS may take, counted from when the model is handed over; then the heuristic answers. */
  timeBudgetMs?: number;
};

/**
 * A proposal for `input`. Never applies anything. Throws a RangeError only for malformed
 * input; a solver that fails or runs out of time yields the greedy answer, labelled so.
 */
export async function optimizeCart(input: OptimizeInput, options: OptimizeOptions = {}): Promise<Proposal> {
  const started = performance.now();
  const budget = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  const problem = buildProblem(input);
  const greedy = greedyAssign(problem, Date.now() + budget);

  let chosen: Ledger = greedy;
  let fallback: Proposal['fallback'] = null;
  const { model, layout } = buildMip(problem);
  const result = await solveMip(model, Date.now() + budget, startFrom(problem, layout, model, greedy));
  const solved = result.status === 'optimal' && result.colValue ? readSolution(problem, layout, result.colValue) : null;
  if (solved && !worse(problem, solved, greedy)) {
    chosen = solved;
  } else {
    const reason: FallbackReason = result.status === 'time_limit' ? 'time_budget' : 'solver_error';
    fallback = { reason, message: fallbackMessage(reason, result.status, result.message, budget) };
  }
  settle(problem, chosen);
  return {
    solver: fallback ? 'greedy' : 'highs',
    fallback,
    ...explain(problem, chosen),
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

/** Whether `a` places fewer lines than `b`, or as many at a higher landed cost (the solver's order). */
function worse(problem: Problem, a: Ledger, b: Ledger): boolean {
  const unplaced = (x: Ledger) => problem.free.reduce((n, l) => n + (x.placed[l] ? 0 : 1), 0);
  const ua = unplaced(a);
  const ub = unplaced(b);
  return ua > ub || (ua === ub && a.total > b.total);
}

function fallbackMessage(reason: FallbackReason, status: string, detail: string | undefined, budget: number): string {
  if (reason === 'time_budget') return `The solver did not prove the cheapest answer within ${budget} ms; this is the heuristic's answer.`;
  if (status === 'optimal') return "The solver's answer did not check out; this is the heuristic's answer.";
  return `The solver failed (${detail ?? status}); this is the heuristic's answer.`;
}

/**
 * Solves a made-up 300-line cart once so V8 has optimised the solver's WebAssembly before a
 * clinic waits on it: the first solves in a process run several times slower (call it at
 * server start; it takes a few seconds of one core). Resolves when done, never rejects.
 */
export async function warmOptimizer(): Promise<void> {
  try {
    await optimizeCart(warmupCart(), { timeBudgetMs: 10_000 });
  } catch {
    // Warming is an optimisation; a failure shows on the first real proposal instead.
  }
}

function warmupCart(): OptimizeInput {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return (seed >>> 8) % n;
  };
  const states = ['CA', 'OR', 'WA'];
  const pharmacies: OptimizerPharmacy[] = Array.from({ length: 6 }, (_, p) => ({
    id: `p${p}`,
    name: `p${p}`,
    shippingCents: 900 + next(1_500),
    coldChainCents: next(2) * 1_500,
    shipStates: states.filter(() => next(5) > 0).map((state) => ({ state, expiresOn: '9999-12-31' })),
    controlledSchedules: null,
  }));
  const offers: OptimizerOffer[] = [];
  for (let m = 0; m < 40; m++) {
    const base = 600 + next(8_000);
    for (const p of pharmacies) {
      if (next(3) === 0) continue;
      offers.push({ id: `o${m}-${p.id}`, pharmacyId: p.id, equivalenceKey: `m${m}`, unitPriceCents: base + next(base >> 2), freeStock: next(30), shipStates: null, turnaroundDays: 2 + next(4), coldChain: m % 9 === 0 });
    }
  }
  const lines: OptimizerLine[] = [];
  for (let l = 0; l < 300; l++) {
    const key = `m${next(next(40) + 1)}`;
    const options = offers.filter((o) => o.equivalenceKey === key);
    if (options.length === 0) continue;
    const owner = next(4) === 0;
    lines.push({
      id: `l${l}`,
      equivalenceKey: key,
      quantity: 1 + next(3),
      destinationKey: owner ? `owner:${next(20)}` : 'clinic',
      shipState: owner ? states[next(3)]! : 'CA',
      controlledSchedule: null,
      needBy: null,
      pinnedOfferId: null,
      currentOfferId: options[next(options.length)]!.id,
    });
  }
  return { lines, offers, pharmacies, platformFeePerVialCents: 0, today: '2026-01-01', maxPharmacies: null };
}
