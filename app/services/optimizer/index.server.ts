/**
 * The optimizer room: picks the offer for every line of a cart so the whole cart lands as
 * cheaply as it can within stock, licensure, controlled-drug limits, need-by dates, pinned
 * lines and a cap on pharmacies (docs/optimizer.md; docs/decisions/006-cart-optimizer-highs.md).
 * It proposes; applying a proposal belongs to the cart.
 *
 * - `model.ts`            the contract: lines, offers, pharmacies in; a proposal out
 * - `problem.ts`          checks the input, prunes each line's offers, fixes pinned lines, and
 *                         names the constraint that leaves a line no offer
 * - `ledger.ts`           an assignment with its landed cost kept up to date line by line
 * - `greedy.ts`           the fallback heuristic, and `settle` (no move that saves nothing)
 * - `mip.ts`              the mixed-integer program as HiGHS takes it, and reading its answer
 * - `solver.server.ts`    HiGHS in a worker thread within a deadline
 * - `explain.ts`          moves and their reasons, unplaceable lines, binding constraints, totals
 * - `optimizer.server.ts` `optimizeCart`: the above in order, and which answer was produced
 *
 * Pure except the two `.server` files; it reads no database: the cart's loader builds the
 * input (and scopes it to the clinic). Outside callers import from this file.
 */
export { DEFAULT_TIME_BUDGET_MS, optimizeCart, warmOptimizer, type OptimizeOptions } from './optimizer.server';
export { stopSolver } from './solver.server';
export { priceAssignment } from './explain';
export type * from './model';
