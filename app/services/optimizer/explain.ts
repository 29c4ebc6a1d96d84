/**
 * Turns an assignment into what the clinic reads: where each line goes, why each moved line
 * moves, which lines cannot be placed and what stopped them, which constraints shaped the
 * result, and both totals priced by the cart's own `priceCart` (docs/optimizer.md,
 * "Explanations").
 */
import { formatMoney } from '../../lib/format';
import { priceCart, type CartLineInput, type PharmacyFees, type PricedCart } from '../../lib/pricing';
import type { Ledger } from './ledger';
import type { Binding, ConstraintKind, Move, MoveReason, OptimizeInput, OptimizerLine, OptimizerOffer, Placement, Proposal, Unplaceable } from './model';
import { addDays } from '../../../validators/vocabulary';
import { offerProblem, problemText, type Problem } from './problem';

export type Explained = Pick<
  Proposal,
  'placements' | 'moves' | 'unplaceable' | 'bindings' | 'totalBeforeCents' | 'totalAfterCents' | 'savingsCents' | 'shipmentsBefore' | 'shipmentsAfter'
>;

export function explain(problem: Problem, ledger: Ledger): Explained {
  const { lines, offers } = problem;
  const before = price(problem, (l) => problem.current[l]!);
  const after = price(problem, (l) => ledger.offerOf[l]!);
  const pharmacyName = (o: number) => problem.pharmacies.get(offers[o]!.pharmacyId)!.name;

  const placements: Placement[] = [];
  const moves: Move[] = [];
  const unplaceable: Unplaceable[] = [];
  lines.forEach((line, l) => {
    const state = problem.states[l]!;
    const o = ledger.offerOf[l]!;
    if (state.kind === 'unplaceable') {
      unplaceable.push({ lineId: line.id, constraint: state.constraint, message: state.message, staysOnOfferId: offers[o]!.id });
      return;
    }
    if (!ledger.placed[l]) {
      unplaceable.push({ lineId: line.id, ...whyLeftOut(problem, ledger, l), staysOnOfferId: offers[o]!.id });
      return;
    }
    const moved = o !== problem.current[l];
    placements.push({ lineId: line.id, offerId: offers[o]!.id, pharmacyId: offers[o]!.pharmacyId, moved, pinned: line.pinnedOfferId !== null });
    if (!moved) return;
    const { reason, message } = whyMoved(problem, ledger, l, pharmacyName);
    moves.push({
      lineId: line.id,
      fromOfferId: offers[problem.current[l]!]!.id,
      toOfferId: offers[o]!.id,
      reason,
      message,
      lineTotalBeforeCents: before.lines[l]!.lineTotalCents,
      lineTotalAfterCents: after.lines[l]!.lineTotalCents,
    });
  });

  return {
    placements,
    moves,
    unplaceable,
    bindings: bindings(problem, ledger, pharmacyName),
    totalBeforeCents: before.totalCents,
    totalAfterCents: after.totalCents,
    savingsCents: before.totalCents - after.totalCents,
    shipmentsBefore: before.shipments,
    shipmentsAfter: after.shipments,
  };
}

/** The cart priced as the cart prices it, each line on the offer `offerOf` gives. */
function price(problem: Problem, offerOf: (l: number) => number): PricedCart {
  return priceAssignment(problem.input, (_, l) => problem.offers[offerOf(l)]!);
}

/**
 * `priceCart` of the input's lines, each on the offer `offerOf` picks: what the cart would show
 * with those offers.
 */
export function priceAssignment(input: OptimizeInput, offerOf: (line: OptimizerLine, index: number) => OptimizerOffer): PricedCart {
  const pharmacies: Record<string, PharmacyFees> = {};
  for (const p of input.pharmacies) pharmacies[p.id] = { shippingCents: p.shippingCents, coldChainCents: p.coldChainCents };
  const lines = input.lines.map((line, l): CartLineInput => {
    const offer = offerOf(line, l);
    return {
      id: line.id,
      pharmacyId: offer.pharmacyId,
      destinationKey: line.destinationKey,
      quantity: line.quantity,
      unitPriceCents: offer.unitPriceCents,
      coldChain: offer.coldChain,
    };
  });
  return priceCart({ lines, pharmacies, platformFeePerVialCents: input.platformFeePerVialCents });
}

