/**
 * The pharmacy side of an order: what a pharmacy (API key or portal user) sees of the orders
 * routed to it, and the status events it reports back, under the state machine of
 * app/lib/order-flow.ts (docs/pharmacy-api.md). Another pharmacy's order is not found.
 */
import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database, OrderStatus } from '../../../db/schema';
import { verifyPharmacySignature } from './signing-secrets.server';
import { parseOrderStatusEvent } from '../../../pharmacies/status-event';
import type { OrderDocumentV1Input, OrderStatusEvent } from '../../../pharmacies/types';
import { isUuid } from '../../../validators/vocabulary';
import { normalizeCarrier, trackingUrl, transitionFor } from '../../lib/order-flow';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { badRequest, conflict, DomainError, notFound } from '../platform/errors';
import { buildOrderDocuments } from './order-document.server';
import { orderEventsOf, type PublicOrderEvent } from './events.server';
import { countOrdersByStatus } from './orders.server';
import { scheduleTransfer } from '../payments/index.server';
import { onOrderRejected, onOrderShippedOrDelivered } from './routing.server';
import { pharmacyScope, type Principal } from '../identity/principal';

/** Statuses an order has once its pharmacy has it; the list shows these unless asked otherwise. */
const ROUTED: OrderStatus[] = ['submitted', 'accepted', 'compounding', 'shipped', 'delivered', 'rejected', 'cancelled'];

type Doc = OrderDocumentV1Input;

/** One order as a pharmacy sees it: status, tracking, and the order document's content with each line self-contained. */
function pharmacyView(
  o: {
    id: string; status: OrderStatus; createdAt: Date; deliveredToPharmacyAt: Date | null; subtotalCents: number; shippingCents: number;
    feesCents: number; platformFeeCents: number; totalCents: number; carrier: string | null; trackingNumber: string | null;
    trackingUrl: string | null; expectedDelivery: string | null; rejectionReason: string | null;
  },
  doc: Doc | undefined,
  events: PublicOrderEvent[],
) {
  const patients = new Map(doc?.patients.map((p) => [p.id, p]) ?? []);
  const prescribers = new Map(doc?.prescribers.map((p) => [p.id, p]) ?? []);
  return {
    id: o.id,
    messageId: doc?.messageId ?? null,
    status: o.status,
    createdAt: o.createdAt.toISOString(),
    receivedAt: o.deliveredToPharmacyAt?.toISOString() ?? null,
    subtotalCents: o.subtotalCents,
    shippingCents: o.shippingCents,
    feesCents: o.feesCents,
    totalCents: o.subtotalCents + o.shippingCents + o.feesCents,
    carrier: o.carrier,
    trackingNumber: o.trackingNumber,
    trackingUrl: o.trackingUrl,
    expectedDelivery: o.expectedDelivery,
    rejectionReason: o.rejectionReason,
    clinic: doc?.clinic ?? null,
    shipTo: doc?.shipTo ?? null,
    lines: (doc?.lines ?? []).map((l) => ({
      id: l.lineId,
      patient: patients.get(l.patientId) ?? null,
      prescriber: prescribers.get(l.prescriberId) ?? null,
      product: l.product,
      medicationName: l.product.name,
      strength: l.strength,
      form: l.form,
      flavor: l.flavor ?? null,
      quantity: l.quantity,
      daysSupply: l.daysSupply,
      refills: l.refills,
      dateWritten: l.dateWritten,
      sig: l.sig.text,
      sigParsed: l.sig.parsed,
      /** The dose per administration, per kg and per day, and the weight used (the clinic's dose check). */
      dose: l.dose ?? null,
      deaSchedule: l.deaSchedule,
      needByDate: l.needByDate,
      signatureRequired: l.signatureRequired,
      shipTo: l.shipTo ?? doc?.shipTo ?? null,
    })),
    events,
  };
}
/** An order as the pharmacy API and portal show it. */
export type PharmacyOrder = ReturnType<typeof pharmacyView>;

const ORDER_COLUMNS = [
  'id', 'status', 'createdAt', 'deliveredToPharmacyAt', 'subtotalCents', 'shippingCents', 'feesCents', 'platformFeeCents',
  'totalCents', 'carrier', 'trackingNumber', 'trackingUrl', 'expectedDelivery', 'rejectionReason',
] as const;

async function loadViews(db: Kysely<Database>, orders: Parameters<typeof pharmacyView>[0][]): Promise<PharmacyOrder[]> {
  if (orders.length === 0) return [];
  const ids = orders.map((o) => o.id);
  const [docs, events] = await Promise.all([
    buildOrderDocuments(db, ids),
    orderEventsOf(db, ids),
  ]);
  return orders.map((o) => pharmacyView(o, docs.get(o.id), events.get(o.id) ?? []));
}

