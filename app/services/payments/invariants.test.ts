import { describe, expect, it } from 'vitest';
import { ledgerBalances, ledgerViolations, type LedgerMovement, type LedgerOrder } from './invariants';

const checkout = { id: 'k1', amountCents: 10_000 };
// Two orders: A (6,000, fee 200, its pharmacy paid through Stripe) and B (4,000, fee 100, paid outside Stripe).
const orderA: LedgerOrder = { id: 'A', status: 'accepted', totalCents: 6_000, platformFeeCents: 200, transferExpected: true };
const orderB: LedgerOrder = { id: 'B', status: 'submitted', totalCents: 4_000, platformFeeCents: 100, transferExpected: false };
let n = 0;
const mv = (kind: LedgerMovement['kind'], status: LedgerMovement['status'], amountCents: number, orderId: string | null = null): LedgerMovement => ({ id: `m${++n}`, kind, status, amountCents, orderId, provider: 'stripe' });
const paid = () => [mv('charge', 'succeeded', 10_000), mv('platform_fee', 'succeeded', 200, 'A'), mv('platform_fee', 'succeeded', 100, 'B')];
const rules = (...args: Parameters<typeof ledgerViolations>) => ledgerViolations(...args).map((v) => v.rule);

describe('the ledger invariants', () => {
  it('a paid checkout whose accepted order was transferred balances, at every step and settled', () => {
    expect(rules(checkout, [orderA, orderB], [...paid(), mv('transfer', 'pending', 5_800, 'A')])).toEqual([]);
    expect(rules(checkout, [orderA, orderB], [...paid(), mv('transfer', 'sending', 5_800, 'A')])).toEqual([]);
    expect(rules(checkout, [orderA, orderB], [...paid(), mv('transfer', 'succeeded', 5_800, 'A')], { settled: true })).toEqual([]);
    const b = ledgerBalances([...paid(), mv('transfer', 'succeeded', 5_800, 'A')]);
    expect(b).toMatchObject({ chargedCents: 10_000, transferredCents: 5_800, feeKeptCents: 300, heldCents: 4_200 });
  });

  it('a cancel after the transfer: reversal first, then the refund with the fee given back, balances at each step', () => {
    const cancelled = { ...orderA, status: 'cancelled' as const };
    const base = () => [mv('charge', 'succeeded', 10_000), mv('platform_fee', 'succeeded', 100, 'B')];
    // Refund recorded, not sent; the transfer is still with the pharmacy; the fee is still kept.
    expect(rules(checkout, [cancelled, orderB], [...base(), mv('platform_fee', 'succeeded', 200, 'A'), mv('transfer', 'succeeded', 5_800, 'A'), mv('transfer_reversal', 'pending', 5_800, 'A'), mv('refund', 'pending', 6_000, 'A')])).toEqual([]);
    // Reversed; then the refund goes out and the fee goes back with it.
    expect(rules(checkout, [cancelled, orderB], [...base(), mv('platform_fee', 'succeeded', 200, 'A'), mv('transfer', 'succeeded', 5_800, 'A'), mv('transfer_reversal', 'succeeded', 5_800, 'A'), mv('refund', 'pending', 6_000, 'A')])).toEqual([]);
    const done = [...base(), mv('platform_fee', 'returned', 200, 'A'), mv('transfer', 'succeeded', 5_800, 'A'), mv('transfer_reversal', 'succeeded', 5_800, 'A'), mv('refund', 'succeeded', 6_000, 'A')];
    expect(rules(checkout, [cancelled, orderB], done, { settled: true })).toEqual([]);
  });

  it('catches a refund sent while the pharmacy still holds the transfer (the platform would pay out what it no longer has)', () => {
    const cancelled = { ...orderA, status: 'cancelled' as const };
    const ms = [mv('charge', 'succeeded', 10_000), mv('platform_fee', 'returned', 200, 'A'), mv('platform_fee', 'succeeded', 100, 'B'), mv('transfer', 'succeeded', 5_800, 'A'), mv('refund', 'sending', 6_000, 'A')];
    expect(rules(checkout, [cancelled, orderB], ms)).toEqual(['transferred_within_held']);
    expect(rules(checkout, [cancelled, orderB], ms, { settled: true })).toEqual(['transferred_within_held', 'settled_refund', 'settled_reversal', 'settled']);
  });

  it('catches refunds beyond the charge, and refunds or transfers its status does not explain', () => {
    expect(rules(checkout, [orderA, orderB], [...paid(), mv('refund', 'succeeded', 4_000, 'B')])).toEqual(['refunded_as_status_says']);
    const rejected = { ...orderB, status: 'rejected' as const };
    expect(rules(checkout, [orderA, rejected], [...paid()])).toEqual(['refunded_as_status_says']);
    expect(rules(checkout, [orderA, rejected], [...paid(), mv('refund', 'pending', 4_000, 'B'), mv('refund', 'pending', 7_000, null)])).toEqual(['refunded_within_charged']);
    expect(rules(checkout, [orderA, { ...orderB, transferExpected: true }], [...paid(), mv('transfer', 'succeeded', 3_900, 'B')])).toEqual(['transferred_as_status_says']);
    expect(rules(checkout, [orderA, orderB], [...paid(), mv('transfer', 'succeeded', 6_000, 'A')])).toEqual(['transfer_is_payable']);
    expect(rules(checkout, [orderA, orderB], [...paid(), mv('transfer', 'succeeded', 5_800, 'A'), mv('transfer', 'unknown', 5_800, 'A')])).toEqual(['transferred_within_held', 'one_transfer']);
  });

  it('counts only succeeded refunds as refunded; pending ones as committed', () => {
    const b = ledgerBalances([mv('charge', 'succeeded', 10_000), mv('refund', 'processing', 1_000, 'A'), mv('refund', 'succeeded', 500, 'B'), mv('refund', 'failed', 700, 'B')]);
    expect(b).toMatchObject({ refundedCents: 500, refundsPendingCents: 1_000, refundsOutCents: 1_500, refundsCommittedCents: 1_500 });
  });

  it('settled: nothing left unsent, the accepted order paid, the fee kept or given back as the status says', () => {
    expect(rules(checkout, [orderA, orderB], [...paid(), mv('transfer', 'unknown', 5_800, 'A')], { settled: true })).toEqual(['settled_transfer', 'settled']);
    expect(rules(checkout, [orderA, orderB], paid(), { settled: true })).toEqual(['settled_transfer']);
    const rejected = { ...orderB, status: 'rejected' as const };
    // B's refund went out but its fee is still counted as kept: the platform would be short, and the fee is wrong.
    expect(rules(checkout, [orderA, rejected], [...paid(), mv('transfer', 'succeeded', 5_800, 'A'), mv('refund', 'succeeded', 4_000, 'B')], { settled: true })).toEqual(['transferred_within_held', 'settled_fee']);
    expect(rules({ ...checkout }, [orderA, orderB], [mv('charge', 'processing', 10_000)])).toEqual(['orders_are_paid', 'platform_fee_recorded', 'platform_fee_recorded']);
  });
});
