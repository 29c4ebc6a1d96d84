/**
 * The Stripe connection: the SDK client for the configured key (tests point it at a local
 * stand-in), the webhook secret, and which Stripe errors a retry cannot fix. Only
 * `stripe.server.ts` uses the client: every Stripe request vialcart makes is there.
 */
import Stripe from 'stripe';
import { getEnv } from '../../env.server';

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
