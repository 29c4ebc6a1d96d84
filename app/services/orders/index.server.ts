/**
 * The orders room: what happens to the orders a checkout splits into, one per pharmacy.
 *
 * - `routing.server.ts`         hands each order to its pharmacy exactly once (adapter, retries,
 *                               "Retry now"), and what follows a rejection, shipment or delivery
 * - `order-document.server.ts`  the `vialcart.order.v1` document a pharmacy receives and sees
 * - `orders.server.ts`          the clinic's orders: lists, one order with its delivery log, counts
 * - `pharmacy-orders.server.ts` the pharmacy's orders, and the status events it reports back
 * - `events.server.ts`          an order's status history, one query for both sides
 *
 * Outside callers import from this file; the files import each other directly.
 *
 * Tenancy: the clinic side is scoped by `clinicScope`, the pharmacy side by `pharmacyScope`;
 * another tenant's order is not found. docs/pharmacy-api.md is what a pharmacy sees.
 */
export type { PublicOrderEvent } from './events.server';
export { getOrder, listCheckoutsWithOrders, listOrders, orderStatusCounts, type ClinicOrder, type OrderQuery } from './orders.server';
export {
  checkPharmacyEventSignature,
  getPharmacyOrder,
  listPharmacyOrders,
  pharmacyOrderCounts,
  recordPharmacyEvent,
  recordReportedPharmacyEvent,
  type EventAnswer,
  type PharmacyOrder,
  type PharmacyOrderQuery,
} from './pharmacy-orders.server';
export {
  DELIVER_TASK,
  deliverOrder,
  enqueueOrderDeliveries,
  enqueueOrderDelivery,
  listDeliveryProblems,
  registerRoutingTasks,
  retryOrderDelivery,
  setDeliveryBackoff,
  type DeliveryBackoff,
  type DeliveryOutcome,
} from './routing.server';
