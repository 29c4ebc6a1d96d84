/**
 * Generated refill-day carts for the optimizer's tests and benchmark: a catalog of
 * medications offered by several pharmacies with realistic fees, licences, stock and
 * turnaround, and a cart built the way the demo builds one (each line repeats the pharmacy of
 * its last fill, taken in cart order while that offer has the stock).
 */
import { arrivesInTime, dispenses, shipsTo } from '../../app/services/optimizer/problem';
import { addDays } from '../../validators/vocabulary';
import type {
  ControlledSchedule,
  OptimizeInput,
  OptimizerLine,
  OptimizerOffer,
  OptimizerPharmacy,
} from '../../app/services/optimizer/model';
import { prng, type Prng } from './prng';

/** What the generator draws from; recorded with every benchmark figure. */
export type CartGeneratorParams = {
  seed: number;
  lines: number;
  pharmacies: number;
  medications: number;
  /** Line i draws medication ⌊r^skew × medications⌋ for a uniform r: 1 is even, higher favours a few. */
  popularitySkew: number;
  /** Each medication is offered by this many pharmacies (inclusive range). */
  offersPerMedication: [number, number];
  /** Share of lines shipped to an owner rather than the clinic, and how many owners. */
  ownerShare: number;
  owners: number;
  /** The clinic's state first, then the states owners live in. */
  states: string[];
  /** Chance a pharmacy holds a licence for the clinic's state, and for each other state. */
  licenceChance: { clinicState: number; otherState: number };
  /** Share of licences that expired yesterday. */
  expiredLicenceShare: number;
  shippingCents: [number, number];
  /** Pharmacies with a cold-chain fee, and its range. */
  coldChainFeeShare: number;
  coldChainFeeCents: [number, number];
  /** A medication's base price per vial, and the spread of one pharmacy's price around it. */
  basePriceCents: [number, number];
  priceSpread: [number, number];
  /** Free vials per offer, and the share of offers with none. */
  freeStock: [number, number];
  outOfStockShare: number;
  turnaroundDays: [number, number];
  coldChainMedicationShare: number;
  controlledMedicationShare: number;
  /** Vials per line, drawn with these weights for 1, 2, 3 … */
  quantityWeights: number[];
  needByShare: number;
  needByDays: [number, number];
  pinnedShare: number;
  platformFeePerVialCents: number;
  today: string;
};

/** The benchmark's carts: 1,000 lines over 8 pharmacies. */
export const REALISTIC_CART: CartGeneratorParams = {
  seed: 22,
  lines: 1_000,
  pharmacies: 8,
  medications: 120,
  popularitySkew: 1.5,
  offersPerMedication: [3, 6],
  ownerShare: 0.25,
  owners: 60,
  states: ['CA', 'OR', 'WA', 'NV', 'AZ'],
  licenceChance: { clinicState: 0.9, otherState: 0.6 },
  expiredLicenceShare: 0.05,
  shippingCents: [900, 2_400],
  coldChainFeeShare: 0.75,
  coldChainFeeCents: [1_000, 2_500],
  basePriceCents: [600, 9_000],
  priceSpread: [0.85, 1.2],
  freeStock: [20, 120],
  outOfStockShare: 0.08,
  turnaroundDays: [2, 6],
  coldChainMedicationShare: 0.1,
  controlledMedicationShare: 0.08,
  quantityWeights: [40, 30, 12, 8, 5, 5],
  needByShare: 0.15,
  needByDays: [3, 9],
  pinnedShare: 0.03,
  platformFeePerVialCents: 35,
  today: '2026-12-03',
};

const SCHEDULES: ControlledSchedule[] = ['II', 'III', 'IV'];

