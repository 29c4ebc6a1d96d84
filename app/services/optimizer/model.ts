/**
 * The cart optimizer's contract: plain data in (a cart's lines, the offers each could come
 * from, the pharmacies' fees and licences, today), plain data out (a proposal). Nothing here
 * knows about the database; the loader that fills it lives with the cart.
 *
 * The model, the solver and the fallback are described in docs/optimizer.md.
 */
import type { PricedShipment } from '../../lib/pricing';
import type { ControlledSchedule, IsoDate, PharmacyShipState, UsState } from '../../../validators/types';

export type { ControlledSchedule, IsoDate, PharmacyShipState, UsState };

/** One cart line as the optimizer sees it. */
export type OptimizerLine = {
  id: string;
  /**
   * Which offers can fill the line: an offer fits when its `equivalenceKey` is the same. The
   * caller builds it from medication, strength and form, and gives an equivalent the clinic
   * allows the same key.
   */
  equivalenceKey: string;
  /** Vials; a whole number ≥ 1. */
  quantity: number;
  /** Where the line ships, as pricing keys it (`"clinic"` or `"owner:<clientId>"`). */
  destinationKey: string;
  /** The destination's state (two-letter code). */
  shipState: UsState;
  /** The medication's DEA schedule, or null when it is not controlled. */
  controlledSchedule: ControlledSchedule | null;
  /** The date the line must arrive by, or null. */
  needBy: IsoDate | null;
  /** When set, the line keeps this offer whatever it costs: the user pinned it. */
  pinnedOfferId: string | null;
  /** The offer the line has in the cart now; must be among the offers given. */
  currentOfferId: string;
};

/** One offer a line could come from. */
export type OptimizerOffer = {
  id: string;
  pharmacyId: string;
  /** See `OptimizerLine.equivalenceKey`. */
  equivalenceKey: string;
  unitPriceCents: number;
  /** Vials this cart may take: stock on hand less reservations, 0 when withdrawn. */
  freeStock: number;
  /** States the offer itself may ship to; null means every state its pharmacy is licensed for. */
  shipStates: readonly UsState[] | null;
  /** Days from ordering today to arrival. */
  turnaroundDays: number;
  /** Whether it ships refrigerated, which puts the pharmacy's cold-chain fee on its shipment. */
  coldChain: boolean;
};

/** A pharmacy's fees and licences, as pricing and validation read them. */
export type OptimizerPharmacy = {
  id: string;
  name: string;
  /** Charged once per shipment (pharmacy × destination). */
  shippingCents: number;
  /** Added once to a shipment holding at least one cold-chain line. */
  coldChainCents: number;
  /** States it is licensed to ship into, each through its expiry date (inclusive). */
  shipStates: readonly PharmacyShipState[];
  /**
   * DEA schedules it may dispense, or null for no restriction. The validation rules set no
   * pharmacy-side limit on controlled drugs today, so loaders pass null until one exists.
   */
  controlledSchedules: readonly ControlledSchedule[] | null;
};

/** Everything `optimizeCart` needs. */
export type OptimizeInput = {
  lines: readonly OptimizerLine[];
  /** Every offer a line could move to, and every line's current and pinned offer. */
  offers: readonly OptimizerOffer[];
  /** Every pharmacy of an offer. */
  pharmacies: readonly OptimizerPharmacy[];
  /** vialcart's fee per vial (the clinic's), the same for every choice. */
  platformFeePerVialCents: number;
  /** Today in the clinic's time zone: licence expiry and need-by dates are read against it. */
  today: IsoDate;
  /** At most this many pharmacies across the placed lines; null for no cap. */
  maxPharmacies: number | null;
};

/**
 * A constraint that keeps a line off an offer:
 * - `no_offer`: no offer of the medication (or an allowed equivalent) at all;
 * - `ship_state`: the pharmacy is not licensed for the destination's state, or the offer does not ship there;
 * - `controlled`: the pharmacy may not dispense the line's DEA schedule;
 * - `need_by`: the offer's turnaround arrives after the need-by date;
 * - `stock`: not enough free vials, on its own or once other lines took theirs;
 * - `pharmacy_cap`: the cap on the number of pharmacies;
 * - `pinned`: the user pinned the line.
 */
export type ConstraintKind = 'no_offer' | 'ship_state' | 'controlled' | 'need_by' | 'stock' | 'pharmacy_cap' | 'pinned';

/**
 * Why a line moves:
 * - `cheaper`: a lower unit price, or lower fees on a shipment of its own;
 * - `consolidates`: it joins a shipment that already goes to its destination;
 * - `in_stock`: its current offer lacks the vials (on its own, or once better-placed lines took them);
 * - `meets_need_by`: its current offer would arrive too late;
 * - `licensed`: its current pharmacy may not ship it there (state licence or controlled schedule);
 * - `pinned`: the user pinned it to another offer.
 */
export type MoveReason = 'cheaper' | 'consolidates' | 'in_stock' | 'meets_need_by' | 'licensed' | 'pinned';

/** Where a placeable line goes. */
export type Placement = {
  lineId: string;
  offerId: string;
  pharmacyId: string;
  /** True when `offerId` differs from the line's current offer. */
  moved: boolean;
  pinned: boolean;
};

/** A line that changes offer, and why, in words for the clinic. */
export type Move = {
  lineId: string;
  fromOfferId: string;
  toOfferId: string;
  reason: MoveReason;
  message: string;
  /** The line's landed cost (its share of fees included) before and after, in cents. */
  lineTotalBeforeCents: number;
  lineTotalAfterCents: number;
};

/** A line no offer can take; it stays on `staysOnOfferId` and the cart's validation flags it. */
export type Unplaceable = {
  lineId: string;
  /** The constraint that left no offer: the first one, in the order of `ConstraintKind`, that ruled out the last candidate. */
  constraint: ConstraintKind;
  message: string;
  /** Its pinned offer if pinned, else its current offer. */
  staysOnOfferId: string;
};

/** A constraint that shaped the proposal: it ruled out a cheaper offer or is at its limit. */
export type Binding = {
  constraint: ConstraintKind;
  message: string;
  lineIds: string[];
  offerId?: string;
  pharmacyId?: string;
};

/** Which answer the clinic got: `highs` is a proven optimum, `greedy` the heuristic. */
export type SolverName = 'highs' | 'greedy';

/** Why the heuristic answered instead of the solver. */
export type FallbackReason = 'time_budget' | 'solver_error';

/** The optimizer's answer; nothing is applied. */
export type Proposal = {
  solver: SolverName;
  /** Null when `solver` is `highs`. */
  fallback: { reason: FallbackReason; message: string } | null;
  /** One per placeable line, in cart order. */
  placements: Placement[];
  /** The placements that change offer, in cart order. */
  moves: Move[];
  /** In cart order; never silently dropped. */
  unplaceable: Unplaceable[];
  bindings: Binding[];
  /** The cart as given, priced as the cart prices it. */
  totalBeforeCents: number;
  /** The cart with the proposal applied (unplaceable lines where they stay), priced the same way. */
  totalAfterCents: number;
  /** totalBefore − totalAfter; negative only when moves were forced (stock, licence, need-by). */
  savingsCents: number;
  shipmentsBefore: PricedShipment[];
  shipmentsAfter: PricedShipment[];
  /** Wall time of the whole proposal, in milliseconds. */
  elapsedMs: number;
};
