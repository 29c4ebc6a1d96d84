import Stripe from 'stripe';
import { getEnv } from '../../env.server';
import type { PaymentProvider } from './types';

/** Where the Stripe SDK sends requests. Tests point the real SDK at a local HTTP server. */
export type StripeConnection = {
  secretKey: string;
  webhookSecret?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** The SDK's own retries of network errors and 409/5xx answers (it re-sends the same idempotency key). */
  maxNetworkRetries?: number;
};

const STRIPE_KEY = Symbol.for('vialcart.stripe');
type Holder = { connection?: Partial<StripeConnection>; client?: Stripe; clientKey?: string };
type WithStripe = typeof globalThis & { [STRIPE_KEY]?: Holder };

function holder(): Holder {
  const g = globalThis as WithStripe;
  return (g[STRIPE_KEY] ??= {});
}

/** A Stripe client for a connection: the SDK as shipped, with host/port/protocol overridable. */
export function createStripeClient(connection: StripeConnection): Stripe {
  return new Stripe(connection.secretKey, {
    host: connection.host,
    port: connection.port,
    protocol: connection.protocol,
    maxNetworkRetries: connection.maxNetworkRetries ?? 2,
    timeout: 20_000,
    appInfo: { name: 'vialcart' },
  });
}

/**
 * Overrides parts of the connection read from the environment (tests: the local server and
 * test keys); `undefined` restores the environment's.
 */
export function configureStripe(connection: Partial<StripeConnection> | undefined): void {
  const h = holder();
  h.connection = connection;
  h.client = undefined;
  h.clientKey = undefined;
}

function connection(): StripeConnection | null {
  const env = getEnv();
  const override = holder().connection ?? {};
  const secretKey = override.secretKey ?? env.STRIPE_SECRET_KEY;
  if (!secretKey) return null;
  return { ...override, secretKey, webhookSecret: override.webhookSecret ?? env.STRIPE_WEBHOOK_SECRET };
}

/** Whether Stripe is configured (STRIPE_SECRET_KEY or a test override). */
export function stripeConfigured(): boolean {
  return connection() !== null;
}

/** The process's Stripe client; throws when Stripe is not configured. */
export function getStripe(): Stripe {
  const c = connection();
  if (!c) throw new Error('Stripe is not configured (STRIPE_SECRET_KEY is unset)');
  const h = holder();
  const key = JSON.stringify([c.secretKey, c.host, c.port, c.protocol, c.maxNetworkRetries]);
  if (!h.client || h.clientKey !== key) {
    h.client = createStripeClient(c);
    h.clientKey = key;
  }
  return h.client;
}

/** The webhook signing secret; throws when unset. */
export function stripeWebhookSecret(): string {
  const secret = connection()?.webhookSecret;
  if (!secret) throw new Error('Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET is unset)');
  return secret;
}

/** Whether a Stripe error will answer the same however often the request is retried. */
export function isPermanentStripeError(error: unknown): boolean {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeCardError ||
    error instanceof Stripe.errors.StripePermissionError ||
    error instanceof Stripe.errors.StripeAuthenticationError
  );
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
    const session = await getStripe().checkout.sessions.create(
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
    );
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
    return { kind: 'redirect', sessionId: session.id, url: session.url };
  },
};
