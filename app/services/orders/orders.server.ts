/**
 * The clinic's side of its orders: each refill day's checkout with its per-pharmacy orders,
 * their status history, per-line and per-patient tracking, and the delivery log while an order
 * is on its way to the pharmacy. Scoped to the acting clinic; another clinic's order is not found.
 */
import { getDb } from '../../../db/client';
import type { OrderStatus } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { trackingUrl } from '../../lib/order-flow';
import { orderAuditTrail } from '../audit/audit-chain.server';
import { medicationDisplayName } from '../catalog/sql.server';
import { clientFullName } from '../records/sql.server';
import { notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { orderEventsOf } from './events.server';


/** Filters of the order list. */
export type OrderQuery = { status?: OrderStatus | undefined; limit?: number | undefined; offset?: number | undefined; checkoutId?: string };

async function loadOrders(clinicId: string, where: { ids?: string[]; query?: OrderQuery }) {
  const db = getDb();
  let q = db
    .selectFrom('orders as o')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'o.id', 'o.checkoutId', 'o.createdAt', 'o.pharmacyId', 'ph.name as pharmacyName', 'ph.phone as pharmacyPhone', 'o.status',
      'o.subtotalCents', 'o.shippingCents', 'o.feesCents', 'o.platformFeeCents', 'o.totalCents', 'o.carrier', 'o.trackingNumber',
      'o.trackingUrl', 'o.expectedDelivery', 'o.rejectionReason', 'o.deliveryAttempts', 'o.lastDeliveryError', 'o.nextDeliveryAt',
      'o.deliveredToPharmacyAt',
    ])
    .where('o.clinicId', '=', clinicId);
  if (where.ids) q = q.where('o.id', 'in', where.ids);
  const query = where.query ?? {};
  if (query.status) q = q.where('o.status', '=', query.status);
  if (query.checkoutId) q = q.where('o.checkoutId', '=', query.checkoutId);
  const orders = await q
    .orderBy('o.createdAt', 'desc')
    .orderBy('ph.name')
    .limit(Math.min(Math.max(query.limit ?? 100, 1), 500))
    .offset(Math.max(query.offset ?? 0, 0))
    .execute();
  if (orders.length === 0) return [];
  const ids = orders.map((o) => o.id);
  const [events, lines] = await Promise.all([
    orderEventsOf(db, ids),
    db
      .selectFrom('orderLines as ol')
      .innerJoin('patients as p', 'p.id', 'ol.patientId')
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .innerJoin('medications as m', 'm.id', 'ol.medicationId')
      .innerJoin('prescribers as pr', 'pr.id', 'ol.prescriberId')
      .select([
        'ol.id', 'ol.orderId', 'ol.patientId', 'p.name as patientName', 'p.species', clientFullName().as('ownerName'),
        medicationDisplayName().as('medicationName'), 'm.controlledSchedule', 'ol.quantity', 'ol.sig',
        'ol.prescriberId', 'pr.name as prescriberName', 'ol.shipTo', 'ol.shipState', 'ol.unitPriceCents', 'ol.lineTotalCents', 'ol.landedCostCents',
        'ol.daysSupply',
      ])
      .where('ol.orderId', 'in', ids)
      .where('ol.clinicId', '=', clinicId)
      .orderBy('p.name')
      .orderBy('ol.createdAt')
      .orderBy('ol.id')
      .execute(),
  ]);
  return orders.map((o) => {
    const url = o.trackingUrl ?? trackingUrl(o.carrier, o.trackingNumber);
    return {
      id: o.id,
      checkoutId: o.checkoutId,
      createdAt: o.createdAt.toISOString(),
      pharmacyId: o.pharmacyId,
      pharmacyName: o.pharmacyName,
      pharmacyPhone: o.pharmacyPhone,
      status: o.status,
      subtotalCents: o.subtotalCents,
      shippingCents: o.shippingCents,
      feesCents: o.feesCents,
      platformFeeCents: o.platformFeeCents,
      totalCents: o.totalCents,
      carrier: o.carrier,
      trackingNumber: o.trackingNumber,
      trackingUrl: url,
      expectedDelivery: o.expectedDelivery,
      rejectionReason: o.rejectionReason,
      delivery: {
        attempts: o.deliveryAttempts,
        lastError: o.lastDeliveryError,
        nextAttemptAt: o.nextDeliveryAt?.toISOString() ?? null,
        deliveredToPharmacyAt: o.deliveredToPharmacyAt?.toISOString() ?? null,
      },
      events: events.get(o.id) ?? [],
      // One parcel per order today: a line's tracking is its order's.
      lines: lines
        .filter((l) => l.orderId === o.id)
        .map(({ orderId: _orderId, ...l }) => ({ ...l, status: o.status, carrier: o.carrier, trackingNumber: o.trackingNumber, trackingUrl: url })),
    };
  });
}

