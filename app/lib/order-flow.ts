/**
 * How an order moves once its pharmacy has it, and where its parcel can be tracked. Pure, so
 * the pharmacy API, the portal's buttons and the clinic's timeline all read the same rules
 * (docs/pharmacy-api.md, "State machine").
 */
import type { PharmacyEventType } from '../../validators/vocabulary';


// Fulfilment moves forward through these ranks; an order never moves back. Before the pharmacy
// has confirmed receipt (pending_delivery, delivery_failed) an event from it is itself proof
// that it has the order, so it counts as submitted.
const RANK: Record<string, number> = {
  pending_delivery: 0,
  delivery_failed: 0,
  submitted: 1,
  accepted: 2,
  compounding: 3,
  shipped: 4,
  delivered: 5,
};

/**
 * What an event does to an order in `current` status:
 * - `advance`: the status becomes the event's type (forward moves may skip steps: a pharmacy
 *   that ships without saying "compounding" first is fine);
 * - `update`: the order is already at that step (a corrected tracking number): fields are
 *   updated, the status stays;
 * - `late`: the order is already past that step (a `shipped` arriving after `delivered`):
 *   recorded in the history, missing fields filled in, the status stays;
 * - `illegal`: refused with 409 naming the current status.
 */
export type Transition = { kind: 'advance' | 'update' | 'late' } | { kind: 'illegal'; message: string };

export function transitionFor(current: string, type: PharmacyEventType): Transition {
  const from = RANK[current];
  if (type === 'rejected' || type === 'cancelled') {
    // A pharmacy may turn an order down until it has shipped it.
    if (from !== undefined && from <= RANK.compounding!) return { kind: 'advance' };
    return { kind: 'illegal', message: `The order is ${current}; it can no longer be ${type}.` };
  }
  if (from === undefined) return { kind: 'illegal', message: `The order is ${current}; it cannot become ${type}.` };
  const to = RANK[type]!;
  if (to > from) return { kind: 'advance' };
  if (to === from) return { kind: 'update' };
  return { kind: 'late' };
}

/** The buttons the pharmacy portal offers for an order in `status`. */
export function portalActions(status: string): PharmacyEventType[] {
  return (['accepted', 'compounding', 'shipped', 'delivered', 'rejected'] as const).filter((type) => {
    const t = transitionFor(status, type);
    if (t.kind !== 'advance') return false;
    // From the portal, "delivered" is only offered once shipped (the carrier confirms it).
    return type !== 'delivered' || status === 'shipped';
  });
}

/** Carriers the portal offers; others may be typed through the API. */
export const CARRIERS = ['USPS', 'UPS', 'FedEx'] as const;

/**
 * The carrier's public tracking page for a tracking number, or null for a carrier without a
 * known pattern. The number is URL-encoded: it comes from the pharmacy.
 */
export function trackingUrl(carrier: string | null | undefined, trackingNumber: string | null | undefined): string | null {
  if (!carrier || !trackingNumber) return null;
  const n = encodeURIComponent(trackingNumber.replace(/\s+/g, ''));
  switch (carrier.trim().toLowerCase().replace(/[\s.-]/g, '')) {
    case 'usps':
      return `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`;
    case 'ups':
      return `https://www.ups.com/track?loc=en_US&tracknum=${n}`;
    case 'fedex':
      return `https://www.fedex.com/fedextrack/?trknbr=${n}`;
    default:
      return null;
  }
}

/** Carrier names as the portal and the API store them: "fedex" → "FedEx". */
export function normalizeCarrier(carrier: string): string {
  const key = carrier.trim().toLowerCase().replace(/[\s.-]/g, '');
  return CARRIERS.find((c) => c.toLowerCase() === key) ?? carrier.trim();
}

/** Reasons the portal offers for a rejection (the pharmacist adds their own words). */
export const REJECTION_REASONS = [
  'Out of stock',
  'Cannot compound as prescribed',
  'Prescription incomplete or unclear',
  'Prescriber licence or DEA not verifiable',
  'Not licensed to ship to this state',
  'Dose outside safe range for the patient',
  'Other',
] as const;
