/**
 * The Stripe Checkout provider (start and close a payment page) and Stripe's webhook events,
 * verified and read into `PaymentEvent`s. Callers never see the SDK or Stripe's raw messages:
 * a failed request is thrown as `PaymentRefused` (Stripe will refuse it again) or
 * `PaymentsUnavailable` (our key refused, busy, or no answer). The money movements after a
 * payment are in `stripe-money.server.ts`.
 */
import type Stripe from 'stripe';
import { DomainError } from '../platform/errors';
import { redactSecrets } from '../platform/secrets';
import { describeStripeError, getStripe, stripeFailureOf, stripeWebhookSecret } from './stripe-client.server';
import {
  PaymentRefused,
  PaymentsUnavailable,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentTaken,
  type ProviderRefund,
  type ProviderReversal,
  type ProviderTransfer,
} from './types';

/** Seconds a webhook signature stays valid: Stripe's default; older deliveries are refused as replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Runs a Stripe request; a failure is thrown as `PaymentRefused` (with Stripe's message, secrets
 * masked) or `PaymentsUnavailable` (no message of Stripe's at all). Errors that are not Stripe's
 * (a bug of ours) pass through.
 */
export async function stripeCall<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const failure = stripeFailureOf(error);
    if (!failure) throw error;
    const detail = describeStripeError(error);
    if (failure === 'refused') throw new PaymentRefused('Stripe', redactSecrets(error instanceof Error ? error.message : String(error)), detail);
    throw new PaymentsUnavailable(failure, detail);
  }
}

/** A Stripe request that answers null for an object Stripe does not have (404), instead of throwing. */
export async function stripeFind<T>(request: () => Promise<T>): Promise<T | null> {
  try {
    return await stripeCall(request);
  } catch (error) {
    if (error instanceof PaymentRefused && (error.detail.code === 'resource_missing' || error.detail.statusCode === 404)) return null;
    throw error;
  }
}

export const idOf = (value: string | { id: string } | null | undefined): string | null => (typeof value === 'string' ? value : (value?.id ?? null));

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
    const session = await stripeCall(() =>
      getStripe().checkout.sessions.create(
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
      ),
    );
    if (!session.url) throw new PaymentsUnavailable('unknown', { type: 'session_without_url' });
    return { kind: 'redirect', sessionId: session.id, url: session.url };
  },

  /**
   * Reads the session and, while it is still open, expires it (key `expire:<session id>`) so it
   * can no longer be paid. A completed session is followed to its PaymentIntent: paid, still
   * processing (a bank debit), or turned down.
   */
  async close({ reference: sessionId }) {
    const stripe = getStripe();
    let session = await stripeCall(() => stripe.checkout.sessions.retrieve(sessionId));
    if (session.status === 'open') {
      try {
        session = await stripeCall(() => stripe.checkout.sessions.expire(sessionId, {}, { idempotencyKey: `expire:${sessionId}` }));
      } catch (error) {
        // Completed (or expired) between the two calls: read where it stands now.
        if (!(error instanceof PaymentRefused)) throw error;
        session = await stripeCall(() => stripe.checkout.sessions.retrieve(sessionId));
      }
    }
    if (session.status !== 'complete') return { state: 'closed' };
    if (session.payment_status !== 'unpaid') return { state: 'paid', ...taken(session) };
    const intentId = idOf(session.payment_intent);
    if (!intentId) return { state: 'pending', ...taken(session) };
    const intent = await stripeCall(() => stripe.paymentIntents.retrieve(intentId));
    if (intent.status === 'succeeded') return { state: 'paid', ...taken(session) };
    if (intent.status === 'processing') return { state: 'pending', ...taken(session) };
    return { state: 'failed' };
  },
};

/**
 * Expires the open payment pages of a checkout made since `since` (one whose answer was lost
 * before a fresh page replaces it), so only the page the clinic is sent to can be paid.
 * Answers how many it expired.
 */
