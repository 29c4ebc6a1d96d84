/**
 * Landed-cost pricing of a cart: what the clinic pays per vial once it has arrived.
 *
 * Pure and dependency-free so the catalog, the cart, checkout and the browser all compute the
 * same figure. All money is integer cents; nothing here ever holds a fractional cent.
 *
 * Model (DESIGN.md "Pricing"):
 * - A shipment is (pharmacy, destination). Each shipment pays its pharmacy's shipping fee once,
 *   plus the pharmacy's cold-chain fee once when any of its lines is cold-chain.
 * - A shipment's fixed fees are allocated over its vials by largest remainder, so its lines sum
 *   to the shipment total to the cent.
 * - The platform fee is a flat amount per vial (`platformFeePerVialCents`). A per-vial fee
 *   needs no allocation (it is exact on every line), is what a clinic can check by hand, and
 *   does not make a cheap vial look cheaper than an expensive one by a rounding accident as a
 *   basis-points rate would. It is a parameter so the business can set it, including 0.
 */

/** One cart line as pricing sees it. */
export type CartLineInput = {
  id: string;
  pharmacyId: string;
  /** Where the shipment goes: `"clinic"` or `"owner:<clientId>"`. Lines with the same pharmacy and key ship together. */
  destinationKey: string;
  /** Number of vials; a positive whole number. */
  quantity: number;
  /** The pharmacy's price for one vial, in cents. */
  unitPriceCents: number;
  /** Whether the product must ship refrigerated; one such line puts the cold-chain fee on its shipment. */
  coldChain: boolean;
};

/** A pharmacy's fixed fees, charged once per shipment. */
export type PharmacyFees = {
  shippingCents: number;
  /** Added to a shipment that holds at least one cold-chain line. */
  coldChainCents: number;
};

/** Everything `priceCart` needs. */
export type PriceCartInput = {
  lines: readonly CartLineInput[];
  /** Fees keyed by pharmacy id; every pharmacy of a line must be present. */
  pharmacies: Readonly<Record<string, PharmacyFees>>;
  /** vialcart's fee for each vial, in cents. */
  platformFeePerVialCents: number;
};

/** One priced line. `lineTotalCents` is exact; `landedCostPerVialCents` is rounded for display. */
export type PricedLine = {
  id: string;
  pharmacyId: string;
  destinationKey: string;
  quantity: number;
  unitPriceCents: number;
  /** This line's share of its shipment's shipping fee. */
  shippingShareCents: number;
  /** This line's share of its shipment's cold-chain fee. */
  feeShareCents: number;
  /** Platform fee for all vials of the line (per-vial fee × quantity). */
  platformFeeCents: number;
  /** unit price × quantity + shipping share + fee share + platform fee; sums exactly per shipment. */
  lineTotalCents: number;
  /** round(lineTotalCents / quantity): the figure shown as "landed cost per vial". */
  landedCostPerVialCents: number;
};

/** One shipment of the cart: the lines of one pharmacy going to one destination. */
export type PricedShipment = {
  pharmacyId: string;
  /** The destination key shared by its lines. */
  destination: string;
  /** Ids of its lines, in cart order. */
  lineIds: string[];
  vials: number;
  shippingCents: number;
  /** Cold-chain fee (0 when no line is cold-chain). */
  feesCents: number;
  platformFeeCents: number;
  /** Σ unit price × quantity of its lines. */
  subtotalCents: number;
  /** subtotal + shipping + fees + platform fee = Σ lineTotalCents of its lines. */
  totalCents: number;
};

/** A priced cart: lines in input order, shipments in order of their first line. */
export type PricedCart = {
  lines: PricedLine[];
  shipments: PricedShipment[];
  /** Σ shipment totals. */
  totalCents: number;
};

/**
 * Splits `totalCents` over `weights` so the parts are whole cents summing exactly to the total.
 * Each part is the floor of its exact share; the cents left over go one each to the largest
 * remainders, ties to the earlier index. A zero weight gets 0, unless every weight is 0, in
 * which case the total is split evenly by count.
 *
 * Weights are whole numbers (vials). Throws a RangeError for a negative or fractional total or
 * weight, for a positive total with nothing to split over, and when total × Σweights exceeds
 * Number.MAX_SAFE_INTEGER (the arithmetic below is exact only up to there).
 */