/** An order as the clinic API and pages show it. */
export type ClinicOrder = Awaited<ReturnType<typeof loadOrders>>[number];

/** The clinic's orders, newest first (`GET /api/v1/orders`). */
export async function listOrders(principal: Principal, query: OrderQuery = {}): Promise<ClinicOrder[]> {
  return loadOrders(clinicScope(principal), { query });
}

/** One order with its delivery log and authorization chain (`GET /api/v1/orders/:id`). */
export async function getOrder(principal: Principal, orderId: string) {
  const clinicId = clinicScope(principal);
  if (!isUuid(orderId)) throw notFound('Order');
  const [order] = await loadOrders(clinicId, { ids: [orderId] });
  if (!order) throw notFound('Order');
  const [attempts, audit] = await Promise.all([
    getDb()
      .selectFrom('orderDeliveryAttempts')
      .select(['attempt', 'outcome', 'httpStatus', 'message', 'durationMs', 'at'])
      .where('orderId', '=', orderId)
      .orderBy('at', 'desc')
      .orderBy('attempt', 'desc')
      .limit(50)
      .execute(),
    orderAuditTrail(principal, orderId),
  ]);
  return { ...order, deliveryLog: attempts.map((a) => ({ ...a, at: a.at.toISOString() })), audit };
}

/** The clinic's checkouts (refill days), each with its per-pharmacy orders: the /orders page. */
export async function listCheckoutsWithOrders(principal: Principal, query: { status?: OrderStatus | undefined; limit?: number } = {}) {
  const clinicId = clinicScope(principal);
  const orders = await loadOrders(clinicId, { query: { status: query.status, limit: query.limit ?? 200 } });
  const checkoutIds = [...new Set(orders.map((o) => o.checkoutId))];
  const checkouts = checkoutIds.length
    ? await getDb()
        .selectFrom('checkouts as co')
        .leftJoin('payments as p', 'p.checkoutId', 'co.id')
        .select(['co.id', 'co.createdAt', 'co.paidAt', 'co.amountCents', 'co.provider', 'p.invoiceNumber', 'p.refundedCents', 'p.status as paymentStatus'])
        .where('co.clinicId', '=', clinicId)
        .where('co.id', 'in', checkoutIds)
        .execute()
    : [];
  return checkoutIds.map((id) => {
    const c = checkouts.find((x) => x.id === id);
    return {
      id,
      paidAt: (c?.paidAt ?? c?.createdAt)?.toISOString() ?? null,
      amountCents: c?.amountCents ?? 0,
      refundedCents: c?.refundedCents ?? 0,
      provider: c?.provider ?? null,
      invoiceNumber: c?.invoiceNumber ?? null,
      orders: orders.filter((o) => o.checkoutId === id),
    };
  });
}

/** How many orders of a clinic or a pharmacy are in each status (the pages' status tabs). */
export async function countOrdersByStatus(owner: { clinicId: string } | { pharmacyId: string }): Promise<Record<string, number>> {
  const rows = await getDb()
    .selectFrom('orders')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .$if('clinicId' in owner, (q) => q.where('clinicId', '=', (owner as { clinicId: string }).clinicId))
    .$if('pharmacyId' in owner, (q) => q.where('pharmacyId', '=', (owner as { pharmacyId: string }).pharmacyId))
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** How many of the clinic's orders are in each status. */
export function orderStatusCounts(principal: Principal): Promise<Record<string, number>> {
  return countOrdersByStatus({ clinicId: clinicScope(principal) });
}
