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

/**
 * A way of taking the clinic's money. `external` providers call out over the network, so the
 * checkout calls `start` after its transaction commits, with an idempotency key that makes a
 * retried call return the first answer; the others run inside the checkout's transaction.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  readonly external: boolean;
  start(db: Kysely<Database>, request: PaymentRequest): Promise<PaymentStart>;
}
