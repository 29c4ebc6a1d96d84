import { describe, expect, it } from 'vitest';
import { RULES, RULE_IDS, severityOf, validateCart, validateLine } from './index';
import { makeContext, makeLine, makeSig } from './test-fixtures';

describe('validateCart', () => {
  it('finds nothing on a clean cart', () => {
    const result = validateCart([makeLine(), makeLine({ id: 'line-2', patientId: 'milo' })], makeContext());
    expect(result).toEqual({
      lines: [
        { index: 0, lineId: 'line-1', findings: [] },
        { index: 1, lineId: 'line-2', findings: [] },
      ],
      blockingCount: 0,
      warningCount: 0,
    });
  });

  it('lists errors before warnings, each in registry order, and counts them', () => {
    const ctx = makeContext((c) => {
      c.patients.bella!.status = 'deceased';
    });
    const line = makeLine({
      quantity: 11,
      unitPriceCentsWhenAdded: 1700,
      parsedSig: makeSig({ complete: false, missing: ['route'], route: undefined, durationDays: undefined }),
    });
    const result = validateCart([line], ctx);
    expect(result.lines[0]?.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['sig.complete', 'error'],
      ['pharmacy.stock', 'error'],
      ['patient.active', 'error'],
      ['sig.duration', 'warning'],
      ['sig.days_supply', 'warning'], // 11 × 30 ml at 1 ml a day: 330 days
      ['offer.price_changed', 'warning'],
    ]);
    expect(result.blockingCount).toBe(3);
    expect(result.warningCount).toBe(3);
    expect(result.lines[0]?.findings[0]).toMatchObject({ lineIndex: 0, lineId: 'line-1', acknowledged: false });
  });

  it('marks acknowledged warnings and leaves them out of the warning count; errors cannot be acknowledged', () => {
    const ctx = makeContext((c) => {
      c.patients.bella!.status = 'inactive';
    });
    const line = makeLine({
      unitPriceCentsWhenAdded: 1700,
      parsedSig: makeSig({ durationDays: undefined }),
      acknowledgedRules: ['offer.price_changed', 'patient.active'],
    });
    const { lines, blockingCount, warningCount } = validateCart([line], ctx);
    const byRule = Object.fromEntries((lines[0]?.findings ?? []).map((f) => [f.rule, f.acknowledged]));
    expect(byRule).toEqual({ 'patient.active': false, 'sig.duration': false, 'offer.price_changed': true });
    expect(blockingCount).toBe(1);
    expect(warningCount).toBe(1);
  });

  it("sets the wellness severity from the clinic's policy", () => {
    const overdue = (policy: 'warning' | 'error') =>
      makeContext((c) => {
        c.clinic.wellnessPolicy = policy;
        c.patients.bella!.lastWellnessExamOn = '2023-01-01';
      });
    expect(validateCart([makeLine()], overdue('warning'))).toMatchObject({ blockingCount: 0, warningCount: 1 });
    expect(validateCart([makeLine()], overdue('error'))).toMatchObject({ blockingCount: 1, warningCount: 0 });
    expect(severityOf('patient.wellness', overdue('error'))).toBe('error');
  });

  it('sees the whole cart: two lines sharing the last vials both block', () => {
    const lines = [makeLine({ quantity: 6 }), makeLine({ id: 'line-2', patientId: 'milo', quantity: 5 })];
    const result = validateCart(lines, makeContext());
    expect(result.lines.map((l) => l.findings.map((f) => f.rule))).toEqual([['pharmacy.stock'], ['pharmacy.stock']]);
  });

  it('omits lineId for lines that are not stored', () => {
    const { id: _id, ...unsaved } = makeLine({ quantity: 11 });
    const result = validateCart([unsaved], makeContext());
    expect(result.lines[0]).not.toHaveProperty('lineId');
    expect(result.lines[0]?.findings[0]).not.toHaveProperty('lineId');
  });

  it('gives the same answer twice (deterministic)', () => {
    const lines = [makeLine({ quantity: 30 }), makeLine({ id: 'b', quantity: 30, shipTo: 'owner', shipState: 'OR' })];
    expect(validateCart(lines, makeContext())).toEqual(validateCart(lines, makeContext()));
  });
});

describe('validateLine', () => {
  it('checks a line as a cart of one by default, or within its cart', () => {
    const a = makeLine({ quantity: 6 });
    const b = makeLine({ id: 'line-2', quantity: 5 });
    expect(validateLine(a, makeContext())).toEqual([]);
    expect(validateLine(b, makeContext(), { lines: [a, b], index: 1 }).map((f) => f.rule)).toEqual(['pharmacy.stock', 'line.duplicate']);
  });

  it('refuses a cart whose line at index is another line', () => {
    expect(() => validateLine(makeLine(), makeContext(), { lines: [makeLine()], index: 0 })).toThrow(RangeError);
  });
});

describe('registry', () => {
  it('registers a check and a severity for every rule id', () => {
    expect(Object.keys(RULES)).toEqual([...RULE_IDS]);
  });
});
