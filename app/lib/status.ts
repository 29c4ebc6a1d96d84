/**
 * Labels and badge tones for the states users scan for: order statuses, request queues,
 * finding severities. One table each, so every page shows "Shipped" in the same colour.
 * The codes themselves are the shared vocabulary (validators/vocabulary).
 */
import type { CheckoutStatus, MovementKind, MovementState, OrderStatus, RequestQueue } from '../../validators/vocabulary';
import { humanize } from './format';

/** Badge colours; see `Badge` in app/components/badge.tsx. */
export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** How a status code shows on screen. */
export interface StatusLook {
  label: string;
  tone: Tone;
}

const ORDER_STATUS_LOOKS = {
  pending_delivery: { label: 'Sending to pharmacy', tone: 'neutral' },
  submitted: { label: 'Submitted', tone: 'info' },
  accepted: { label: 'Accepted', tone: 'info' },
  compounding: { label: 'Compounding', tone: 'info' },
  shipped: { label: 'Shipped', tone: 'success' },
  delivered: { label: 'Delivered', tone: 'success' },
  rejected: { label: 'Rejected', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  delivery_failed: { label: 'Delivery to pharmacy failing', tone: 'danger' },
} as const satisfies Record<OrderStatus, StatusLook>;

const REQUEST_QUEUE_LOOKS = {
  tech_urgent: { label: 'Technician · urgent', tone: 'warning' },
  tech_standard: { label: 'Technician', tone: 'neutral' },
  vet_review: { label: 'Veterinarian review', tone: 'info' },
  exception_prescription: { label: 'Exception: prescription', tone: 'danger' },
  exception_exam: { label: 'Exception: exam due', tone: 'warning' },
  front_desk: { label: 'Front desk', tone: 'neutral' },
} as const satisfies Record<RequestQueue, StatusLook>;

/** Checkout (payment) statuses, as the clinic reads them after paying. */
const CHECKOUT_STATUS_LOOKS = {
  pending: { label: 'Starting payment', tone: 'info' },
  awaiting_payment: { label: 'Waiting for payment', tone: 'warning' },
  processing: { label: 'Bank payment processing', tone: 'info' },
  paid: { label: 'Paid — creating orders', tone: 'info' },
  split: { label: 'Paid', tone: 'success' },
  expired: { label: 'Not paid', tone: 'neutral' },
  failed: { label: 'Payment failed', tone: 'danger' },
} as const satisfies Record<CheckoutStatus, StatusLook>;

/** What the carrier reported about a text (Twilio's status callbacks, docs/sms.md). */
const SMS_DELIVERY_LOOKS = {
  queued: { label: 'Queued at Twilio', tone: 'neutral' },
  sending: { label: 'Sending', tone: 'neutral' },
  sent: { label: 'Sent to the carrier', tone: 'info' },
  delivered: { label: 'Delivered', tone: 'success' },
  undelivered: { label: 'Undelivered', tone: 'danger' },
  failed: { label: 'Delivery failed', tone: 'danger' },
} as const satisfies Record<string, StatusLook>;

/** Money movements of a checkout's ledger, as the clinic and the admin read them. */
const MOVEMENT_KIND_LOOKS = {
  charge: { label: 'Payment', tone: 'neutral' },
  platform_fee: { label: 'Platform fee', tone: 'neutral' },
  refund: { label: 'Refund to the clinic', tone: 'neutral' },
  transfer: { label: 'Paid to the pharmacy', tone: 'neutral' },
  transfer_reversal: { label: 'Taken back from the pharmacy', tone: 'neutral' },
} as const satisfies Record<MovementKind, StatusLook>;

const MOVEMENT_STATE_LOOKS = {
  pending: { label: 'Not sent yet', tone: 'neutral' },
  sending: { label: 'Sending', tone: 'info' },
  unknown: { label: 'Checking with Stripe', tone: 'warning' },
  processing: { label: 'Pending', tone: 'info' },
  succeeded: { label: 'Done', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  canceled: { label: 'Cancelled', tone: 'neutral' },
  returned: { label: 'Given back', tone: 'neutral' },
} as const satisfies Record<MovementState, StatusLook>;

/** Finding severities: an error blocks checkout, a warning needs an acknowledgement. */
export type Severity = 'error' | 'warning' | 'info';

const SEVERITY_LOOKS = {
  error: { label: 'Error', tone: 'danger' },
  warning: { label: 'Warning', tone: 'warning' },
  info: { label: 'Note', tone: 'info' },
} as const satisfies Record<Severity, StatusLook>;

function lookUp(table: Record<string, StatusLook>, code: string): StatusLook {
  // An unknown code (a status added on the server before the UI knows it) still shows, plainly.
  return Object.hasOwn(table, code) ? table[code]! : { label: humanize(code), tone: 'neutral' };
}

/** Label and tone of an order status; unknown codes are humanized and neutral. */
export function orderStatusLook(status: OrderStatus | (string & {})): StatusLook {
  return lookUp(ORDER_STATUS_LOOKS, status);
}

/** Label and tone of a request queue; unknown codes are humanized and neutral. */
export function requestQueueLook(queue: RequestQueue | (string & {})): StatusLook {
  return lookUp(REQUEST_QUEUE_LOOKS, queue);
}

/** Label and tone of a finding severity. */
export function severityLook(severity: Severity | (string & {})): StatusLook {
  return lookUp(SEVERITY_LOOKS, severity);
}

/** Label and tone of a checkout's status; unknown codes are humanized and neutral. */
export function checkoutStatusLook(status: CheckoutStatus | (string & {})): StatusLook {
  return lookUp(CHECKOUT_STATUS_LOOKS, status);
}

/** Label and tone of a text's delivery state; unknown codes are humanized and neutral. */
export function smsDeliveryLook(status: keyof typeof SMS_DELIVERY_LOOKS | (string & {})): StatusLook {
  return lookUp(SMS_DELIVERY_LOOKS, status);
}

/** Label of a money movement's kind. */
export function movementKindLook(kind: MovementKind | (string & {})): StatusLook {
  return lookUp(MOVEMENT_KIND_LOOKS, kind);
}

/** Label and tone of a money movement's state. */
export function movementStateLook(state: MovementState | (string & {})): StatusLook {
  return lookUp(MOVEMENT_STATE_LOOKS, state);
}