function destination(line: OptimizerLine): string {
  return line.destinationKey === 'clinic' ? 'the clinic' : "the owner's address";
}

function whyMoved(problem: Problem, ledger: Ledger, l: number, pharmacyName: (o: number) => string): { reason: MoveReason; message: string } {
  const line = problem.lines[l]!;
  const c = problem.current[l]!;
  const n = ledger.offerOf[l]!;
  const from = problem.offers[c]!;
  const to = problem.offers[n]!;
  if (line.pinnedOfferId !== null) return { reason: 'pinned', message: `Pinned to ${pharmacyName(n)}.` };

  const today = problem.input.today;
  const fromPharmacy = problem.pharmacies.get(from.pharmacyId)!;
  const problemNow = offerProblem(line, from, fromPharmacy, today, problem.capacity[c]!);
  const reasonNow = problemNow === null ? '' : problemText(line, from, fromPharmacy, problemNow, problem.capacity[c]!, today);
  if (problemNow === 'ship_state' || problemNow === 'controlled') {
    return { reason: 'licensed', message: `${capitalise(reasonNow)}; ${pharmacyName(n)} can.` };
  }
  if (problemNow === 'need_by') {
    return { reason: 'meets_need_by', message: `${capitalise(reasonNow)}; ${pharmacyName(n)} delivers on ${addDays(today, to.turnaroundDays)}.` };
  }
  if (problemNow === 'stock') {
    const withStock = problem.fits[l]!.length;
    return {
      reason: 'in_stock',
      message: `${capitalise(reasonNow)}; ${pharmacyName(n)} ${withStock === 1 ? 'is the only pharmacy that has enough' : 'has enough'}.`,
    };
  }
  if (to.unitPriceCents < from.unitPriceCents) {
    return { reason: 'cheaper', message: `${pharmacyName(n)} charges ${formatMoney(from.unitPriceCents - to.unitPriceCents)} less per vial.` };
  }
  const others = ledger.linesOnShipment(l, n) - 1;
  if (others > 0) {
    return {
      reason: 'consolidates',
      message: `Joins ${others} other line${others === 1 ? '' : 's'} shipping from ${pharmacyName(n)} to ${destination(line)}, so it pays no shipping of its own.`,
    };
  }
  if (ledger.remaining[c]! < line.quantity) {
    return { reason: 'in_stock', message: `${pharmacyName(c)}'s free vials go to lines that save more there; ${pharmacyName(n)} has enough.` };
  }
  return { reason: 'cheaper', message: `Its landed cost is lower at ${pharmacyName(n)}.` };
}

/** Why a free line ended unplaced: the stock other lines took, or the pharmacy cap. */
function whyLeftOut(problem: Problem, ledger: Ledger, l: number): { constraint: ConstraintKind; message: string } {
  const line = problem.lines[l]!;
  const roomy = problem.fits[l]!.filter((o) => ledger.remaining[o]! >= line.quantity);
  if (roomy.length > 0 && problem.cap !== null) {
    return {
      constraint: 'pharmacy_cap',
      message: `Every pharmacy with vials for it is beyond the cap of ${problem.cap} pharmac${problem.cap === 1 ? 'y' : 'ies'}.`,
    };
  }
  return {
    constraint: 'stock',
    message: `Other lines took the free vials it needs (${line.quantity}); no pharmacy that can ship it in time has enough left.`,
  };
}

const CONSTRAINT_WORDS: Partial<Record<ConstraintKind, string>> = {
  ship_state: 'Ship-state licences keep',
  controlled: 'Controlled-drug limits keep',
  need_by: 'Need-by dates keep',
  stock: 'Free stock keeps',
};

