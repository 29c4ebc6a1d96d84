/**
 * Reading checkouts: one checkout with its per-pharmacy orders (the confirmation page and the
 * API), the printable invoice, and the review page's summary of what is left before paying.
 */
import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { isUuid } from '../../../validators/vocabulary';
import { medicationDisplayName } from '../catalog/sql.server';
import { clinicScope, type Principal } from '../identity/principal';
import { notFound } from '../platform/errors';
import { getPaymentProvider } from '../payments/index.server';
import { validateClinicCart } from '../validation/validation.server';
import type { CheckoutView, Db, OrderSummary } from './model';

export async function checkoutRow(db: Db, clinicId: string, checkoutId: string) {
  const row = await db
    .selectFrom('checkouts as k')
    .innerJoin('payments as p', 'p.checkoutId', 'k.id')
    .select([
      'k.id', 'k.cartId', 'k.cartVersion', 'k.status', 'k.provider', 'k.amountCents', 'k.createdAt', 'k.expiresAt', 'k.paidAt', 'k.failureReason',
      'p.redirectUrl', 'p.invoiceNumber', 'p.dueOn', 'p.refundedCents', 'p.status as paymentStatus',
    ])
    .where('k.id', '=', checkoutId)
    .where('k.clinicId', '=', clinicId)
    .executeTakeFirst();
  if (!row) throw notFound('Checkout');
  return row;
}

async function ordersOf(db: Db, checkoutIds: string[]): Promise<Map<string, OrderSummary[]>> {
  const out = new Map<string, OrderSummary[]>();
  if (checkoutIds.length === 0) return out;
  const rows = await db
    .selectFrom('orders as o')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'o.id', 'o.checkoutId', 'o.pharmacyId', 'ph.name as pharmacyName', 'o.status', 'o.subtotalCents', 'o.shippingCents', 'o.feesCents', 'o.platformFeeCents', 'o.totalCents',
      sql<number>`(select count(*)::int from order_lines l where l.order_id = o.id)`.as('lineCount'),
      sql<number>`(select coalesce(sum(l.quantity), 0)::int from order_lines l where l.order_id = o.id)`.as('vials'),
    ])
    .where('o.checkoutId', 'in', checkoutIds)
    .orderBy('o.createdAt')
    .orderBy('ph.name')
    .execute();
  for (const r of rows) {
    const { checkoutId, ...order } = r;
    out.set(checkoutId, [...(out.get(checkoutId) ?? []), { ...order, payableCents: order.totalCents - order.platformFeeCents }]);
  }
  return out;
}

export async function checkoutView(db: Db, clinicId: string, checkoutId: string): Promise<CheckoutView> {
  const row = await checkoutRow(db, clinicId, checkoutId);
  const orders = (await ordersOf(db, [checkoutId])).get(checkoutId) ?? [];
  return {
    id: row.id,
    cartId: row.cartId,
    cartVersion: row.cartVersion,
    status: row.status,
    provider: row.provider,
    amountCents: row.amountCents,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt ? row.expiresAt.toISOString() : null,
    paidAt: row.paidAt ? row.paidAt.toISOString() : null,
    failureReason: row.failureReason,
    redirectUrl: row.status === 'awaiting_payment' ? row.redirectUrl : null,
    invoiceNumber: row.invoiceNumber,
    dueOn: row.dueOn,
    refundedCents: row.refundedCents,
    orders,
  };
}

/** One checkout of the clinic, with its orders (the confirmation page and `GET` in the API). */
export async function getCheckout(principal: Principal, checkoutId: string): Promise<CheckoutView> {
  const clinicId = clinicScope(principal);
  if (!isUuid(checkoutId)) throw notFound('Checkout');
  return checkoutView(getDb(), clinicId, checkoutId);
}

/** Everything the printable invoice shows: who pays whom, per pharmacy, and what each is owed. */
export async function getInvoice(principal: Principal, checkoutId: string) {
  const clinicId = clinicScope(principal);
  const checkout = await getCheckout(principal, checkoutId);
  const db = getDb();
  const [clinic, lines] = await Promise.all([
    db.selectFrom('clinics').select(['name', 'addressLine1', 'addressLine2', 'city', 'state', 'postalCode', 'email', 'phone', 'paymentTermsDays', 'timezone']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
    db
      .selectFrom('orderLines as l')
      .innerJoin('orders as o', 'o.id', 'l.orderId')
      .innerJoin('patients as p', 'p.id', 'l.patientId')
      .innerJoin('medications as m', 'm.id', 'l.medicationId')
      .select(['l.id', 'l.orderId', 'p.name as patientName', medicationDisplayName().as('medicationName'), 'l.quantity', 'l.unitPriceCents', 'l.lineTotalCents', 'l.landedCostCents'])
      .where('o.checkoutId', '=', checkoutId)
      .where('l.clinicId', '=', clinicId)
      .orderBy('l.createdAt')
      .orderBy('l.id')
      .execute(),
  ]);
  const credits = await db
    .selectFrom('paymentMovements as mv')
    .innerJoin('payments as p', 'p.id', 'mv.paymentId')
    .select(['mv.orderId', 'mv.amountCents', 'mv.status', 'mv.createdAt'])
    .where('p.checkoutId', '=', checkoutId)
    .where('mv.kind', '=', 'refund')
    .execute();
  return {
    checkout,
    clinic,
    orders: checkout.orders.map((o) => ({ ...o, lines: lines.filter((l) => l.orderId === o.id) })),
    credits: credits.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
    platformFeeCents: checkout.orders.reduce((s, o) => s + o.platformFeeCents, 0),
  };
}

/**
 * The review page: the cart as it will be paid for, grouped by pharmacy, and what is left to
 * do before paying (errors to fix, warnings to acknowledge). `version` is what the form posts.
 */
export async function loadReview(principal: Principal, cart: { id: string; version: number; status: string }) {
  const clinicId = clinicScope(principal);
  const validation = await validateClinicCart(principal, { cartId: cart.id });
  const active =
    cart.status === 'checking_out'
      ? await getDb().selectFrom('checkouts').select(['id']).where('cartId', '=', cart.id).where('clinicId', '=', clinicId).orderBy('createdAt', 'desc').limit(1).executeTakeFirst()
      : undefined;
  const todo = validation.lines.flatMap((line) =>
    line.findings
      .filter((f) => f.severity === 'error' || (f.severity === 'warning' && !f.acknowledged))
      .map((f) => ({ lineId: line.lineId, lineNumber: line.index + 1, rule: f.rule, severity: f.severity, message: f.message, hint: f.hint ?? null })),
  );
  return {
    blockingCount: validation.blockingCount,
    warningCount: validation.warningCount,
    validatedVersion: validation.cartVersion,
    todo,
    provider: getPaymentProvider().name,
    activeCheckoutId: active?.id ?? null,
  };
}