export function allocateLargestRemainder(totalCents: number, weights: readonly number[]): number[] {
  assertWholeCents('totalCents', totalCents);
  const n = weights.length;
  if (n === 0) {
    if (totalCents === 0) return [];
    throw new RangeError(`cannot allocate ${totalCents} cents over no weights`);
  }
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!Number.isSafeInteger(w) || w < 0) {
      throw new RangeError(`weight ${i} must be a non-negative whole number, got ${w}`);
    }
    weightSum += w;
  }
  const allZero = weightSum === 0;
  if (allZero) weightSum = n;
  if (totalCents * weightSum > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`cannot allocate ${totalCents} cents over ${weightSum} exactly`);
  }

  const parts = new Array<number>(n);
  const remainders = new Array<number>(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    // Integer products and remainders keep this exact; floats would misplace a cent now and then.
    const scaled = totalCents * (allZero ? 1 : weights[i]!);
    const remainder = scaled % weightSum;
    const part = (scaled - remainder) / weightSum;
    parts[i] = part;
    remainders[i] = remainder;
    given += part;
  }
  let left = totalCents - given;
  if (left === 0) return parts;

  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  // left < number of non-zero remainders, so a line with an exact share never gets an extra cent.
  for (let k = 0; left > 0; k++, left--) {
    const i = order[k]!;
    parts[i] = parts[i]! + 1;
  }
  return parts;
}

type ShipmentGroup = { pharmacyId: string; destinationKey: string; lines: CartLineInput[] };

/**
 * Prices a cart: every line's landed cost and every shipment's total.
 * Σ lineTotalCents of a shipment's lines = its totalCents; Σ shipment totals = totalCents.
 * Throws a RangeError on malformed input (non-whole cents, quantity < 1, unknown pharmacy):
 * callers validate user input before pricing, so this is a programming error.
 */
export function priceCart(input: PriceCartInput): PricedCart {
  assertWholeCents('platformFeePerVialCents', input.platformFeePerVialCents);
  const groups = groupShipments(input.lines);
  const byId = new Map<string, PricedLine>();
  const shipments: PricedShipment[] = [];
  let totalCents = 0;
  for (const group of groups.values()) {
    const { shipment, lines } = priceShipment(group, input);
    shipments.push(shipment);
    totalCents += shipment.totalCents;
    for (const line of lines) byId.set(line.id, line);
  }
  // Ids are the caller's; duplicates would make a line vanish from the result, so refuse them.
  if (byId.size !== input.lines.length) throw new RangeError('cart line ids must be unique');
  const lines = input.lines.map((l) => byId.get(l.id)!);
  return { lines, shipments, totalCents };
}

/** A line the clinic might add; it has no id yet. */
export type CandidateLine = Omit<CartLineInput, 'id'>;

/**
 * Prepares `cart` once and returns a function pricing a candidate line as if it were added to
 * the cart: it joins the shipment with its pharmacy and destination (so its share of the fixed
 * fees is smaller) or starts a new one. Only that shipment is re-priced per call, which keeps a
 * catalog page of thousands of offers cheap against a large cart.
 */
export function landedCostQuoter(cart: PriceCartInput): (candidate: CandidateLine) => PricedLine {
  assertWholeCents('platformFeePerVialCents', cart.platformFeePerVialCents);
  const groups = groupShipments(cart.lines);
  const taken = new Set(cart.lines.map((l) => l.id));
  let candidateId = '__candidate__';
  while (taken.has(candidateId)) candidateId = `_${candidateId}`;
  return (candidate) => {
    const line: CartLineInput = { ...candidate, id: candidateId };
    const existing = groups.get(shipmentKey(line));
    const group: ShipmentGroup = {
      pharmacyId: line.pharmacyId,
      destinationKey: line.destinationKey,
      lines: existing ? [...existing.lines, line] : [line],
    };
    const priced = priceShipment(group, cart).lines;
    return priced[priced.length - 1]!;
  };
}

