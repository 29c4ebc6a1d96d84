/**
 * Reading the ledger: a checkout's movements, history and balances (the clinic's checkout page,
 * the admin's drill-in), what an order was paid, refunded and passed to its pharmacy (the order
 * page), and every checkout's balances for `/admin/money`. A clinic reads only its own; the
 * platform admin reads all.
 */
import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import type { MovementKind, MovementState } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { clinicScope, type Principal } from '../identity/principal';
import { notFound } from '../platform/errors';
import { ledgerBalances, ledgerViolations, type LedgerBalances, type LedgerViolation } from './invariants';
import { checkoutLedger, checkoutLedgers } from './movements.server';
import { payoutAccountSql } from './order-payment.server';

/** One movement as the pages show it. */
export type LedgerMovementView = {
  id: string;
  kind: MovementKind;
  orderId: string | null;
  pharmacyName: string | null;
  amountCents: number;
  state: MovementState;
  providerStatus: string | null;
  stripeId: string | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
};

/** One change of a movement, from the append-only history. */
export type LedgerEntryView = {
  seq: number;
  movementId: string;
  kind: MovementKind;
  orderId: string | null;
  amountCents: number;
  state: MovementState;
  previousState: MovementState | null;
  stripeId: string | null;
  note: string | null;
  at: string;
};

/** A platform admin (vialcart's own staff, no clinic) reads every clinic's money; anyone else gets a not-found. */
export function platformAdmin(principal: Principal): void {
  if (principal.kind !== 'user' || principal.role !== 'admin' || principal.clinicId) throw notFound('Page');
}

/** The clinic whose checkout it must be (null: the admin, any clinic). */
function scopeOf(principal: Principal): string | null {
  if (principal.kind === 'user' && principal.role === 'admin' && !principal.clinicId) return null;
  return clinicScope(principal);
}

/** A checkout's ledger: balances, movements, their history, and what the invariants say. */
export async function checkoutLedgerView(principal: Principal, checkoutId: string) {
  const clinicId = scopeOf(principal);
  if (!isUuid(checkoutId)) throw notFound('Checkout');
  const db = getDb();
  let q = db.selectFrom('checkouts as k').innerJoin('clinics as c', 'c.id', 'k.clinicId').select(['k.id', 'k.status', 'k.provider', 'k.amountCents', 'k.createdAt', 'c.name as clinicName']).where('k.id', '=', checkoutId);
  if (clinicId) q = q.where('k.clinicId', '=', clinicId);
  const checkout = await q.executeTakeFirst();
  if (!checkout) throw notFound('Checkout');
  const [found, entries, pharmacies] = await Promise.all([
    checkoutLedger(db, checkoutId),
    db.selectFrom('ledgerEntries').selectAll().where('checkoutId', '=', checkoutId).orderBy('seq').execute(),
    db.selectFrom('orders as o').innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId').select(['o.id', 'ph.name']).where('o.checkoutId', '=', checkoutId).execute(),
  ]);
  const ledger = found ?? { checkout: null, orders: [], movements: [] };
  const pharmacyOf = new Map(pharmacies.map((p) => [p.id, p.name]));
  const movements: LedgerMovementView[] = ledger.movements.map((m) => ({
    id: m.id,
    kind: m.kind,
    orderId: m.orderId,
    pharmacyName: m.orderId ? (pharmacyOf.get(m.orderId) ?? null) : null,
    amountCents: m.amountCents,
    state: m.status,
    providerStatus: m.providerStatus,
    stripeId: m.externalId,
    note: m.note,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  }));
  return {
    checkout: { ...checkout, createdAt: checkout.createdAt.toISOString() },
    balances: ledgerBalances(ledger.movements),
    movements,
    entries: entries.map(
      (e): LedgerEntryView => ({
        seq: e.seq,
        movementId: e.movementId,
        kind: e.kind,
        orderId: e.orderId,
        amountCents: e.amountCents,
        state: e.state,
        previousState: e.previousState,
        stripeId: e.stripeId,
        note: e.note,
        at: e.at.toISOString(),
      }),
    ),
    violations: ledger.checkout ? ledgerViolations(ledger.checkout, ledger.orders, ledger.movements) : [],
  };
}