/**
 * The constraints that shaped the result: each one that kept a placed line off an offer with
 * a lower unit price, an offer whose free stock ran out with lines wanting it, pinned lines,
 * and the pharmacy cap when reached.
 */
function bindings(problem: Problem, ledger: Ledger, pharmacyName: (o: number) => string): Binding[] {
  const { lines, offers } = problem;
  const out: Binding[] = [];
  const pinned = lines.filter((line) => line.pinnedOfferId !== null).map((line) => line.id);
  if (pinned.length > 0) {
    out.push({ constraint: 'pinned', lineIds: pinned, message: `${pinned.length} pinned line${pinned.length === 1 ? ' keeps its' : 's keep their'} offer.` });
  }
  if (problem.capRaisedFrom !== null) {
    out.push({
      constraint: 'pharmacy_cap',
      lineIds: [],
      message: `Pinned lines already use ${problem.cap} pharmacies, more than the cap of ${problem.capRaisedFrom}; the cap counts as ${problem.cap}.`,
    });
  } else if (problem.cap !== null && ledger.pharmaciesUsed >= problem.cap) {
    out.push({ constraint: 'pharmacy_cap', lineIds: [], message: `The cap of ${problem.cap} pharmac${problem.cap === 1 ? 'y' : 'ies'} is reached.` });
  }

  // Offers whose free stock ran out while a line that could use it pays a higher unit price (or is left out).
  const wanting = new Map<number, string[]>();
  for (const l of problem.free) {
    const line = lines[l]!;
    const price = ledger.placed[l] ? offers[ledger.offerOf[l]!]!.unitPriceCents : Number.POSITIVE_INFINITY;
    for (const o of problem.fits[l]!) {
      if (o === ledger.offerOf[l] || offers[o]!.unitPriceCents >= price || ledger.remaining[o]! >= line.quantity) continue;
      const list = wanting.get(o);
      if (list) list.push(line.id);
      else wanting.set(o, [line.id]);
    }
  }
  for (const [o, lineIds] of wanting) {
    out.push({
      constraint: 'stock',
      offerId: offers[o]!.id,
      pharmacyId: offers[o]!.pharmacyId,
      lineIds,
      message: `${pharmacyName(o)} has no free vials left for ${lineIds.length} line${lineIds.length === 1 ? '' : 's'} that would cost less there.`,
    });
  }

  // Offers pruned before solving that had a lower unit price than what the line got.
  const byKey = new Map<string, number[]>();
  offers.forEach((offer, o) => {
    const list = byKey.get(offer.equivalenceKey);
    if (list) list.push(o);
    else byKey.set(offer.equivalenceKey, [o]);
  });
  const pruned = new Map<ConstraintKind, string[]>();
  for (const l of problem.free) {
    if (!ledger.placed[l]) continue;
    const line = lines[l]!;
    const price = offers[ledger.offerOf[l]!]!.unitPriceCents;
    const kinds = new Set<ConstraintKind>();
    for (const o of byKey.get(line.equivalenceKey) ?? []) {
      if (offers[o]!.unitPriceCents >= price) continue;
      const kind = offerProblem(line, offers[o]!, problem.pharmacies.get(offers[o]!.pharmacyId)!, problem.input.today, problem.capacity[o]!);
      if (kind !== null) kinds.add(kind);
    }
    for (const kind of kinds) {
      const list = pruned.get(kind);
      if (list) list.push(line.id);
      else pruned.set(kind, [line.id]);
    }
  }
  for (const kind of ['ship_state', 'controlled', 'need_by', 'stock'] as const) {
    const lineIds = pruned.get(kind);
    if (!lineIds) continue;
    out.push({
      constraint: kind,
      lineIds,
      message: `${CONSTRAINT_WORDS[kind]} ${lineIds.length} line${lineIds.length === 1 ? '' : 's'} off a pharmacy with a lower unit price.`,
    });
  }
  return out;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