/**
 * The rounded per-vial landed cost `candidate` would have if added to `cart` now.
 * For many candidates against one cart, use `landedCostQuoter`.
 */
export function landedCostIfAdded(cart: PriceCartInput, candidate: CandidateLine): number {
  return landedCostQuoter(cart)(candidate).landedCostPerVialCents;
}

function shipmentKey(line: Pick<CartLineInput, 'pharmacyId' | 'destinationKey'>): string {
  // NUL cannot occur in ids or destination keys that came through a form, so the key is unambiguous.
  return `${line.pharmacyId}\u0000${line.destinationKey}`;
}

function groupShipments(lines: readonly CartLineInput[]): Map<string, ShipmentGroup> {
  const groups = new Map<string, ShipmentGroup>();
  for (const line of lines) {
    const key = shipmentKey(line);
    let group = groups.get(key);
    if (!group) {
      group = { pharmacyId: line.pharmacyId, destinationKey: line.destinationKey, lines: [] };
      groups.set(key, group);
    }
    group.lines.push(line);
  }
  return groups;
}

function priceShipment(
  group: ShipmentGroup,
  input: Pick<PriceCartInput, 'pharmacies' | 'platformFeePerVialCents'>,
): { shipment: PricedShipment; lines: PricedLine[] } {
  const fees = input.pharmacies[group.pharmacyId];
  if (!fees) throw new RangeError(`no fees given for pharmacy ${group.pharmacyId}`);
  assertWholeCents(`shippingCents of ${group.pharmacyId}`, fees.shippingCents);
  assertWholeCents(`coldChainCents of ${group.pharmacyId}`, fees.coldChainCents);

  const quantities: number[] = [];
  let coldChain = false;
  let vials = 0;
  let subtotalCents = 0;
  for (const line of group.lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      throw new RangeError(`line ${line.id}: quantity must be a whole number of vials ≥ 1, got ${line.quantity}`);
    }
    assertWholeCents(`line ${line.id}: unitPriceCents`, line.unitPriceCents);
    quantities.push(line.quantity);
    vials += line.quantity;
    subtotalCents += line.unitPriceCents * line.quantity;
    coldChain ||= line.coldChain;
  }

  const shippingCents = fees.shippingCents;
  const feesCents = coldChain ? fees.coldChainCents : 0;
  // Allocate the fixed fees together, then split each line's share into shipping and cold chain
  // in proportion. Allocating the two fees separately could give two lines of equal vials a
  // cent each way apart (2 cents in total); this keeps them within one cent, and since no
  // shipping share exceeds its line's fixed share, no cold-chain share goes negative.
  const fixedShares = allocateLargestRemainder(shippingCents + feesCents, quantities);
  const shippingShares = allocateLargestRemainder(shippingCents, fixedShares);

  const perVial = input.platformFeePerVialCents;
  const lines = group.lines.map((line, i): PricedLine => {
    const fixed = fixedShares[i]!;
    const shippingShareCents = shippingShares[i]!;
    const platformFeeCents = perVial * line.quantity;
    const lineTotalCents = line.unitPriceCents * line.quantity + fixed + platformFeeCents;
    return {
      id: line.id,
      pharmacyId: line.pharmacyId,
      destinationKey: line.destinationKey,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
      shippingShareCents,
      feeShareCents: fixed - shippingShareCents,
      platformFeeCents,
      lineTotalCents,
      landedCostPerVialCents: Math.round(lineTotalCents / line.quantity),
    };
  });
  const platformFeeCents = perVial * vials;
  return {
    lines,
    shipment: {
      pharmacyId: group.pharmacyId,
      destination: group.destinationKey,
      lineIds: group.lines.map((l) => l.id),
      vials,
      shippingCents,
      feesCents,
      platformFeeCents,
      subtotalCents,
      totalCents: subtotalCents + shippingCents + feesCents + platformFeeCents,
    },
  };
}

function assertWholeCents(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative whole number of cents, got ${value}`);
  }
}