/** Filters of the pharmacy's order list. */
export type PharmacyOrderQuery = { status?: OrderStatus | undefined; limit?: number | undefined; offset?: number | undefined };

/** The orders routed to the acting pharmacy, newest first, with lines; by default every status it has received. */
export async function listPharmacyOrders(principal: Principal, query: PharmacyOrderQuery = {}) {
  const pharmacyId = pharmacyScope(principal);
  const db = getDb();
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
  const rows = await db
    .selectFrom('orders')
    .select(ORDER_COLUMNS)
    .where('pharmacyId', '=', pharmacyId)
    .where('status', 'in', query.status ? [query.status] : ROUTED)
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .limit(limit)
    .offset(Math.max(query.offset ?? 0, 0))
    .execute();
  return loadViews(db, rows);
}

/** How many of the pharmacy's orders are in each status (the portal's tabs). */
export function pharmacyOrderCounts(principal: Principal): Promise<Record<string, number>> {
  return countOrdersByStatus({ pharmacyId: pharmacyScope(principal) });
}

/** One of the acting pharmacy's orders; another pharmacy's (or no) order is not found. */
export async function getPharmacyOrder(principal: Principal, orderId: string): Promise<PharmacyOrder> {
  const pharmacyId = pharmacyScope(principal);
  if (!isUuid(orderId)) throw notFound('Order');
  const db = getDb();
  const row = await db.selectFrom('orders').select(ORDER_COLUMNS).where('id', '=', orderId).where('pharmacyId', '=', pharmacyId).executeTakeFirst();
  if (!row) throw notFound('Order');
  return (await loadViews(db, [row]))[0]!;
}

/** The answer to a status event: stored with it, and returned again when its `eventId` is replayed. */
export type EventAnswer = {
  order: { id: string; status: OrderStatus; carrier: string | null; trackingNumber: string | null; trackingUrl: string | null; expectedDelivery: string | null; rejectionReason: string | null };
  event: { eventId: string; type: string; applied: 'advance' | 'update' | 'late'; fromStatus: string; toStatus: string; at: string };
};

function actorName(principal: Principal, slug: string): string {
  return principal.kind === 'user' ? `pharmacy:${slug}:user:${principal.userId}` : `pharmacy:${slug}`;
}

/**
 * Records a pharmacy's status event on one of its orders. Replaying an `eventId` returns the
 * first answer and changes nothing; an illegal transition is a 409 naming the current status;
 * a step already passed is recorded as late without moving the status back. A rejection or
 * cancellation refunds the order's part and puts its lines back in the clinic's cart.
 */
