/**
 * Everything vialcart asks Stripe, in one place: the Checkout provider (start and close a
 * payment page), webhook events verified and read into `PaymentEvent`s, and the Connect money
 * movements (charge lookup, refund, transfer, transfer reversal). Callers never see the SDK;
 * a request Stripe will refuse again is thrown as `PaymentRefused` where the caller acts on it.
 */
import type Stripe from 'stripe';
import { DomainError } from '../platform/errors';
import { getStripe, isPermanentStripeError, stripeWebhookSecret } from './stripe-client.server';
import { PaymentRefused, type PaymentEvent, type PaymentProvider, type PaymentTaken } from './types';

/** Seconds a webhook signature stays valid: Stripe's default; older deliveries are refused as replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Runs a Stripe request, turning a refusal that a retry cannot fix into `PaymentRefused`. */
async function refusalsNamed<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (isPermanentStripeError(error)) throw new PaymentRefused('Stripe', error instanceof Error ? error.message : String(error), { cause: error });
    throw error;
  }
}

const idOf = (value: string | { id: string } | null | undefined): string | null => (typeof value === 'string' ? value : (value?.id ?? null));

/** What a completed session took: the session, its PaymentIntent and the amount charged. */
function taken(session: Stripe.Checkout.Session): PaymentTaken {
  return { sessionId: session.id, paymentIntentId: idOf(session.payment_intent), amountTotalCents: session.amount_total };
}

/**
 * Stripe Checkout: one hosted payment page for the whole cart, one line item per pharmacy
 * order (so the clinic's receipt shows the split), the checkout id in the metadata (the
 * webhook finds the checkout by it), and the transfer group every pharmacy's transfer will
 * carry. The POST carries the checkout's idempotency key: a retried or double-submitted
 * checkout gets the same session back from Stripe, never a second one.
 */
export const stripeProvider: PaymentProvider = {
  name: 'stripe',
  external: true,
  async start(_db, request) {
    const session = await refusalsNamed(() => getStripe().checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: request.checkoutId,
        ...(request.clinic.stripeCustomerId
          ? { customer: request.clinic.stripeCustomerId }
          : request.clinic.email
            ? { customer_email: request.clinic.email }
            : {}),
        line_items: request.parts.map((part) => ({
          quantity: 1,
          price_data: {
            currency: 'usd',
            unit_amount: part.totalCents,
            product_data: {
              name: `${part.pharmacyName} order`,
              description: `${part.lineCount} line${part.lineCount === 1 ? '' : 's'}, ${part.vials} vial${part.vials === 1 ? '' : 's'}, shipping and fees included`,
              metadata: { pharmacyId: part.pharmacyId },
            },
          },
        })),
        metadata: {
          checkoutId: request.checkoutId,
          clinicId: request.clinicId,
          cartId: request.cartId,
          cartVersion: String(request.cartVersion),
        },
        payment_intent_data: {
          transfer_group: request.transferGroup,
          metadata: { checkoutId: request.checkoutId },
        },
        expires_at: Math.floor(request.expiresAt.getTime() / 1000),
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
      },
      { idempotencyKey: request.idempotencyKey },
    ));
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
    return { kind: 'redirect', sessionId: session.id, url: session.url };
  },

  /**
   * Reads the session and, while it is still open, expires it (key `expire:<checkout id>`) so
   * it can no longer be paid. A session that completed between the two calls is read again
   * and followed: paid, or an asynchronous payment still processing.
   */
  async close({ checkoutId, reference: sessionId }) {
    const stripe = getStripe();
    let session = await stripe.checkout.sessions.retrieve(sessionId);
    if (session.status === 'open') {
      try {
        session = await stripe.checkout.sessions.expire(sessionId, {}, { idempotencyKey: `expire:${checkoutId}` });
      } catch (error) {
        if (!isPermanentStripeError(error)) throw error;
        session = await stripe.checkout.sessions.retrieve(sessionId);
      }
    }
    if (session.status !== 'complete') return { state: 'closed' };
    if (session.payment_status === 'unpaid') return { state: 'pending' };
    return { state: 'paid', ...taken(session) };
  },
};

