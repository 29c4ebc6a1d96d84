/**
 * The Stripe connection: the SDK client for the configured key and base (STRIPE_API_BASE, or a
 * test's configureStripe, points it at a local stand-in), the webhook secret, and what a failed
 * request means. Only `stripe.server.ts` and `stripe-money.server.ts` use the client: every
 * Stripe request vialcart makes is in those two files.
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

/** Host, port and protocol of STRIPE_API_BASE (e.g. a local stand-in), or nothing for Stripe's own API. */
export function apiBaseConnection(base: string | undefined): Pick<StripeConnection, 'host' | 'port' | 'protocol'> {
  if (!base) return {};
  const url = new URL(base);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

function connection(): StripeConnection | null {
  const env = getEnv();
  const override = holder().connection ?? {};
  const secretKey = override.secretKey ?? env.STRIPE_SECRET_KEY;
  if (!secretKey) return null;
  return { ...apiBaseConnection(env.STRIPE_API_BASE), ...override, secretKey, webhookSecret: override.webhookSecret ?? env.STRIPE_WEBHOOK_SECRET };
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

/**
 * What a failed Stripe request means for the caller:
 * - `unavailable`: Stripe would not talk to us (our key refused, missing permissions): nothing
 *   happened, and nothing will until the key is fixed — "payments are unavailable";
 * - `busy`: not processed (rate limit, the same idempotency key still in progress): try later;
 * - `unknown`: no answer (connection cut, timeout, Stripe's own 5xx): the request may or may not
 *   have been processed — look it up before anything else;
 * - `refused`: Stripe refused the request itself (bad parameters, declined): it will refuse it again.
 */
export type StripeFailure = 'unavailable' | 'busy' | 'unknown' | 'refused';

export function stripeFailureOf(error: unknown): StripeFailure | null {
  const E = Stripe.errors;
  if (error instanceof E.StripeAuthenticationError || error instanceof E.StripePermissionError) return 'unavailable';
  if (error instanceof E.StripeRateLimitError) return 'busy';
  if (error instanceof E.StripeIdempotencyError) return (error as { code?: string }).code === 'idempotency_key_in_use' || error.statusCode === 409 ? 'busy' : 'refused';
  if (error instanceof E.StripeInvalidRequestError || error instanceof E.StripeCardError) return 'refused';
  if (error instanceof E.StripeError) return 'unknown';
  return null;
}

/** What may be said of a Stripe error in a log line or a stored note: its kind and codes, never its message (it may quote the key). */
export function describeStripeError(error: unknown): { type: string; code?: string; statusCode?: number; requestId?: string } {
  if (!(error instanceof Stripe.errors.StripeError)) return { type: error instanceof Error ? error.name : typeof error };
  return {
    type: error.type,
    ...(error.code ? { code: error.code } : {}),
    ...(error.statusCode ? { statusCode: error.statusCode } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
  };
}