export async function expireOtherSessions(checkoutId: string, since: Date, keep: string | null): Promise<number> {
  const stripe = getStripe();
  let expired = 0;
  const list = stripe.checkout.sessions.list({ created: { gte: Math.floor(since.getTime() / 1000) - 60 }, status: 'open', limit: 100 });
  const open: string[] = [];
  await stripeCall(() =>
    list.autoPagingEach((session) => {
      if (session.metadata?.checkoutId === checkoutId && session.id !== keep) open.push(session.id);
    }),
  );
  for (const id of open) {
    await stripeCall(() => stripe.checkout.sessions.expire(id, {}, { idempotencyKey: `expire:${id}` })).catch((error: unknown) => {
      if (!(error instanceof PaymentRefused)) throw error; // completed or expired meanwhile
    });
    expired += 1;
  }
  return expired;
}

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
    case 'charge.refund.updated':
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
      return { ...base, kind: 'refund_updated', refund: refundOf(event.data.object) };
    case 'transfer.reversed':
      return { ...base, kind: 'transfer_reversed', transfer: transferOf(event.data.object) };
    case 'account.updated': {
      const account = event.data.object;
      return { ...base, kind: 'account_updated', accountId: account.id, chargesEnabled: account.charges_enabled ?? false, payoutsEnabled: account.payouts_enabled ?? false, at: new Date(event.created * 1000) };
    }
    default:
      return { ...base, kind: 'other' };
  }
}

function sessionRef(session: Stripe.Checkout.Session) {
  return { sessionId: session.id, checkoutId: session.metadata?.checkoutId ?? null };
}

/** A Stripe Refund in our terms. */
export function refundOf(refund: Stripe.Refund): ProviderRefund {
  return {
    id: refund.id,
    amountCents: refund.amount,
    status: refund.status ?? 'pending',
    paymentIntentId: idOf(refund.payment_intent),
    chargeId: idOf(refund.charge),
    metadata: (refund.metadata ?? {}) as Record<string, string>,
    created: refund.created,
  };
}

/** A Stripe Transfer Reversal in our terms. */
export function reversalOf(reversal: Stripe.TransferReversal): ProviderReversal {
  return { id: reversal.id, amountCents: reversal.amount, transferId: idOf(reversal.transfer) ?? '', metadata: (reversal.metadata ?? {}) as Record<string, string>, created: reversal.created };
}

/** A Stripe Transfer in our terms, with the reversals it carries. */
export function transferOf(transfer: Stripe.Transfer): ProviderTransfer {
  return {
    id: transfer.id,
    amountCents: transfer.amount,
    amountReversedCents: transfer.amount_reversed,
    destination: idOf(transfer.destination),
    transferGroup: transfer.transfer_group ?? null,
    metadata: (transfer.metadata ?? {}) as Record<string, string>,
    reversals: (transfer.reversals?.data ?? []).map(reversalOf),
    created: transfer.created,
  };
}

/** A connected account as vialcart keeps it: its id and what it can do yet. */
export type ConnectedAccount = { accountId: string; chargesEnabled: boolean; payoutsEnabled: boolean; createdAt: Date };

/**
 * Creates a pharmacy's Stripe Connect account: an Express account (Stripe hosts its onboarding
 * and its dashboard; docs/decisions/014-stripe-connect-express.md) in the US, asking for the
 * `transfers` capability vialcart pays it through. The pharmacy's id is the idempotency key, so
 * a double click or a retry after a lost answer gets the same account back, never a second one.
 */
export async function createConnectedAccount(pharmacy: { id: string; name: string; email: string | null }): Promise<ConnectedAccount> {
  const account = await stripeCall(() =>
    getStripe().accounts.create(
      {
        type: 'express',
        country: 'US',
        ...(pharmacy.email ? { email: pharmacy.email } : {}),
        business_type: 'company',
        business_profile: { name: pharmacy.name },
        capabilities: { transfers: { requested: true } },
        metadata: { pharmacyId: pharmacy.id },
      },
      { idempotencyKey: `connect_account:${pharmacy.id}` },
    ),
  );
  return { accountId: account.id, chargesEnabled: account.charges_enabled ?? false, payoutsEnabled: account.payouts_enabled ?? false, createdAt: new Date((account.created ?? 0) * 1000) };
}

/** A one-time Stripe-hosted onboarding link for a connected account (Account Links API); it comes back to `returnUrl`, or to `refreshUrl` once it has expired. */
export async function createOnboardingLink(accountId: string, urls: { refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }> {
  const link = await stripeCall(() => getStripe().accountLinks.create({ account: accountId, type: 'account_onboarding', refresh_url: urls.refreshUrl, return_url: urls.returnUrl }));
  return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
}
