/**
 * Turns an `OptimizeInput` into the problem both solvers work on: each free line's candidate
 * offers (every hard constraint but joint stock and the pharmacy cap applied by pruning),
 * pinned lines fixed, lines with no candidate at all set aside with the constraint that left
 * none. See docs/optimizer.md.
 */
import { addDays } from '../../../validators/vocabulary';
import type {
  ConstraintKind,
  IsoDate,
  OptimizeInput,
  OptimizerLine,
  OptimizerOffer,
  OptimizerPharmacy,
} from './model';

/** What the optimizer may do with a line. */
export type LineState =
  /** The solver chooses among `candidates`. */
  | { kind: 'free' }
  /** Pinned to a valid offer: it stays there and takes its vials first. */
  | { kind: 'fixed' }
  /** No offer can take it; it stays on its held offer and is reported. */
  | { kind: 'unplaceable'; constraint: ConstraintKind; message: string };

export type Problem = {
  input: OptimizeInput;
  lines: readonly OptimizerLine[];
  offers: readonly OptimizerOffer[];
  pharmacies: ReadonlyMap<string, OptimizerPharmacy>;
  /** Per line, in cart order. */
  states: LineState[];
  /** Per line: the offer index it keeps when not placed elsewhere (pinned, else current). */
  held: Int32Array;
  /** Per line: the current offer index. */
  current: Int32Array;
  /** Per line: every offer that can take it on its own, cheapest unit price first (empty unless free). */
  fits: number[][];
  /**
   * Per line: the offers the solvers choose among: `fits` less those that can never beat an
   * offer with stock to spare (see `dropDominated`). Never drops the line's current offer.
   */
  candidates: number[][];
  /** Indices of the free lines, in cart order. */
  free: number[];
  /** Per offer: vials left for free lines once fixed lines took theirs. */
  capacity: Int32Array;
  /** Pharmacies the fixed lines use: always counted against the cap. */
  fixedPharmacies: ReadonlySet<string>;
  /** The cap in force (raised to the fixed lines' pharmacies when they already exceed it), or null. */
  cap: number | null;
  /** Set when the fixed lines alone exceed the cap the clinic asked for. */
  capRaisedFrom: number | null;
  /** Per offer: vials asked by free lines that have it as a candidate exceed its capacity. */
  contended: Uint8Array;
};

/**
 * Checks and indexes the input, prunes every line's offers to those that satisfy its
 * constraints on their own, and fixes pinned lines. Throws a RangeError on malformed input
 * (unknown offer or pharmacy, duplicate id, quantity < 1, negative cents): callers build the
 * input from stored rows, so that is a programming error.
 */
