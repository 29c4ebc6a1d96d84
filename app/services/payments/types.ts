import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';

/** The two ways a clinic pays: Stripe Checkout, or on account against an invoice. */
export type ProviderName = 'stripe' | 'invoice';

/** One pharmacy's part of a payment, as the clinic sees it on the payment page. */
export type PaymentPart = {
  pharmacyId: string;
  pharmacyName: string;
  vials: number;
  lineCount: number;
  totalCents: number;
};

/** What a provider needs to start paying for one checkout. */
export type PaymentRequest = {
  checkoutId: string;
  clinicId: string;
  cartId: string;
  cartVersion: number;
  amountCents: number;
  /**
   * Derived from the checkout (cart id + version, and the page's attempt once it had to be made
   * again with a fresh expiry): the same request always sends the same key.
   */
  idempotencyKey: string;
  /** Stripe Connect transfer group shared by the charge and every pharmacy's transfer. */
  transferGroup: string;
  parts: PaymentPart[];
  clinic: { name: string; email: string | null; stripeCustomerId: string | null; paymentTermsDays: number; slug: string };
  /** When an unpaid checkout gives its stock back. */
  expiresAt: Date;
  /** Where Stripe sends the clinic after paying or cancelling. */
  successUrl: string;
  cancelUrl: string;
};

/** How a payment started: confirmed at once (invoice) or waiting for the clinic at a hosted page (Stripe). */
export type PaymentStart =
  | { kind: 'confirmed'; invoiceNumber: string; dueOn: string }
  | { kind: 'redirect'; sessionId: string; url: string };

/** A payment the provider took: its page (session), the payment it made, and what it charged. */
export type PaymentTaken = { sessionId: string; paymentIntentId: string | null; amountTotalCents: number | null };

/**
 * Where a started payment stands once the provider has been asked to close it: `paid` (the
 * money was taken before it closed), `pending` (an asynchronous payment such as a bank debit is
 * still on its way: the provider's event will settle it), `failed` (such a payment was turned
 * down), or `closed` (it can no longer be paid).
 */
export type PaymentClosing = ({ state: 'paid' } & PaymentTaken) | ({ state: 'pending' } & PaymentTaken) | { state: 'failed' } | { state: 'closed' };

/** What a started payment is known by: its checkout, and the provider's own reference (Stripe: the session id). */
export type StartedPayment = { checkoutId: string; reference: string };

/**
 * A way of taking the clinic's money. `external` providers call out over the network, so the
 * checkout calls `start` after its transaction commits, with an idempotency key that makes a
 * retried call return the first answer; the others run inside the checkout's transaction.
 * Both throw `PaymentRefused` for a request the provider will refuse however often it is sent;
 * any other error may go away on a retry.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  readonly external: boolean;
  start(db: Kysely<Database>, request: PaymentRequest): Promise<PaymentStart>;
  /**
   * Makes a started payment impossible to complete (the clinic cancelled, or its time ran out)
   * and says where it stands; closing one that is already closed or paid only reads it.
   */
  close(payment: StartedPayment): Promise<PaymentClosing>;
}

/**
 * The provider refused a request and would refuse it again (bad parameters, declined). The
 * message is safe to show: never the provider's raw text with a key in it.
 */
export class PaymentRefused extends Error {
  override readonly name = 'PaymentRefused';
  constructor(
    /** Who refused, as the clinic may be told ("Stripe"). */
    readonly providerLabel: string,
    message: string,
    /** What may be logged of the provider's error (type, code, status, request id). */
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The provider could not be used: it refused our credentials (`unavailable`), asked us to slow
 * down (`busy`), or did not answer (`unknown`: the request may have been processed, so a movement
 * is looked up before anything else happens to it). Never carries the provider's raw message.
 */
export class PaymentsUnavailable extends Error {
  override readonly name = 'PaymentsUnavailable';
  constructor(
    readonly failure: 'unavailable' | 'busy' | 'unknown',
    /** What may be logged of the provider's error (type, code, status, request id). */
    readonly detail: Record<string, unknown> = {},
  ) {
    super(`Stripe ${failure === 'unavailable' ? 'refused our credentials' : failure === 'busy' ? 'asked us to try later' : 'did not answer'} (${[detail.type, detail.code, detail.statusCode].filter(Boolean).join(', ')})`);
  }
}

/** A refund as the provider reports it (its own status: `pending`, `requires_action`, `succeeded`, `failed`, `canceled`). */
export type ProviderRefund = {
  id: string;
  amountCents: number;
  status: string;
  paymentIntentId: string | null;
  chargeId: string | null;
  metadata: Record<string, string>;
  created: number;
};

/** A transfer reversal as the provider reports it. */
export type ProviderReversal = { id: string; amountCents: number; transferId: string; metadata: Record<string, string>; created: number };

/** A transfer to a connected account as the provider reports it, with the reversals it lists. */
export type ProviderTransfer = {
  id: string;
  amountCents: number;
  amountReversedCents: number;
  destination: string | null;
  transferGroup: string | null;
  metadata: Record<string, string>;
  reversals: ProviderReversal[];
  created: number;
};

/** A payment (PaymentIntent) as the provider lists it. */
export type ProviderPayment = { id: string; amountCents: number; status: string; transferGroup: string | null; metadata: Record<string, string>; created: number };

/**
 * A verified event from the payment provider, in the terms the rooms act on; `type` is the
 * provider's own name for it (answered back to the provider, and kept with the event id).
 */
export type PaymentEvent = { id: string; type: string } & (
  | {
      /** The payment page was completed: `paid`, or an asynchronous payment is still processing (`paymentStatus` says how). */
      kind: 'session_completed';
      session: SessionRef;
      paid: boolean;
      paymentStatus: string;
      payment: PaymentTaken;
    }
  | { kind: 'session_ended'; session: SessionRef; outcome: 'failed' | 'expired' }
  | { kind: 'charge_refunded'; chargeId: string; paymentIntentId: string | null; amountRefundedCents: number }
  /** A refund changed (`charge.refund.updated`, `refund.updated`, `refund.failed`, `refund.created`). */
  | { kind: 'refund_updated'; refund: ProviderRefund }
  /** A transfer was reversed, by us or from the dashboard (`transfer.reversed`). */
  | { kind: 'transfer_reversed'; transfer: ProviderTransfer }
  /** A connected account's capabilities changed (`account.updated`); `at` is when Stripe said so. */
  | { kind: 'account_updated'; accountId: string; chargesEnabled: boolean; payoutsEnabled: boolean; at: Date }
  | { kind: 'other' }
);

/** A payment page as an event names it: its id, and the checkout id it carries in its metadata (unchecked). */
export type SessionRef = { sessionId: string; checkoutId: string | null };
