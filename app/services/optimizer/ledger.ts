/**
 * An assignment of lines to offers with its landed cost kept up to date line by line, so the
 * heuristic can price a move in constant time. The cost is the one `priceCart` totals:
 * Σ unit price × vials + each shipment's shipping fee + its cold-chain fee when it holds a
 * cold-chain line + the per-vial platform fee (the same whatever is chosen).
 */
import type { Problem } from './problem';

export class Ledger {
  /** Per line: its offer index, or -1 while it has none. */
  readonly offerOf: Int32Array;
  /** Per line: 1 when placed (it counts against stock and the cap); an unplaced line sits on its held offer. */
  readonly placed: Uint8Array;
  /** Per offer: free vials left. */
  readonly remaining: Int32Array;
  /** Landed cost of every line present, in cents. */
  total: number;

  private readonly shipmentOf: (l: number, o: number) => number;
  private readonly lineCount: Int32Array;
  private readonly coldCount: Int32Array;
  private readonly shipping: Int32Array;
  private readonly coldFee: Int32Array;
  /** Per pharmacy index: placed lines on it. */
  private readonly pharmacyLines: Int32Array;
  private readonly offerPharmacy: Int32Array;
  private usedPharmacies = 0;

  constructor(private readonly problem: Problem) {
    const { lines, offers } = problem;
    const pharmacyIds = [...problem.pharmacies.keys()];
    const pharmacyIndex = new Map(pharmacyIds.map((id, i) => [id, i]));
    const destIndex = new Map<string, number>();
    const lineDest = Int32Array.from(lines, (line) => {
      let d = destIndex.get(line.destinationKey);
      if (d === undefined) destIndex.set(line.destinationKey, (d = destIndex.size));
      return d;
    });
    this.offerPharmacy = Int32Array.from(offers, (o) => pharmacyIndex.get(o.pharmacyId)!);
    const dests = Math.max(1, destIndex.size);
    this.shipmentOf = (l, o) => this.offerPharmacy[o]! * dests + lineDest[l]!;
    const shipments = pharmacyIds.length * dests;
    this.lineCount = new Int32Array(shipments);
    this.coldCount = new Int32Array(shipments);
    this.shipping = new Int32Array(shipments);
    this.coldFee = new Int32Array(shipments);
    pharmacyIds.forEach((id, p) => {
      const ph = problem.pharmacies.get(id)!;
      this.shipping.fill(ph.shippingCents, p * dests, (p + 1) * dests);
      this.coldFee.fill(ph.coldChainCents, p * dests, (p + 1) * dests);
    });
    this.pharmacyLines = new Int32Array(pharmacyIds.length);
    this.offerOf = new Int32Array(lines.length).fill(-1);
    this.placed = new Uint8Array(lines.length);
    this.remaining = Int32Array.from(problem.capacity);

    let vials = 0;
    for (const line of lines) vials += line.quantity;
    this.total = vials * problem.input.platformFeePerVialCents;
    problem.states.forEach((state, l) => {
      // Fixed lines took their vials when the problem was built; only the cap needs them here.
      if (state.kind === 'fixed') this.put(l, problem.held[l]!, true, false);
      else if (state.kind === 'unplaceable') this.put(l, problem.held[l]!, false);
    });
  }

  /** What adding line `l` on offer `o` would add to the total. */
  costAdd(l: number, o: number): number {
    const s = this.shipmentOf(l, o);
    let cost = this.problem.offers[o]!.unitPriceCents * this.problem.lines[l]!.quantity;
    if (this.lineCount[s] === 0) cost += this.shipping[s]!;
    if (this.problem.offers[o]!.coldChain && this.coldCount[s] === 0) cost += this.coldFee[s]!;
    return cost;
  }

  /** What removing line `l` from its offer would take off the total. */
  costRemove(l: number): number {
    const o = this.offerOf[l]!;
    const s = this.shipmentOf(l, o);
    let cost = this.problem.offers[o]!.unitPriceCents * this.problem.lines[l]!.quantity;
    if (this.lineCount[s] === 1) cost += this.shipping[s]!;
    if (this.problem.offers[o]!.coldChain && this.coldCount[s] === 1) cost += this.coldFee[s]!;
    return cost;
  }

  /** Whether line `l`, not placed now, could be placed on `o`: vials left and room under the cap. */
  canPlace(l: number, o: number): boolean {
    if (this.remaining[o]! < this.problem.lines[l]!.quantity) return false;
    const cap = this.problem.cap;
    return cap === null || this.pharmacyLines[this.offerPharmacy[o]!]! > 0 || this.usedPharmacies < cap;
  }

  /** Adds line `l` (absent now) on offer `o`; a placed line takes stock unless `takeStock` is false. */
  put(l: number, o: number, placed: boolean, takeStock = placed): void {
    this.total += this.costAdd(l, o);
    const s = this.shipmentOf(l, o);
    this.lineCount[s] = this.lineCount[s]! + 1;
    if (this.problem.offers[o]!.coldChain) this.coldCount[s] = this.coldCount[s]! + 1;
    this.offerOf[l] = o;
    this.placed[l] = placed ? 1 : 0;
    if (placed) {
      if (takeStock) this.remaining[o] = this.remaining[o]! - this.problem.lines[l]!.quantity;
      const p = this.offerPharmacy[o]!;
      if (this.pharmacyLines[p] === 0) this.usedPharmacies++;
      this.pharmacyLines[p] = this.pharmacyLines[p]! + 1;
    }
  }

  /** Removes a free line (placed or not) from its offer. */
  take(l: number): void {
    const o = this.offerOf[l]!;
    this.total -= this.costRemove(l);
    const s = this.shipmentOf(l, o);
    this.lineCount[s] = this.lineCount[s]! - 1;
    if (this.problem.offers[o]!.coldChain) this.coldCount[s] = this.coldCount[s]! - 1;
    if (this.placed[l]) {
      this.remaining[o] = this.remaining[o]! + this.problem.lines[l]!.quantity;
      const p = this.offerPharmacy[o]!;
      this.pharmacyLines[p] = this.pharmacyLines[p]! - 1;
      if (this.pharmacyLines[p] === 0) this.usedPharmacies--;
    }
    this.offerOf[l] = -1;
    this.placed[l] = 0;
  }

  /** Lines present on the shipment line `l` would join on offer `o` (line `l` itself included when it is there). */
  linesOnShipment(l: number, o: number): number {
    return this.lineCount[this.shipmentOf(l, o)]!;
  }

  /** Cold-chain lines present on the shipment line `l` would join on offer `o`. */
  coldLinesOnShipment(l: number, o: number): number {
    return this.coldCount[this.shipmentOf(l, o)]!;
  }

  /** The shipment id of line `l` on offer `o` (pharmacy × destination). */
  shipment(l: number, o: number): number {
    return this.shipmentOf(l, o);
  }

  get pharmaciesUsed(): number {
    return this.usedPharmacies;
  }
}