export function buildProblem(input: OptimizeInput): Problem {
  const offerIndex = indexUnique(input.offers, 'offer');
  const pharmacies = new Map(input.pharmacies.map((p) => [p.id, p]));
  if (pharmacies.size !== input.pharmacies.length) throw new RangeError('pharmacy ids must be unique');
  indexUnique(input.lines, 'line');
  wholeCents('platformFeePerVialCents', input.platformFeePerVialCents);
  for (const p of input.pharmacies) {
    wholeCents(`shippingCents of ${p.id}`, p.shippingCents);
    wholeCents(`coldChainCents of ${p.id}`, p.coldChainCents);
  }
  for (const o of input.offers) {
    if (!pharmacies.has(o.pharmacyId)) throw new RangeError(`offer ${o.id}: unknown pharmacy ${o.pharmacyId}`);
    wholeCents(`unitPriceCents of ${o.id}`, o.unitPriceCents);
    if (!Number.isSafeInteger(o.freeStock)) throw new RangeError(`offer ${o.id}: freeStock must be a whole number`);
  }
  if (input.maxPharmacies !== null && (!Number.isSafeInteger(input.maxPharmacies) || input.maxPharmacies < 0)) {
    throw new RangeError('maxPharmacies must be a whole number ≥ 0 or null');
  }

  const n = input.lines.length;
  const offersByKey = new Map<string, number[]>();
  input.offers.forEach((o, i) => {
    const list = offersByKey.get(o.equivalenceKey);
    if (list) list.push(i);
    else offersByKey.set(o.equivalenceKey, [i]);
  });
  const capacity = Int32Array.from(input.offers, (o) => Math.max(0, o.freeStock));
  const current = new Int32Array(n);
  const held = new Int32Array(n);
  const states: LineState[] = [];
  const fitting: number[][] = [];
  const fixedPharmacies = new Set<string>();

  input.lines.forEach((line, l) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      throw new RangeError(`line ${line.id}: quantity must be a whole number of vials ≥ 1, got ${line.quantity}`);
    }
    const cur = offerIndex.get(line.currentOfferId);
    if (cur === undefined) throw new RangeError(`line ${line.id}: current offer ${line.currentOfferId} is not among the offers`);
    current[l] = cur;
    held[l] = cur;
    fitting.push([]);
    if (line.pinnedOfferId === null) {
      states.push({ kind: 'free' });
      return;
    }
    const pinned = offerIndex.get(line.pinnedOfferId);
    if (pinned === undefined) throw new RangeError(`line ${line.id}: pinned offer ${line.pinnedOfferId} is not among the offers`);
    held[l] = pinned;
    // Pinned lines take their vials in cart order, before any free line.
    const offer = input.offers[pinned]!;
    const pharmacy = pharmacies.get(offer.pharmacyId)!;
    const problem = offerProblem(line, offer, pharmacy, input.today, capacity[pinned]!);
    if (problem === null) {
      capacity[pinned] = capacity[pinned]! - line.quantity;
      fixedPharmacies.add(offer.pharmacyId);
      states.push({ kind: 'fixed' });
    } else {
      states.push({ kind: 'unplaceable', constraint: problem, message: pinnedMessage(line, offer, pharmacy, problem, capacity[pinned]!, input.today) });
    }
  });

  const free: number[] = [];
  input.lines.forEach((line, l) => {
    if (states[l]!.kind !== 'free') return;
    const all = offersByKey.get(line.equivalenceKey) ?? [];
    const fits = all.filter((o) => {
      const offer = input.offers[o]!;
      return offerProblem(line, offer, pharmacies.get(offer.pharmacyId)!, input.today, capacity[o]!) === null;
    });
    if (fits.length === 0) {
      const why = whyNoOffer(line, all, input, pharmacies, capacity);
      states[l] = { kind: 'unplaceable', ...why };
      return;
    }
    fits.sort((a, b) => input.offers[a]!.unitPriceCents - input.offers[b]!.unitPriceCents || cmp(input.offers[a]!.id, input.offers[b]!.id));
    fitting[l] = fits;
    free.push(l);
  });

  let cap = input.maxPharmacies;
  let capRaisedFrom: number | null = null;
  if (cap !== null && fixedPharmacies.size > cap) {
    capRaisedFrom = cap;
    cap = fixedPharmacies.size;
  }

  const demand = new Float64Array(input.offers.length);
  for (const l of free) for (const o of fitting[l]!) demand[o] = demand[o]! + input.lines[l]!.quantity;
  const contended = Uint8Array.from(demand, (d, o) => (d > capacity[o]! ? 1 : 0));
  const candidates = fitting.map((fits, l) => (cap === null ? dropDominated(input, pharmacies, l, fits, current[l]!, contended) : fits));

  return {
    input,
    lines: input.lines,
    offers: input.offers,
    pharmacies,
    states,
    held,
    current,
    fits: fitting,
    candidates,
    free,
    capacity,
    fixedPharmacies,
    cap,
    capRaisedFrom,
    contended,
  };
}

/**
 * Drops the offers a line never needs: when an offer with stock to spare for every line that
 * could want it (not contended) costs, with the whole of its shipping and cold-chain fees, no
 * more than another offer's vials alone, moving the line from that other offer to it never
 * costs more and breaks no constraint, so some cheapest answer does without the other offer.
 * Only without a pharmacy cap (the cap could rule the spare offer out). Keeps the model small.
 */
function dropDominated(
  input: OptimizeInput,
  pharmacies: ReadonlyMap<string, OptimizerPharmacy>,
  l: number,
  fits: number[],
  current: number,
  contended: Uint8Array,
): number[] {
  const quantity = input.lines[l]!.quantity;
  let best = -1;
  let bound = Number.POSITIVE_INFINITY;
  for (const o of fits) {
    if (contended[o]) continue;
    const offer = input.offers[o]!;
    const pharmacy = pharmacies.get(offer.pharmacyId)!;
    const worst = offer.unitPriceCents * quantity + pharmacy.shippingCents + (offer.coldChain ? pharmacy.coldChainCents : 0);
    if (worst < bound) {
      bound = worst;
      best = o;
    }
  }
  if (best < 0) return fits;
  return fits.filter((o) => o === best || o === current || input.offers[o]!.unitPriceCents * quantity < bound);
}

/**
 * The first constraint, in a fixed order (the offer's medication, ship state, controlled
 * schedule, need-by, stock), that keeps `line` off `offer`, or null when the offer can take it
 * with `available` vials left.
 */
export function offerProblem(
  line: OptimizerLine,
  offer: OptimizerOffer,
  pharmacy: OptimizerPharmacy,
  today: IsoDate,
  available: number,
): ConstraintKind | null {
  if (offer.equivalenceKey !== line.equivalenceKey) return 'no_offer';
  if (!shipsTo(offer, pharmacy, line.shipState, today)) return 'ship_state';
  if (!dispenses(pharmacy, line)) return 'controlled';
  if (!arrivesInTime(offer, line, today)) return 'need_by';
  if (available < line.quantity) return 'stock';
  return null;
}

