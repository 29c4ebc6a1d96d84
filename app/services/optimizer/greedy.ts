/**
 * The fallback heuristic (docs/optimizer.md, "Greedy heuristic"): place the most constrained
 * lines first (fewest candidates, then fewest vials) on the offer that adds least to the landed cost given the shipments already
 * open, make room for lines left without stock by moving others aside, then improve by local
 * moves until none lowers the total. It respects every constraint
 * the solver does; it does not prove its answer is the cheapest.
 */
import { Ledger } from './ledger';
import type { Problem } from './problem';

/** Passes of local improvement at most; each pass is linear in lines × candidates. */
const MAX_PASSES = 50;

/**
 * A feasible assignment of every free line, or its held offer when it cannot be placed.
 * `deadline` (a `Date.now()` value) stops the improvement passes early.
 */
export function greedyAssign(problem: Problem, deadline = Number.POSITIVE_INFINITY): Ledger {
  const ledger = new Ledger(problem);
  const order = [...problem.free].sort(
    (a, b) =>
      problem.candidates[a]!.length - problem.candidates[b]!.length ||
      // Fewer vials first: when stock runs short, more lines (patients) get placed.
      problem.lines[a]!.quantity - problem.lines[b]!.quantity ||
      a - b,
  );
  for (const l of order) {
    const o = cheapestPlacement(problem, ledger, l);
    if (o >= 0) ledger.put(l, o, true);
    else ledger.put(l, problem.held[l]!, false);
  }
  for (let pass = 0; pass < MAX_PASSES && Date.now() < deadline; pass++) {
    const moved = makeRoom(problem, ledger) + relocateLines(problem, ledger) + closeShipments(problem, ledger, deadline);
    if (moved === 0) break;
  }
  return ledger;
}

/**
 * Puts back on its current offer every moved line whose move saves nothing, so a proposal
 * never moves a line for zero gain. Keeps the total (it never rises) and every constraint.
 */
export function settle(problem: Problem, ledger: Ledger): void {
  for (let changed = true, rounds = 0; changed && rounds < 10; rounds++) {
    changed = false;
    for (const l of problem.free) {
      const from = ledger.offerOf[l]!;
      const to = problem.current[l]!;
      if (!ledger.placed[l] || from === to || !problem.candidates[l]!.includes(to)) continue;
      const saved = ledger.costRemove(l);
      ledger.take(l);
      if (ledger.canPlace(l, to) && ledger.costAdd(l, to) <= saved) {
        ledger.put(l, to, true);
        changed = true;
      } else {
        ledger.put(l, from, true);
      }
    }
  }
}

/**
 * The candidate that adds least to the total among those with vials left and room under the
 * cap, or -1. Ties go to the line's current offer, then to the lower unit price (the
 * candidates' order). `avoidShipment` excludes one shipment (pharmacy × destination).
 */
function cheapestPlacement(problem: Problem, ledger: Ledger, l: number, avoidShipment = -1): number {
  let best = -1;
  let bestCost = Number.POSITIVE_INFINITY;
  const current = problem.current[l]!;
  for (const o of problem.candidates[l]!) {
    if (!ledger.canPlace(l, o)) continue;
    if (avoidShipment >= 0 && ledger.shipment(l, o) === avoidShipment) continue;
    const cost = ledger.costAdd(l, o);
    if (cost < bestCost || (cost === bestCost && o === current)) {
      best = o;
      bestCost = cost;
    }
  }
  return best;
}

/** Moves each line (or places an unplaced one) where it adds least, when that lowers the total. */
function relocateLines(problem: Problem, ledger: Ledger): number {
  let moved = 0;
  for (const l of problem.free) {
    const from = ledger.offerOf[l]!;
    const wasPlaced = ledger.placed[l] === 1;
    const saved = ledger.costRemove(l);
    ledger.take(l);
    const to = cheapestPlacement(problem, ledger, l);
    if (to >= 0 && (!wasPlaced || ledger.costAdd(l, to) < saved)) {
      ledger.put(l, to, true);
      moved++;
    } else {
      ledger.put(l, from, wasPlaced);
    }
  }
  return moved;
}

/**
 * Tries to empty each shipment that holds only free lines by moving all of them elsewhere at
 * once: one line at a time cannot see that dropping a whole shipment saves its fees.
 */
function closeShipments(problem: Problem, ledger: Ledger, deadline: number): number {
  const groups = new Map<number, number[]>();
  for (const l of problem.free) {
    if (!ledger.placed[l]) continue;
    const s = ledger.shipment(l, ledger.offerOf[l]!);
    const group = groups.get(s);
    if (group) group.push(l);
    else groups.set(s, [l]);
  }
  let closed = 0;
  for (const [s, group] of groups) {
    if (Date.now() >= deadline) break;
    const first = group[0]!;
    // Something else (a pinned or unplaceable line) keeps the shipment open anyway.
    if (ledger.linesOnShipment(first, ledger.offerOf[first]!) !== group.length) continue;
    const before = ledger.total;
    const original = group.map((l) => ledger.offerOf[l]!);
    for (const l of group) ledger.take(l);
    const placed: number[] = [];
    let ok = true;
    for (const l of [...group].sort((a, b) => problem.lines[b]!.quantity - problem.lines[a]!.quantity)) {
      const o = cheapestPlacement(problem, ledger, l, s);
      if (o < 0) {
        ok = false;
        break;
      }
      ledger.put(l, o, true);
      placed.push(l);
    }
    if (ok && ledger.total < before) {
      closed += group.length;
      continue;
    }
    for (const l of placed) ledger.take(l);
    group.forEach((l, i) => ledger.put(l, original[i]!, true));
  }
  return closed;
}

/**
 * Places lines left without stock by moving lines that hold the vials they need to other
 * offers with room: for each candidate offer of an unplaced line, the lines on it move (most
 * vials first) until it has enough, or nothing moves.
 */
function makeRoom(problem: Problem, ledger: Ledger): number {
  let placed = 0;
  for (const l of problem.free) {
    if (ledger.placed[l]) continue;
    const quantity = problem.lines[l]!.quantity;
    for (const o of problem.candidates[l]!) {
      const movers = problem.free
        .filter((m) => m !== l && ledger.placed[m] && ledger.offerOf[m] === o)
        .sort((a, b) => problem.lines[b]!.quantity - problem.lines[a]!.quantity);
      const moves: [line: number, from: number][] = [];
      for (const m of movers) {
        if (ledger.remaining[o]! >= quantity) break;
        ledger.take(m);
        const to = cheapestPlacement(problem, ledger, m, ledger.shipment(m, o));
        if (to >= 0 && to !== o) {
          ledger.put(m, to, true);
          moves.push([m, o]);
        } else {
          ledger.put(m, o, true);
        }
      }
      const held = ledger.offerOf[l]!;
      ledger.take(l);
      if (ledger.canPlace(l, o)) {
        ledger.put(l, o, true);
        placed++;
        break;
      }
      ledger.put(l, held, false);
      for (const [m, from] of moves.reverse()) {
        ledger.take(m);
        ledger.put(m, from, true);
      }
    }
  }
  return placed;
}
