/**
 * The money movements of a checkout as rows with a state (`payment_movements`): recorded once
 * under their key, then moved from state to state by compare-and-set, so two workers never both
 * send one. Triggers refuse any other change and write each one to the append-only
 * `ledger_entries` (db/migrations/2026_12_03_1400_create_money_ledger.ts). After a change the
 * checkout's ledger is checked (invariants.ts); a broken rule is logged as an error.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, MovementKind, MovementState, PaymentMovementsTable } from '../../../db/schema';
import { now } from '../platform/clock.server';
import { log } from '../platform/logger.server';
import { ledgerViolations, type LedgerOrder, type LedgerViolation } from './invariants';
import { payoutAccountSql } from './order-payment.server';

export type Movement = Selectable<PaymentMovementsTable>;

/** What a new movement is. */
export type NewMovement = {
  paymentId: string;
  checkoutId: string;
  clinicId: string;
  orderId: string | null;
  kind: MovementKind;
  provider: 'stripe' | 'invoice';
  amountCents: number;
  key: string;
  status: MovementState;
  externalId?: string | null;
  providerStatus?: string | null;
  note: string;
};

/** Records a movement once under its key; answers it, and whether this call created it. */
export async function addMovement(tx: Kysely<Database>, m: NewMovement): Promise<{ movement: Movement; created: boolean }> {
  const at = now();
  const inserted = await tx
    .insertInto('paymentMovements')
    .values({
      paymentId: m.paymentId,
      checkoutId: m.checkoutId,
      clinicId: m.clinicId,
      orderId: m.orderId,
      kind: m.kind,
      provider: m.provider,
      amountCents: m.amountCents,
      idempotencyKey: m.key,
      status: m.status,
      externalId: m.externalId ?? null,
      providerStatus: m.providerStatus ?? null,
      note: m.note,
      createdAt: at,
      updatedAt: at,
    })
    .onConflict((oc) => oc.column('idempotencyKey').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { movement: inserted, created: true };
  return { movement: await tx.selectFrom('paymentMovements').selectAll().where('idempotencyKey', '=', m.key).executeTakeFirstOrThrow(), created: false };
}

/** What changes with a state. */
export type StateChange = { externalId?: string | null; providerStatus?: string | null; note: string; sending?: boolean };

/**
 * Moves a movement from one of `from` to `to` if it is still there (compare-and-set); answers
 * the movement as it now is, or null when it had moved on already (someone else got there first).
 */
export async function moveMovement(tx: Kysely<Database>, id: string, from: readonly MovementState[], to: MovementState, change: StateChange): Promise<Movement | null> {
  const at = now();
  const updated = await tx
    .updateTable('paymentMovements')
    .set((eb) => ({
      status: to,
      note: change.note,
      updatedAt: at,
      ...(change.externalId ? { externalId: eb.fn.coalesce('externalId', eb.val(change.externalId)) } : {}),
      ...(change.providerStatus !== undefined ? { providerStatus: change.providerStatus } : {}),
      ...(change.sending ? { sendingSince: at, attempts: eb('attempts', '+', 1) } : {}),
    }))
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
  return updated ?? null;
}

export const movementByKey = (db: Kysely<Database>, key: string) => db.selectFrom('paymentMovements').selectAll().where('idempotencyKey', '=', key).executeTakeFirst();

/** The ledger's view of checkouts: each one's movements, orders and what each order's pharmacy expects. */
export async function checkoutLedgers(db: Kysely<Database>, checkoutIds: string[]) {
  if (checkoutIds.length === 0) return new Map<string, CheckoutLedger>();
  const [checkouts, orders, movements] = await Promise.all([
    db.selectFrom('checkouts').select(['id', 'amountCents', 'provider', 'clinicId']).where('id', 'in', checkoutIds).execute(),
    db
      .selectFrom('orders as o')
      .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
      .innerJoin('checkouts as k', 'k.id', 'o.checkoutId')
      .select(['o.id', 'o.checkoutId', 'o.status', 'o.totalCents', 'o.platformFeeCents', payoutAccountSql('ph').as('payoutAccountId'), 'o.pharmacyPayout', 'k.provider'])
      .where('o.checkoutId', 'in', checkoutIds)
      .execute(),
    db.selectFrom('paymentMovements').selectAll().where('checkoutId', 'in', checkoutIds).orderBy('createdAt').orderBy('id').execute(),
  ]);
  const out = new Map<string, CheckoutLedger>(checkouts.map((checkout) => [checkout.id, { checkout, orders: [], movements: [] }]));
  // A transfer is expected where the order was settled to be paid by transfer when it was
  // accepted (an order paid on account gets none); before that, where its pharmacy can receive one.
  const transferred = new Set(movements.filter((m) => m.kind === 'transfer' && m.status !== 'canceled' && m.orderId).map((m) => m.orderId));
  for (const o of orders) {
    const byTransfer = o.pharmacyPayout ? o.pharmacyPayout === 'transfer' : o.payoutAccountId !== null || transferred.has(o.id);
    const transferExpected = o.provider === 'stripe' && byTransfer;
    out.get(o.checkoutId)?.orders.push({ id: o.id, status: o.status, totalCents: o.totalCents, platformFeeCents: o.platformFeeCents, transferExpected });
  }
  for (const m of movements) out.get(m.checkoutId)?.movements.push(m);
  return out;
}

export type CheckoutLedger = {
  checkout: { id: string; amountCents: number; provider: 'stripe' | 'invoice'; clinicId: string };
  orders: LedgerOrder[];
  movements: Movement[];
};

/** One checkout's ledger; null for a checkout that does not exist. */
export async function checkoutLedger(db: Kysely<Database>, checkoutId: string): Promise<CheckoutLedger | null> {
  return (await checkoutLedgers(db, [checkoutId])).get(checkoutId) ?? null;
}

/** Checks a checkout's ledger against its invariants; answers what it breaks. */
export async function verifyCheckoutLedger(db: Kysely<Database>, checkoutId: string, options: { settled?: boolean } = {}): Promise<LedgerViolation[]> {
  const ledger = await checkoutLedger(db, checkoutId);
  if (!ledger) return [];
  return ledgerViolations(ledger.checkout, ledger.orders, ledger.movements, options);
}

/**
 * Run after money moved (in the same transaction): a broken invariant is logged as an error
 * with the checkout, so it reaches whoever watches the logs at once; `/admin/money` shows it
 * too. The movement itself stands: it records what happened at Stripe.
 */
export async function checkAfterMovement(db: Kysely<Database>, checkoutId: string): Promise<void> {
  const violations = await verifyCheckoutLedger(db, checkoutId);
  if (violations.length > 0) log().error({ checkoutId, violations }, 'money ledger invariant broken');
}