export function generateCart(params: CartGeneratorParams): OptimizeInput {
  const rnd = prng(params.seed);
  const between = ([min, max]: [number, number]) => rnd.int(min, max);
  const real = ([min, max]: [number, number]) => min + rnd.next() * (max - min);
  const yesterday = addDays(params.today, -1);
  const farAway = addDays(params.today, 365);

  const pharmacies: OptimizerPharmacy[] = [];
  for (let p = 0; p < params.pharmacies; p++) {
    const shipStates = params.states
      .filter((_, i) => rnd.next() < (i === 0 ? params.licenceChance.clinicState : params.licenceChance.otherState))
      .map((state) => ({ state, expiresOn: rnd.next() < params.expiredLicenceShare ? yesterday : farAway }));
    pharmacies.push({
      id: `pharmacy-${p}`,
      name: `Pharmacy ${p}`,
      shippingCents: between(params.shippingCents),
      coldChainCents: rnd.next() < params.coldChainFeeShare ? between(params.coldChainFeeCents) : 0,
      shipStates,
      controlledSchedules: null,
    });
  }
  const pharmacyTurnaround = pharmacies.map(() => between(params.turnaroundDays));
  const pharmacyFactor = pharmacies.map(() => real(params.priceSpread));

  type Medication = { key: string; schedule: ControlledSchedule | null };
  const medications: Medication[] = [];
  const offers: OptimizerOffer[] = [];
  const offersOf = new Map<string, OptimizerOffer[]>();
  for (let m = 0; m < params.medications; m++) {
    const key = `med-${m}`;
    const coldChain = rnd.next() < params.coldChainMedicationShare;
    const schedule = rnd.next() < params.controlledMedicationShare ? rnd.pick(SCHEDULES) : null;
    medications.push({ key, schedule });
    const base = between(params.basePriceCents);
    const sellers = shuffled(rnd, pharmacies.map((_, p) => p)).slice(0, between(params.offersPerMedication));
    const list: OptimizerOffer[] = sellers.map((p) => ({
      id: `offer-${m}-${p}`,
      pharmacyId: pharmacies[p]!.id,
      equivalenceKey: key,
      unitPriceCents: Math.round(base * pharmacyFactor[p]! * real([0.95, 1.05])),
      freeStock: rnd.next() < params.outOfStockShare ? 0 : between(params.freeStock),
      shipStates: null,
      turnaroundDays: Math.max(1, pharmacyTurnaround[p]! + rnd.int(-1, 1)),
      coldChain,
    }));
    offers.push(...list);
    offersOf.set(key, list);
  }

  const ownerState = Array.from({ length: params.owners }, () => (rnd.next() < 0.6 ? params.states[0]! : rnd.pick(params.states.slice(1))));
  const pharmacyById = new Map(pharmacies.map((p) => [p.id, p]));
  const taken = new Map<string, number>();
  const lines: OptimizerLine[] = [];
  for (let l = 0; l < params.lines; l++) {
    // Popular medications come up more often: the power skews the draw towards low indices.
    const medication = medications[Math.floor(rnd.next() ** params.popularitySkew * medications.length)]!;
    const owner = rnd.next() < params.ownerShare ? rnd.int(0, params.owners - 1) : -1;
    const line: OptimizerLine = {
      id: `line-${l}`,
      equivalenceKey: medication.key,
      quantity: weighted(rnd, params.quantityWeights) + 1,
      destinationKey: owner < 0 ? 'clinic' : `owner:client-${owner}`,
      shipState: owner < 0 ? params.states[0]! : ownerState[owner]!,
      controlledSchedule: medication.schedule,
      needBy: rnd.next() < params.needByShare ? addDays(params.today, between(params.needByDays)) : null,
      pinnedOfferId: null,
      currentOfferId: '',
    };
    // The pharmacy of the last fill: one that can take the line now, while its stock lasts.
    const all = offersOf.get(medication.key)!;
    const fits = all.filter((o) => {
      const ph = pharmacyById.get(o.pharmacyId)!;
      return shipsTo(o, ph, line.shipState, params.today) && dispenses(ph, line) && arrivesInTime(o, line, params.today) && o.freeStock - (taken.get(o.id) ?? 0) >= line.quantity;
    });
    const current = fits.length > 0 ? rnd.pick(fits) : rnd.pick(all);
    if (fits.length > 0) taken.set(current.id, (taken.get(current.id) ?? 0) + line.quantity);
    line.currentOfferId = current.id;
    if (rnd.next() < params.pinnedShare) line.pinnedOfferId = current.id;
    lines.push(line);
  }
  return {
    lines,
    offers,
    pharmacies,
    platformFeePerVialCents: params.platformFeePerVialCents,
    today: params.today,
    maxPharmacies: null,
  };
}

/**
 * What routing each line on its own gives: in cart order, each line takes the offer with the
 * lowest unit price that can take it with the stock left (pinned lines keep theirs; a line
 * nothing can take keeps its current offer).
 */
export function cheapestOfferPerLine(input: OptimizeInput): OptimizerOffer[] {
  const pharmacies = new Map(input.pharmacies.map((p) => [p.id, p]));
  const byId = new Map(input.offers.map((o) => [o.id, o]));
  const taken = new Map<string, number>();
  const take = (o: OptimizerOffer, n: number) => taken.set(o.id, (taken.get(o.id) ?? 0) + n);
  for (const line of input.lines) if (line.pinnedOfferId) take(byId.get(line.pinnedOfferId)!, line.quantity);
  return input.lines.map((line) => {
    if (line.pinnedOfferId) return byId.get(line.pinnedOfferId)!;
    const fits = input.offers.filter((o) => {
      const ph = pharmacies.get(o.pharmacyId)!;
      return (
        o.equivalenceKey === line.equivalenceKey &&
        shipsTo(o, ph, line.shipState, input.today) &&
        dispenses(ph, line) &&
        arrivesInTime(o, line, input.today) &&
        o.freeStock - (taken.get(o.id) ?? 0) >= line.quantity
      );
    });
    fits.sort((a, b) => a.unitPriceCents - b.unitPriceCents);
    const chosen = fits[0] ?? byId.get(line.currentOfferId)!;
    if (fits[0]) take(chosen, line.quantity);
    return chosen;
  });
}

function shuffled<T>(rnd: Prng, xs: T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function weighted(rnd: Prng, weights: readonly number[]): number {
  let r = rnd.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
