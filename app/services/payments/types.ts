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
  /** Derived from the checkout (cart id + version): the same checkout always sends the same key. */
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
 * still on its way: the provider's event will settle it), or `closed` (it can no longer be paid).
 */
export type PaymentClosing = ({ state: 'paid' } & PaymentTaken) | { state: 'pending' } | { state: 'closed' };

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

/** The provider refused a request and would refuse it again (bad request, declined, wrong key or permissions). */
export class PaymentRefused extends Error {
  override readonly name = 'PaymentRefused';
  constructor(
    /** Who refused, as the clinic may be told ("Stripe"). */
    readonly providerLabel: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

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
  | { kind: 'other' }
);

/** A payment page as an event names it: its id, and the checkout id it carries in its metadata (unchecked). */
export type SessionRef = { sessionId: string; checkoutId: string | null };
