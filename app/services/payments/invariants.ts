/**
 * What a checkout's ledger must always satisfy (docs/money.md, "Invariants"). Pure: the ledger
 * checks it after every money movement, the admin page shows it, tests assert it.
 *
 * Money leaving the platform counts as soon as it may have left (a request on its way or whose
 * answer was lost counts as made); money coming back counts only once it has come back. So the
 * checks hold at every moment, not only once everything has settled:
 * 1. refunded ≤ charged (every refund the ledger holds, even one not sent yet);
 * 2. transferred − reversed ≤ charged − refunded − platform fee kept: the platform never pays
 *    out more of a checkout than it holds, less its own fee;
 * 3. each order's movements are what its status says: a rejected or cancelled order is refunded
 *    its total, any other is not refunded; only an order its pharmacy accepted is transferred,
 *    and then its total less the platform fee; nothing is reversed that was not transferred.
 * Once every job has run (`settled`), stricter: nothing is left unsent or unknown, a refunded
 * order's transfer is reversed in full and its fee given back, an accepted order whose pharmacy
 * has a connected account has been paid.
 */
import type { MovementKind, MovementState, OrderStatus } from '../../../validators/vocabulary';

export type LedgerMovement = { id: string; kind: MovementKind; status: MovementState; amountCents: number; orderId: string | null; provider: 'stripe' | 'invoice' };
export type LedgerOrder = {
  id: string;
  status: OrderStatus;
  totalCents: number;
  platformFeeCents: number;
  /** Whether the pharmacy is paid by a Stripe transfer once it accepts (a Stripe payment and a connected account). */
  transferExpected: boolean;
};
export type LedgerCheckout = { id: string; amountCents: number };

/** One broken rule: what, and which order when it is an order's. */
export type LedgerViolation = { rule: string; message: string; orderId?: string };

/** A checkout's money in cents, as the pages show it and the invariants read it. */
export type LedgerBalances = {
  chargedCents: number;
  /** Refunds that succeeded. */
  refundedCents: number;
  /** Refunds sent or maybe sent (counted against the platform at once). */
  refundsOutCents: number;
  /** Every refund the ledger holds, sent or not. */
  refundsCommittedCents: number;
  /** Refunds Stripe took but has not finished (pending, requires action). */
  refundsPendingCents: number;
  transferredCents: number;
  transfersOutCents: number;
  reversedCents: number;
  feeKeptCents: number;
  /** What the platform holds of the checkout: charged − refunds out − transfers out + reversed. */
  heldCents: number;
};

const OUT: readonly MovementState[] = ['sending', 'unknown', 'processing', 'succeeded'];
const UNSETTLED: readonly MovementState[] = ['pending', 'sending', 'unknown'];
const REFUNDED_STATUSES: readonly OrderStatus[] = ['rejected', 'cancelled'];
const BEFORE_ACCEPTANCE: readonly OrderStatus[] = ['pending_delivery', 'submitted', 'delivery_failed'];

const sum = (ms: LedgerMovement[], kind: MovementKind, states: readonly MovementState[]) =>
  ms.filter((m) => m.kind === kind && states.includes(m.status)).reduce((s, m) => s + m.amountCents, 0);

export function ledgerBalances(movements: LedgerMovement[]): LedgerBalances {
  const chargedCents = sum(movements, 'charge', ['succeeded']);
  const refundsOutCents = sum(movements, 'refund', OUT);
  const transfersOutCents = sum(movements, 'transfer', OUT);
  const reversedCents = sum(movements, 'transfer_reversal', ['succeeded']);
  return {
    chargedCents,
    refundedCents: sum(movements, 'refund', ['succeeded']),
    refundsOutCents,
    refundsCommittedCents: sum(movements, 'refund', ['pending', ...OUT]),
    refundsPendingCents: sum(movements, 'refund', ['processing']),
    transferredCents: sum(movements, 'transfer', ['succeeded']),
    transfersOutCents,
    reversedCents,
    feeKeptCents: sum(movements, 'platform_fee', ['succeeded']),
    heldCents: chargedCents - refundsOutCents - transfersOutCents + reversedCents,
  };
}

