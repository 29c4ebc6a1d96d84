/**
 * The portal adapter: the pharmacy works in vialcart's pharmacy portal. An order is "delivered"
 * the moment it is stored, because the portal lists the orders routed to the pharmacy; the
 * pharmacy then answers through the portal (accept, reject, ship).
 */
import type { PharmacyAdapter } from '../types';
import { parseOrderStatusEvent } from '../status-event';

export const portalAdapter: PharmacyAdapter = {
  kind: 'portal',
  async submitOrder() {
    return { outcome: 'delivered' };
  },
  parseStatusCallback: parseOrderStatusEvent,
};
