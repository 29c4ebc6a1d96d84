/**
 * The statuses of the records users follow: orders, checkouts, refill requests, patients and
 * prescriptions. Order and request statuses are API contract values; labels and badge tones
 * for them live in app/lib/status.ts.
 */

/** Order statuses, in the order an order usually moves through them (the exits last). */
export const ORDER_STATUSES = [
  'pending_delivery',
  'submitted',
  'accepted',
  'compounding',
  'shipped',
  'delivered',
  'rejected',
  'cancelled',
  'delivery_failed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What a pharmacy can report about an order it holds (the pharmacy API's status events). */
export const PHARMACY_EVENT_TYPES = ['accepted', 'rejected', 'compounding', 'shipped', 'delivered', 'cancelled'] as const satisfies readonly OrderStatus[];
export type PharmacyEventType = (typeof PHARMACY_EVENT_TYPES)[number];

/**
 * A checkout from starting the payment to its split into orders, or its end unpaid.
 * `processing`: an asynchronous payment (a bank debit) is on its way; it can be neither
 * cancelled nor paid again until the provider says how it went.
 */
export const CHECKOUT_STATUSES = ['pending', 'awaiting_payment', 'processing', 'paid', 'split', 'expired', 'failed'] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

/** The money movements of a checkout's ledger (docs/money.md). */
export const MOVEMENT_KINDS = ['charge', 'platform_fee', 'refund', 'transfer', 'transfer_reversal'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/**
 * Where a money movement stands: `pending` (recorded, not sent), `sending` (the request is on
 * its way), `unknown` (the request ended without an answer: it is looked up before anything
 * else), `processing` (the provider took it, not final yet), `succeeded`, `failed`, `canceled`
 * (never sent, no longer wanted, or a payment page that ended unpaid), `returned` (a platform
 * fee given back with its order's refund).
 */
export const MOVEMENT_STATES = ['pending', 'sending', 'unknown', 'processing', 'succeeded', 'failed', 'canceled', 'returned'] as const;
export type MovementState = (typeof MOVEMENT_STATES)[number];

/** An owner's refill request, from open to decided (and dispensed, for the clinic's own stock). */
export const REQUEST_STATUSES = ['open', 'approved', 'denied', 'exam_requested', 'to_dispense', 'dispensed', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A patient on the clinic's books. */
export const PATIENT_STATUSES = ['active', 'inactive', 'deceased'] as const;
export type PatientStatus = (typeof PATIENT_STATUSES)[number];

/**
 * A prescription on file: active until it expires, its veterinarian discontinues it, or a
 * renewal supersedes it (the renewal is a new prescription; the old one stays in history).
 * `cancelled` is kept for records imported with that word.
 */
export const PRESCRIPTION_STATUSES = ['active', 'expired', 'superseded', 'discontinued', 'cancelled'] as const;
export type PrescriptionStatus = (typeof PRESCRIPTION_STATUSES)[number];
