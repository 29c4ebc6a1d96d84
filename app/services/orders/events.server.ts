/**
 * An order's status history (`order_events`) as the clinic and the pharmacy both see it: one
 * query for any number of orders, oldest event first, each event shaped once for both APIs.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';

/** An order event as both APIs (clinic and pharmacy) show it: empty fields left out. */
export function publicOrderEvent(e: {
  type: string;
  at: Date;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  expectedDelivery?: string | null;
}) {
  return {
    type: e.type,
    at: e.at.toISOString(),
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    ...(e.reason ? { reason: e.reason } : {}),
    ...(e.carrier ? { carrier: e.carrier } : {}),
    ...(e.trackingNumber ? { trackingNumber: e.trackingNumber } : {}),
    ...(e.expectedDelivery ? { expectedDelivery: e.expectedDelivery } : {}),
  };
}

/** One order event as the APIs show it. */
export type PublicOrderEvent = ReturnType<typeof publicOrderEvent>;

/** The events of the given orders, in the order they happened, by order id (an order without events is absent). */
export async function orderEventsOf(db: Kysely<Database>, orderIds: readonly string[]): Promise<Map<string, PublicOrderEvent[]>> {
  const byOrder = new Map<string, PublicOrderEvent[]>();
  if (orderIds.length === 0) return byOrder;
  const rows = await db
    .selectFrom('orderEvents')
    .select(['orderId', 'type', 'at', 'fromStatus', 'toStatus', 'reason', 'carrier', 'trackingNumber', 'expectedDelivery'])
    .where('orderId', 'in', orderIds)
    .orderBy('at')
    .orderBy('seq')
    .execute();
  for (const row of rows) {
    const events = byOrder.get(row.orderId);
    if (events) events.push(publicOrderEvent(row));
    else byOrder.set(row.orderId, [publicOrderEvent(row)]);
  }
  return byOrder;
}