/**
 * Verifies a Stripe delivery against the raw body and the `Stripe-Signature` header (a
 * `bad_request` for a missing, forged or stale signature) and reads it as a `PaymentEvent`.
 */
export function verifyStripeEvent(rawBody: string, signature: string | null): PaymentEvent {
  if (!signature) throw new DomainError('bad_request', 'Missing Stripe-Signature header.');
  let event: Stripe.Event;
  try {
    event = getStripe().webhooks.constructEvent(rawBody, signature, stripeWebhookSecret(), SIGNATURE_TOLERANCE_SECONDS);
  } catch {
    throw new DomainError('bad_request', 'The Stripe signature does not match this body, or it is too old.');
  }
  const base = { id: event.id, type: event.type };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object;
      const paid = session.payment_status === 'paid' || session.payment_status === 'no_payment_required';
      return { ...base, kind: 'session_completed', session: sessionRef(session), paid, paymentStatus: session.payment_status, payment: taken(session) };
    }
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired':
      return { ...base, kind: 'session_ended', session: sessionRef(event.data.object), outcome: event.type === 'checkout.session.expired' ? 'expired' : 'failed' };
    case 'charge.refunded': {
      const charge = event.data.object;
      return { ...base, kind: 'charge_refunded', chargeId: charge.id, paymentIntentId: idOf(charge.payment_intent), amountRefundedCents: charge.amount_refunded };
    }
    default:
      return { ...base, kind: 'other' };
  }
}

function sessionRef(session: Stripe.Checkout.Session) {
  return { sessionId: session.id, checkoutId: session.metadata?.checkoutId ?? null };
}

/**
 * Stripe Connect money movements after the payment. Each carries the caller's idempotency key
 * (docs/decisions/004-payments.md lists them), so a retried call returns the first answer.
 */
export const stripeMoney = {
  /** The charge behind a PaymentIntent (`latest_charge`); throws while it has none yet. */
  async chargeOf(paymentIntentId: string): Promise<string> {
    const intent = await getStripe().paymentIntents.retrieve(paymentIntentId);
    const charge = idOf(intent.latest_charge);
    if (!charge) throw new Error(`PaymentIntent ${paymentIntentId} has no charge yet`);
    return charge;
  },

  /** A partial refund of a PaymentIntent; answers Stripe's refund id and status as given. */
  async refund(input: { paymentIntentId: string; amountCents: number; metadata: Record<string, string>; idempotencyKey: string }): Promise<{ id: string; status: string | null }> {
    const refund = await getStripe().refunds.create(
      { payment_intent: input.paymentIntentId, amount: input.amountCents, reason: 'requested_by_customer', metadata: input.metadata },
      { idempotencyKey: input.idempotencyKey },
    );
    return { id: refund.id, status: refund.status };
  },

  /** A transfer to a connected account, funded by `sourceCharge`, in the checkout's transfer group. */
  async transfer(input: {
    amountCents: number;
    destination: string;
    transferGroup: string;
    sourceCharge: string;
    description: string;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<{ id: string; transferGroup: string | null }> {
    const transfer = await getStripe().transfers.create(
      {
        amount: input.amountCents,
        currency: 'usd',
        destination: input.destination,
        transfer_group: input.transferGroup,
        source_transaction: input.sourceCharge,
        description: input.description,
        metadata: input.metadata,
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return { id: transfer.id, transferGroup: transfer.transfer_group ?? null };
  },

  /** Takes (part of) a transfer back from the connected account. */
  async reverseTransfer(input: { transferId: string; amountCents: number; metadata: Record<string, string>; idempotencyKey: string }): Promise<{ id: string }> {
    const reversal = await getStripe().transfers.createReversal(input.transferId, { amount: input.amountCents, metadata: input.metadata }, { idempotencyKey: input.idempotencyKey });
    return { id: reversal.id };
  },
};
