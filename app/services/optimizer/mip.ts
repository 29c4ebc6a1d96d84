/**
 * The mixed-integer program of docs/optimizer.md, as the sparse arrays HiGHS takes, and the
 * way back from its solution to an assignment. Pure: the solve itself runs in a worker
 * (`solver.server.ts`).
 *
 * Columns: x[l,o] (line l on offer o, binary), u[l] (line l left unplaced, continuous: the
 * assignment row makes it 0 or 1), y[s] (shipment s = pharmacy × destination is sent, binary),
 * z[s] (shipment s carries the cold-chain fee, binary), w[p] (pharmacy p is used, binary, only
 * with a cap). Every cost is whole cents, so the objective is integral.
 */
import { Ledger } from './ledger';
import type { Problem } from './problem';

/** A model as the worker hands it to HiGHS: columns and rows with bounds, CSC matrix. */
export type MipModel = {
  numCols: number;
  numRows: number;
  /** Constant part of the objective: lines that cannot move and shipments they already open. */
  offset: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  /** 1 = integer, 0 = continuous. */
  integrality: Int32Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
};

/** Where each line's columns are, to read a solution back. */
export type MipLayout = {
  /** Per line: first x column (its candidates in order follow), or -1 when not free. */
  xStart: Int32Array;
  /** Per line: its u column, or -1 when it needs none (it always fits somewhere). */
  slack: Int32Array;
  /** Shipment id → y column (absent when a line that cannot move already opens it). */
  shipmentCol: Map<number, number>;
  /** Shipment id → z column (absent when its fee is 0 or already charged). */
  coldCol: Map<number, number>;
  /** Pharmacy id → w column (only with a cap). */
  pharmacyCol: Map<string, number>;
  /** The penalty of leaving a line unplaced: more than any difference in landed cost. */
  penalty: number;
};

const INF = Number.POSITIVE_INFINITY;

