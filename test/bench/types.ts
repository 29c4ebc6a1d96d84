/** One measured figure of a benchmark, as written into docs/benchmarks.md. */
export type BenchResult = {
  /** What was measured, e.g. "catalog search p95 (20,000 offers)". */
  name: string;
  value: number;
  unit: string;
  /** The issue's target, e.g. "≤ 30 ms"; omitted when the figure is only reported. */
  target?: string;
  /** Whether the target is met; omitted when there is no target. */
  ok?: boolean;
  note?: string;
};

/**
 * A benchmark file in test/bench/*.bench.ts default-exports one of these.
 * `npm run bench` runs them in order (or those named on the command line).
 */
export type Bench = {
  title: string;
  run: () => Promise<BenchResult[]>;
};