/** Licensed for the state through today (an expired licence is none) and, if the offer lists states, listed. */
export function shipsTo(offer: OptimizerOffer, pharmacy: OptimizerPharmacy, state: string, today: IsoDate): boolean {
  if (offer.shipStates !== null && !offer.shipStates.includes(state)) return false;
  return pharmacy.shipStates.some((s) => s.state === state && s.expiresOn >= today);
}

export function dispenses(pharmacy: OptimizerPharmacy, line: OptimizerLine): boolean {
  return line.controlledSchedule === null || pharmacy.controlledSchedules === null || pharmacy.controlledSchedules.includes(line.controlledSchedule);
}

/** Ordered today, it arrives `turnaroundDays` calendar days later, on or before the need-by date. */
export function arrivesInTime(offer: OptimizerOffer, line: OptimizerLine, today: IsoDate): boolean {
  return line.needBy === null || addDays(today, offer.turnaroundDays) <= line.needBy;
}

/** Sentence fragments naming why an offer cannot take a line, for moves and pinned lines. */
export function problemText(line: OptimizerLine, offer: OptimizerOffer, pharmacy: OptimizerPharmacy, problem: ConstraintKind, available: number, today: IsoDate): string {
  switch (problem) {
    case 'no_offer':
      return `${pharmacy.name}'s offer is for another medication`;
    case 'ship_state':
      return `${pharmacy.name} cannot ship it to ${line.shipState}`;
    case 'controlled':
      return `${pharmacy.name} may not dispense C-${line.controlledSchedule} drugs`;
    case 'need_by':
      return `${pharmacy.name} would deliver on ${addDays(today, offer.turnaroundDays)}, after the need-by date ${line.needBy}`;
    case 'stock':
      return available <= 0 ? `${pharmacy.name} has none free` : `${pharmacy.name} has only ${available} of ${line.quantity} vials free`;
    default:
      return `${pharmacy.name} cannot take it`;
  }
}

function pinnedMessage(line: OptimizerLine, offer: OptimizerOffer, pharmacy: OptimizerPharmacy, problem: ConstraintKind, available: number, today: IsoDate): string {
  return `Pinned to ${pharmacy.name}, which cannot take it: ${problemText(line, offer, pharmacy, problem, available, today)}.`;
}

/** The stage of the constraint order at which the last offer of a line's medication dropped out. */
function whyNoOffer(
  line: OptimizerLine,
  all: readonly number[],
  input: OptimizeInput,
  pharmacies: ReadonlyMap<string, OptimizerPharmacy>,
  capacity: Int32Array,
): { constraint: ConstraintKind; message: string } {
  const offer = (o: number) => input.offers[o]!;
  const pharmacy = (o: number) => pharmacies.get(offer(o).pharmacyId)!;
  if (all.length === 0) return { constraint: 'no_offer', message: 'No partner pharmacy offers this medication or an allowed equivalent.' };
  const shipping = all.filter((o) => shipsTo(offer(o), pharmacy(o), line.shipState, input.today));
  if (shipping.length === 0) {
    return { constraint: 'ship_state', message: `No pharmacy that offers it is licensed to ship to ${line.shipState}.` };
  }
  const allowed = shipping.filter((o) => dispenses(pharmacy(o), line));
  if (allowed.length === 0) {
    return { constraint: 'controlled', message: `No pharmacy that ships it to ${line.shipState} may dispense C-${line.controlledSchedule} drugs.` };
  }
  const inTime = allowed.filter((o) => arrivesInTime(offer(o), line, input.today));
  if (inTime.length === 0) {
    const fastest = Math.min(...allowed.map((o) => offer(o).turnaroundDays));
    return {
      constraint: 'need_by',
      message: `Needed by ${line.needBy}; the fastest pharmacy that ships it to ${line.shipState} takes ${fastest} days and would deliver on ${addDays(input.today, fastest)}.`,
    };
  }
  const most = Math.max(0, ...inTime.map((o) => capacity[o]!));
  return {
    constraint: 'stock',
    message:
      most === 0
        ? `It needs ${line.quantity} vials; no pharmacy that can ship it in time has any free.`
        : `It needs ${line.quantity} vials; no pharmacy that can ship it in time has more than ${most} free.`,
  };
}

function indexUnique<T extends { id: string }>(rows: readonly T[], what: string): Map<string, number> {
  const index = new Map<string, number>();
  rows.forEach((r, i) => index.set(r.id, i));
  if (index.size !== rows.length) throw new RangeError(`${what} ids must be unique`);
  return index;
}

function wholeCents(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative whole number of cents, got ${value}`);
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