export function buildMip(problem: Problem): { model: MipModel; layout: MipLayout } {
  const base = new Ledger(problem);
  const { lines, offers, candidates } = problem;
  const cols: { cost: number; lower: number; upper: number; integer: boolean; entries: [row: number, value: number][] }[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const addCol = (cost: number, integer: boolean, lower = 0, upper = 1) => cols.push({ cost, lower, upper, integer, entries: [] }) - 1;
  const addRow = (lower: number, upper: number) => {
    rowLower.push(lower);
    return rowUpper.push(upper) - 1;
  };
  const entry = (col: number, row: number, value: number) => cols[col]!.entries.push([row, value]);

  const shipmentCol = new Map<number, number>();
  const coldCol = new Map<number, number>();
  const pharmacyCol = new Map<string, number>();
  const xStart = new Int32Array(lines.length).fill(-1);
  const slack = new Int32Array(lines.length).fill(-1);

  let maxFees = 0;
  for (const p of problem.pharmacies.values()) maxFees = Math.max(maxFees, p.shippingCents + p.coldChainCents);
  let penalty = 1;
  for (const l of problem.free) {
    let maxUnit = offers[problem.held[l]!]!.unitPriceCents;
    for (const o of candidates[l]!) maxUnit = Math.max(maxUnit, offers[o]!.unitPriceCents);
    penalty += maxUnit * lines[l]!.quantity + maxFees;
  }

  /** y column of the shipment line `l` would join on offer `o`, or -1 when it is open anyway. */
  const shipmentVar = (l: number, o: number): number => {
    if (base.linesOnShipment(l, o) > 0) return -1;
    const s = base.shipment(l, o);
    let col = shipmentCol.get(s);
    if (col === undefined) shipmentCol.set(s, (col = addCol(problem.pharmacies.get(offers[o]!.pharmacyId)!.shippingCents, true)));
    return col;
  };
  const coldVar = (l: number, o: number): number => {
    const fee = problem.pharmacies.get(offers[o]!.pharmacyId)!.coldChainCents;
    if (!offers[o]!.coldChain || fee === 0 || base.coldLinesOnShipment(l, o) > 0) return -1;
    const s = base.shipment(l, o);
    let col = coldCol.get(s);
    if (col === undefined) coldCol.set(s, (col = addCol(fee, true)));
    return col;
  };
  const pharmacyVar = (o: number): number => {
    const id = offers[o]!.pharmacyId;
    if (problem.cap === null || problem.fixedPharmacies.has(id)) return -1;
    let col = pharmacyCol.get(id);
    if (col === undefined) pharmacyCol.set(id, (col = addCol(0, true)));
    return col;
  };
  /** `col` ≤ `bound`: choosing the column needs the shipment, cold fee or pharmacy switched on. */
  const implies = (col: number, bound: number) => {
    if (bound < 0) return;
    const row = addRow(-INF, 0);
    entry(col, row, 1);
    entry(bound, row, -1);
  };

  const stockRow = new Map<number, number>();
  for (const l of problem.free) {
    const line = lines[l]!;
    const assign = addRow(1, 1);
    xStart[l] = cols.length;
    const xs = candidates[l]!.map((o) => {
      const x = addCol(offers[o]!.unitPriceCents * line.quantity, true);
      entry(x, assign, 1);
      return x;
    });
    candidates[l]!.forEach((o, i) => {
      const x = xs[i]!;
      if (problem.contended[o]) {
        let row = stockRow.get(o);
        if (row === undefined) stockRow.set(o, (row = addRow(-INF, problem.capacity[o]!)));
        entry(x, row, line.quantity);
      }
      implies(x, shipmentVar(l, o));
      implies(x, coldVar(l, o));
      implies(x, pharmacyVar(o));
    });
    const mayNotFit = problem.cap !== null || candidates[l]!.every((o) => problem.contended[o]);
    if (mayNotFit) {
      // Unplaced, the line stays on its held offer: its price and that shipment's fees still count.
      const h = problem.held[l]!;
      const u = addCol(penalty + offers[h]!.unitPriceCents * line.quantity, false);
      entry(u, assign, 1);
      implies(u, shipmentVar(l, h));
      implies(u, coldVar(l, h));
      slack[l] = u;
    }
  }
  if (problem.cap !== null && pharmacyCol.size > 0) {
    const row = addRow(-INF, problem.cap - problem.fixedPharmacies.size);
    for (const w of pharmacyCol.values()) entry(w, row, 1);
  }

  const starts = new Int32Array(cols.length + 1);
  let nz = 0;
  cols.forEach((c, j) => {
    starts[j] = nz;
    nz += c.entries.length;
  });
  starts[cols.length] = nz;
  const indices = new Int32Array(nz);
  const values = new Float64Array(nz);
  let k = 0;
  for (const c of cols) {
    c.entries.sort((a, b) => a[0] - b[0]);
    for (const [row, value] of c.entries) {
      indices[k] = row;
      values[k++] = value;
    }
  }
  return {
    model: {
      numCols: cols.length,
      numRows: rowLower.length,
      offset: base.total,
      colCost: Float64Array.from(cols, (c) => c.cost),
      colLower: Float64Array.from(cols, (c) => c.lower),
      colUpper: Float64Array.from(cols, (c) => c.upper),
      integrality: Int32Array.from(cols, (c) => (c.integer ? 1 : 0)),
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      starts,
      indices,
      values,
    },
    layout: { xStart, slack, shipmentCol, coldCol, pharmacyCol, penalty },
  };
}

/** The column values of an assignment, to start HiGHS from a known feasible point. */
export function startFrom(problem: Problem, layout: MipLayout, model: MipModel, ledger: Ledger): Float64Array {
  const value = new Float64Array(model.numCols);
  const on = (col: number | undefined) => {
    if (col !== undefined) value[col] = 1;
  };
  for (const l of problem.free) {
    const o = ledger.offerOf[l]!;
    if (ledger.placed[l]) {
      value[layout.xStart[l]! + problem.candidates[l]!.indexOf(o)] = 1;
      on(layout.pharmacyCol.get(problem.offers[o]!.pharmacyId));
    } else {
      value[layout.slack[l]!] = 1;
    }
    on(layout.shipmentCol.get(ledger.shipment(l, o)));
    if (problem.offers[o]!.coldChain) on(layout.coldCol.get(ledger.shipment(l, o)));
  }
  return value;
}

/**
 * The assignment a solution describes, or null when it breaks a constraint the model should
 * have held (a numerical slip), which the caller treats as a solver failure.
 */
export function readSolution(problem: Problem, layout: MipLayout, colValue: Float64Array): Ledger | null {
  const ledger = new Ledger(problem);
  for (const l of problem.free) {
    const start = layout.xStart[l]!;
    const chosen = problem.candidates[l]!.findIndex((_, i) => colValue[start + i]! > 0.5);
    if (chosen < 0) {
      if (layout.slack[l]! < 0) return null;
      ledger.put(l, problem.held[l]!, false);
      continue;
    }
    const o = problem.candidates[l]![chosen]!;
    if (!ledger.canPlace(l, o)) return null;
    ledger.put(l, o, true);
  }
  return ledger;
}