/** What an order was paid, refunded and passed to its pharmacy, for the order page. */
export async function orderMoney(principal: Principal, orderId: string) {
  const clinicId = clinicScope(principal);
  if (!isUuid(orderId)) throw notFound('Order');
  const db = getDb();
  const order = await db
    .selectFrom('orders as o')
    .innerJoin('checkouts as k', 'k.id', 'o.checkoutId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select(['o.id', 'o.checkoutId', 'o.totalCents', 'o.platformFeeCents', 'k.provider', 'o.pharmacyPayout', payoutAccountSql('ph').as('stripeAccountId')])
    .where('o.id', '=', orderId)
    .where('o.clinicId', '=', clinicId)
    .executeTakeFirst();
  if (!order) throw notFound('Order');
  const movements = await db.selectFrom('paymentMovements').selectAll().where('orderId', '=', orderId).orderBy('createdAt').execute();
  const b = ledgerBalances(movements);
  return {
    paidCents: order.totalCents,
    refundedCents: b.refundedCents,
    refundPendingCents: b.refundsCommittedCents - b.refundedCents,
    /** What the pharmacy holds of it now: transferred less taken back. */
    toPharmacyCents: b.transferredCents - b.reversedCents,
    transferPendingCents: movements.filter((m) => m.kind === 'transfer' && ['pending', 'sending', 'unknown'].includes(m.status)).reduce((s, m) => s + m.amountCents, 0),
    /** The fee vialcart keeps: none once it was given back with the order's refund. */
    platformFeeCents: movements.some((m) => m.kind === 'platform_fee') ? b.feeKeptCents : order.platformFeeCents,
    /** The pharmacy is paid by vialcart outside Stripe (an invoice, or no connected account that can receive payouts), unless the order is refunded in full or was transferred. */
    paidOutsideStripe: (order.provider !== 'stripe' || order.pharmacyPayout === 'on_account' || (order.pharmacyPayout === null && order.stripeAccountId === null)) && b.refundsCommittedCents < order.totalCents,
    checkoutId: order.checkoutId,
    movements: movements.map((m) => ({ id: m.id, kind: m.kind, amountCents: m.amountCents, state: m.status, providerStatus: m.providerStatus, updatedAt: m.updatedAt.toISOString() })),
  };
}

/** One checkout's line on `/admin/money`. */
export type AdminMoneyRow = {
  checkoutId: string;
  clinicName: string;
  status: string;
  provider: 'stripe' | 'invoice';
  amountCents: number;
  createdAt: string;
  balances: LedgerBalances;
  violations: LedgerViolation[];
  /** Movements waiting on Stripe (not sent, on their way, unanswered, or not final). */
  openMovements: number;
};

/** Every checkout's balances, newest first (`onlyProblems`: those breaking an invariant or with movements still open). */
export async function adminMoneyList(principal: Principal, options: { limit?: number; onlyProblems?: boolean } = {}): Promise<AdminMoneyRow[]> {
  platformAdmin(principal);
  const db = getDb();
  const checkouts = await db
    .selectFrom('checkouts as k')
    .innerJoin('clinics as c', 'c.id', 'k.clinicId')
    .select(['k.id', 'k.status', 'k.provider', 'k.amountCents', 'k.createdAt', 'c.name as clinicName'])
    .where((eb) => eb.exists(eb.selectFrom('paymentMovements as m').select(sql.lit(1).as('one')).whereRef('m.checkoutId', '=', 'k.id')))
    .orderBy('k.createdAt', 'desc')
    .limit(options.limit ?? 200)
    .execute();
  const ledgers = await checkoutLedgers(db, checkouts.map((k) => k.id));
  return checkouts
    .map((k) => ({ k, ledger: ledgers.get(k.id)! }))
    .map(({ k, ledger }) => ({
      checkoutId: k.id,
      clinicName: k.clinicName,
      status: k.status,
      provider: k.provider,
      amountCents: k.amountCents,
      createdAt: k.createdAt.toISOString(),
      balances: ledgerBalances(ledger.movements),
      violations: ledgerViolations(ledger.checkout, ledger.orders, ledger.movements),
      openMovements: ledger.movements.filter((m) => ['pending', 'sending', 'unknown', 'processing'].includes(m.status) && m.kind !== 'charge').length,
    }))
    .filter((r) => !options.onlyProblems || r.violations.length > 0 || r.openMovements > 0);
}
