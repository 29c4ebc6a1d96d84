/**
 * The table-driven check the SIG parser's unit tests share: a case names only what it
 * asserts about `parseSig(text)`.
 */
import { describe, expect, it } from 'vitest';
import { parseSig } from '../sig';
import type { ParsedSig, SigContext, SigPart, SigRoute } from './types';

/**
 * What a case asserts. Only the keys given are checked; `null` means "must be absent".
 * frequency is [count, period, periodUnit]; dose is [amount, unit] or [amount, amountMax, unit].
 * `missing` is always checked (absent = nothing missing), and `prn` (absent = not as needed).
 */
export type SigExpectation = {
  dose?: [number, string?] | [number, number, string?] | null;
  route?: SigRoute | null;
  inferred?: boolean;
  freq?: [number, number, 'h' | 'd' | 'wk' | 'mo'] | null;
  perDay?: number;
  prn?: boolean;
  days?: number | null;
  site?: string | null;
  missing?: SigPart[];
};

/** Parses `text` (with `context` when given) and checks it against `e`. */
export function expectSig(text: string, e: SigExpectation, context?: SigContext): void {
  const p = parseSig(text, context);
  if (e.dose === null) expect(p.dose, 'dose').toBeUndefined();
  else if (e.dose) {
    const [amount, second, third] = e.dose;
    const dose: ParsedSig['dose'] = typeof second === 'number' ? { amount, amountMax: second } : { amount };
    const unit = typeof second === 'number' ? third : second;
    if (unit !== undefined) dose.unit = unit;
    expect(p.dose, 'dose').toEqual(dose);
  }
  if (e.route === null) {
    expect(p.route, 'route').toBeUndefined();
    expect(p.routeInferred, 'routeInferred').toBeUndefined();
  } else if (e.route) expect(p.route, 'route').toBe(e.route);
  if (e.inferred !== undefined) expect(p.routeInferred, 'routeInferred').toBe(e.inferred);
  if (e.freq === null) {
    expect(p.frequency, 'frequency').toBeUndefined();
    expect(p.timesPerDay, 'timesPerDay').toBeUndefined();
  } else if (e.freq) {
    const [count, period, periodUnit] = e.freq;
    expect(p.frequency, 'frequency').toEqual({ count, period, periodUnit });
  }
  if (e.perDay !== undefined) expect(p.timesPerDay, 'timesPerDay').toBeCloseTo(e.perDay, 5);
  expect(p.asNeeded, 'asNeeded').toBe(e.prn ?? false);
  if (e.days === null) expect(p.durationDays, 'durationDays').toBeUndefined();
  else if (e.days !== undefined) expect(p.durationDays, 'durationDays').toBe(e.days);
  if (e.site === null) expect(p.site, 'site').toBeUndefined();
  else if (e.site !== undefined) expect(p.site, 'site').toBe(e.site);
  const missing = e.missing ?? [];
  expect(p.missing, 'missing').toEqual(missing);
  expect(p.complete, 'complete').toBe(missing.length === 0);
}

/** One `describe` per named table, one test per case. */
export function describeSigTables(groups: ReadonlyArray<readonly [string, ReadonlyArray<[string, SigExpectation]>]>): void {
  for (const [name, cases] of groups) {
    describe(name, () => {
      it.each(cases)('%s', (text, e) => expectSig(text, e));
    });
  }
}