export async function recordPharmacyEvent(principal: Principal, orderId: string, event: OrderStatusEvent): Promise<{ replayed: boolean; answer: EventAnswer }> {
  const pharmacyId = pharmacyScope(principal);
  if (!isUuid(orderId)) throw notFound('Order');
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const order = await tx
        .selectFrom('orders')
        .select(['id', 'status', 'clinicId', 'pharmacyId', 'checkoutId', 'carrier', 'trackingNumber', 'expectedDelivery', 'deliveredToPharmacyAt'])
        .where('id', '=', orderId)
        .where('pharmacyId', '=', pharmacyId)
        .forUpdate()
        .executeTakeFirst();
      if (!order) throw notFound('Order');
      const previous = await tx
        .selectFrom('orderEvents')
        .select('response')
        .where('orderId', '=', orderId)
        .where('eventId', '=', event.eventId)
        .executeTakeFirst();
      if (previous?.response) return { replayed: true, answer: previous.response as unknown as EventAnswer };

      const transition = transitionFor(order.status, event.type);
      if (transition.kind === 'illegal') throw conflict(transition.message, { currentStatus: order.status });
      const pharmacy = await tx.selectFrom('pharmacies').select(['slug', 'name']).where('id', '=', pharmacyId).executeTakeFirstOrThrow();

      const at = now();
      const carrier = event.carrier ? normalizeCarrier(event.carrier) : null;
      const tracking = event.trackingNumber ?? null;
      const toStatus: OrderStatus = transition.kind === 'advance' ? event.type : order.status;
      // A late event only fills in what is missing; an advance or an update may correct it.
      const overwrite = transition.kind !== 'late';
      const next = {
        carrier: carrier && (overwrite || !order.carrier) ? carrier : order.carrier,
        trackingNumber: tracking && (overwrite || !order.trackingNumber) ? tracking : order.trackingNumber,
        expectedDelivery: event.expectedDelivery && (overwrite || !order.expectedDelivery) ? event.expectedDelivery : order.expectedDelivery,
      };
      const rejectionReason = event.type === 'rejected' || event.type === 'cancelled' ? (event.reason ?? 'Cancelled by the pharmacy') : null;
      const updated = await tx
        .updateTable('orders')
        .set({
          status: toStatus,
          ...next,
          trackingUrl: trackingUrl(next.carrier, next.trackingNumber),
          ...(transition.kind === 'advance' && rejectionReason ? { rejectionReason } : {}),
          // An event is proof the pharmacy has the order, even if our delivery never heard its answer.
          ...(order.deliveredToPharmacyAt ? {} : { deliveredToPharmacyAt: at, nextDeliveryAt: null, lastDeliveryError: null }),
          updatedAt: at,
        })
        .where('id', '=', orderId)
        .returning(['id', 'status', 'carrier', 'trackingNumber', 'trackingUrl', 'expectedDelivery', 'rejectionReason'])
        .executeTakeFirstOrThrow();
      const answer: EventAnswer = {
        order: updated,
        event: { eventId: event.eventId, type: event.type, applied: transition.kind, fromStatus: order.status, toStatus, at: at.toISOString() },
      };
      await tx
        .insertInto('orderEvents')
        .values({
          orderId,
          eventId: event.eventId,
          type: event.type,
          fromStatus: order.status,
          toStatus,
          reason: event.reason ?? null,
          carrier,
          trackingNumber: tracking,
          expectedDelivery: event.expectedDelivery ?? null,
          actor: actorName(principal, pharmacy.slug),
          response: json(answer),
          at,
        })
        .execute();
      await audit(tx, principal, {
        action: transition.kind === 'advance' ? `order.${event.type}` : `order.${event.type}_${transition.kind}`,
        subjectType: 'order',
        subjectId: orderId,
        clinicId: order.clinicId,
        pharmacyId,
        detail: {
          pharmacy: pharmacy.name,
          eventId: event.eventId,
          from: order.status,
          to: toStatus,
          ...(event.reason ? { reason: event.reason } : {}),
          ...(carrier ? { carrier, trackingNumber: tracking } : {}),
        },
      }, at);

      if (transition.kind === 'advance') {
        // The pharmacy is paid once it has accepted the order (never before, so a rejection never
        // needs a reversal): said so, or shown by moving it further, as a pharmacy may ship without
        // saying "accepted" first. Scheduling it twice does nothing.
        if (event.type === 'accepted' || event.type === 'compounding' || event.type === 'shipped' || event.type === 'delivered') await scheduleTransfer(tx, orderId);
        if (rejectionReason) await onOrderRejected(tx, { id: orderId, clinicId: order.clinicId, pharmacyName: pharmacy.name }, rejectionReason);
        if (event.type === 'shipped' || event.type === 'delivered') await onOrderShippedOrDelivered(tx, orderId, event.type);
      }
      return { replayed: false, answer };
    });
}

/**
 * Checks the optional `Vialcart-Signature` of a status event over the exact bytes received
 * (signed like our outbound orders, with the pharmacy's secret): a bad one is refused with
 * `unauthorized` even though the key is good. No header, nothing to check.
 */
export async function checkPharmacyEventSignature(principal: Principal, rawBody: string, signatureHeader: string | null): Promise<void> {
  const pharmacyId = pharmacyScope(principal);
  if (signatureHeader === null) return;
  const pharmacy = await getDb().selectFrom('pharmacies').select(['webhookSecret', 'previousWebhookSecret', 'previousSecretExpiresAt']).where('id', '=', pharmacyId).executeTakeFirstOrThrow();
  // Either secret verifies during a rotation's overlap (signing-secrets.server.ts).
  const check = verifyPharmacySignature(pharmacy, rawBody, signatureHeader, now());
  if (!check.ok) throw new DomainError('unauthorized', `The Vialcart-Signature header is not valid (${check.reason}).`);
}

/** A status event as the pharmacy API received it (any JSON value): checked field by field (400 naming the field), then recorded. */
export async function recordReportedPharmacyEvent(principal: Principal, orderId: string, body: unknown): Promise<{ replayed: boolean; answer: EventAnswer }> {
  const parsed = parseOrderStatusEvent(body);
  if (!parsed.ok) throw badRequest('Some fields are not valid.', parsed.fields);
  return recordPharmacyEvent(principal, orderId, parsed.value);
}