/** Every rule the checkout's ledger breaks (empty when it balances). */
export function ledgerViolations(checkout: LedgerCheckout, orders: LedgerOrder[], movements: LedgerMovement[], options: { settled?: boolean } = {}): LedgerViolation[] {
  const out: LedgerViolation[] = [];
  const b = ledgerBalances(movements);
  const cents = (n: number) => `${n}¢`;
  if (b.refundsCommittedCents > b.chargedCents) {
    out.push({ rule: 'refunded_within_charged', message: `refunds of ${cents(b.refundsCommittedCents)} exceed the ${cents(b.chargedCents)} charged` });
  }
  if (b.transfersOutCents - b.reversedCents > b.chargedCents - b.refundsOutCents - b.feeKeptCents) {
    out.push({
      rule: 'transferred_within_held',
      message: `transferred ${cents(b.transfersOutCents)} less reversed ${cents(b.reversedCents)} exceeds charged ${cents(b.chargedCents)} less refunded ${cents(b.refundsOutCents)} less the platform fee ${cents(b.feeKeptCents)}`,
    });
  }
  if (orders.length > 0) {
    const total = orders.reduce((s, o) => s + o.totalCents, 0);
    if (total !== checkout.amountCents) out.push({ rule: 'orders_sum_to_charge', message: `orders total ${cents(total)}, the checkout ${cents(checkout.amountCents)}` });
    if (b.chargedCents !== checkout.amountCents) out.push({ rule: 'orders_are_paid', message: `the checkout has orders but ${cents(b.chargedCents)} of ${cents(checkout.amountCents)} is charged` });
  }
  for (const o of orders) out.push(...orderViolations(o, movements.filter((m) => m.orderId === o.id), options));
  if (options.settled) {
    for (const m of movements) {
      if (UNSETTLED.includes(m.status)) out.push({ rule: 'settled', message: `${m.kind} ${m.id} is still ${m.status}`, ...(m.orderId ? { orderId: m.orderId } : {}) });
    }
  }
  return out;
}

function orderViolations(o: LedgerOrder, ms: LedgerMovement[], options: { settled?: boolean }): LedgerViolation[] {
  const out: LedgerViolation[] = [];
  const v = (rule: string, message: string) => out.push({ rule, message, orderId: o.id });
  const refundsCommitted = sum(ms, 'refund', ['pending', ...OUT]);
  const transfers = ms.filter((m) => m.kind === 'transfer');
  const transfersOut = sum(ms, 'transfer', OUT);
  const reversed = sum(ms, 'transfer_reversal', ['succeeded']);
  const refunded = REFUNDED_STATUSES.includes(o.status);

  if (refunded && refundsCommitted !== o.totalCents) v('refunded_as_status_says', `order is ${o.status} but ${refundsCommitted}¢ of its ${o.totalCents}¢ is being refunded`);
  if (!refunded && refundsCommitted !== 0) v('refunded_as_status_says', `order is ${o.status} yet ${refundsCommitted}¢ is refunded`);
  if (BEFORE_ACCEPTANCE.includes(o.status) && transfersOut > 0) v('transferred_as_status_says', `order is ${o.status}, not accepted, yet ${transfersOut}¢ went to its pharmacy`);
  for (const t of transfers) {
    if (t.amountCents !== o.totalCents - o.platformFeeCents) v('transfer_is_payable', `transfer of ${t.amountCents}¢, payable is ${o.totalCents - o.platformFeeCents}¢`);
  }
  if (transfers.filter((t) => OUT.includes(t.status)).length > 1) v('one_transfer', 'more than one transfer to its pharmacy');
  if (reversed > transfersOut) v('reversed_within_transferred', `reversed ${reversed}¢ of ${transfersOut}¢ transferred`);
  const fees = ms.filter((m) => m.kind === 'platform_fee');
  if (o.platformFeeCents > 0 && (fees.length !== 1 || fees[0]!.amountCents !== o.platformFeeCents)) v('platform_fee_recorded', `platform fee ${o.platformFeeCents}¢ recorded as ${fees.map((f) => f.amountCents).join(', ') || 'nothing'}`);

  if (options.settled) {
    const refundsDone = sum(ms, 'refund', ['succeeded', 'processing']);
    if (refunded && refundsDone !== o.totalCents) v('settled_refund', `order is ${o.status}; ${refundsDone}¢ of ${o.totalCents}¢ refunded`);
    if (refunded && transfersOut - reversed !== 0) v('settled_reversal', `order is ${o.status}; ${transfersOut - reversed}¢ still with its pharmacy`);
    if (refunded && fees.some((f) => f.status === 'succeeded')) v('settled_fee', `order is ${o.status}; its platform fee is still kept`);
    if (!refunded && fees.some((f) => f.status !== 'succeeded')) v('settled_fee', `order is ${o.status}; its platform fee is not kept`);
    const accepted = !refunded && !BEFORE_ACCEPTANCE.includes(o.status);
    const paid = sum(ms, 'transfer', ['succeeded']) - reversed;
    if (accepted && o.transferExpected && paid !== o.totalCents - o.platformFeeCents) v('settled_transfer', `order is ${o.status}; its pharmacy has ${paid}¢ of ${o.totalCents - o.platformFeeCents}¢`);
    if (accepted && !o.transferExpected && transfersOut > 0) v('settled_transfer', `order is ${o.status}; its pharmacy is paid outside Stripe, yet ${transfersOut}¢ was transferred`);
  }
  return out;
}
