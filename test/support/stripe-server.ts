/**
 * A local stand-in for the parts of Stripe's API vialcart calls, for the real `stripe` SDK to
 * talk to over HTTP (configureStripe({ host, port, protocol: 'http' })). It answers with the
 * object shapes of Stripe's API reference (Checkout Session, PaymentIntent, Refund, Transfer,
 * Transfer Reversal, Event), replays the first answer for a repeated Idempotency-Key as Stripe
 * does, and records every request with its decoded form body so tests can assert keys and amounts.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { sendJson, startLocalHttpServer, type LocalHttpServer, type ReceivedRequest } from './local-http-server';

/** A request as Stripe would have received it: path, idempotency key, decoded form. */
export type StripeCall = { method: string; path: string; idempotencyKey: string | null; form: Record<string, any> };

type Session = Record<string, any> & { id: string; status: 'open' | 'complete' | 'expired'; payment_status: 'paid' | 'unpaid' | 'no_payment_required' };

export const TEST_SECRET_KEY = 'sk_test_vialcart_local';
export const TEST_WEBHOOK_SECRET = 'whsec_vialcart_local_test_secret';

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const unix = () => Math.floor(Date.now() / 1000);

/** Decodes Stripe's bracketed form encoding (`line_items[0][price_data][unit_amount]=…`) into objects and arrays. */
export function decodeForm(body: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.replace(/\]/g, '').split('[');
    let node: any = out;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      if (last) node[part] = value;
      else node = node[part] ??= nextIsIndex ? [] : {};
    });
  }
  return out;
}

export type StripeTestServer = {
  url: string;
  port: number;
  calls: StripeCall[];
  sessions: Map<string, Session>;
  /** Options for `configureStripe` pointing the SDK here. */
  connection: { secretKey: string; webhookSecret: string; host: string; port: number; protocol: 'http'; maxNetworkRetries: number };
  /** Marks a session paid (or still processing, for bank debits) as Stripe's hosted page would. */
  completeSession(sessionId: string, paymentStatus?: 'paid' | 'unpaid'): Session;
  /** An Event of `type` about `object`, as Stripe posts it to a webhook endpoint. */
  event(type: string, object: Record<string, any>, eventId?: string): string;
  /** The `Stripe-Signature` header for a payload, signed with the test secret (or another, to forge one). */
  sign(payload: string, options?: { secret?: string; timestamp?: number }): string;
  /** Calls made to a path, e.g. `POST /v1/transfers`. */
  callsTo(method: string, path: string | RegExp): StripeCall[];
  close(): Promise<void>;
};

/** Starts the stand-in on a free local port. */
export async function startStripeServer(): Promise<StripeTestServer> {
  const sessions = new Map<string, Session>();
  const intents = new Map<string, Record<string, any>>();
  const transfers = new Map<string, Record<string, any>>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const calls: StripeCall[] = [];
  const signer = new Stripe(TEST_SECRET_KEY);

  const route = (req: ReceivedRequest, form: Record<string, any>): { status: number; body: unknown } => {
    const path = req.url.split('?')[0]!;
    let m: RegExpMatchArray | null;
    if (req.method === 'POST' && path === '/v1/checkout/sessions') {
      const amount = (form.line_items ?? []).reduce((s: number, li: any) => s + Number(li.price_data.unit_amount) * Number(li.quantity ?? 1), 0);
      const session: Session = {
        id: id('cs_test'),
        object: 'checkout.session',
        amount_subtotal: amount,
        amount_total: amount,
        cancel_url: form.cancel_url ?? null,
        client_reference_id: form.client_reference_id ?? null,
        created: unix(),
        currency: 'usd',
        customer: form.customer ?? null,
        customer_email: form.customer_email ?? null,
        expires_at: Number(form.expires_at ?? unix() + 86_400),
        livemode: false,
        metadata: form.metadata ?? {},
        mode: form.mode ?? 'payment',
        payment_intent: null,
        payment_status: 'unpaid',
        status: 'open',
        success_url: form.success_url ?? null,
        url: '',
      };
      session.url = `https://checkout.stripe.test/c/pay/${session.id}`;
      (session as any)._transfer_group = form.payment_intent_data?.transfer_group ?? null;
      sessions.set(session.id, session);
      return { status: 200, body: publicSession(session) };
    }
    if ((m = path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/)) && req.method === 'GET') {
      const s = sessions.get(m[1]!);
      return s ? { status: 200, body: publicSession(s) } : notFound('checkout.session', m[1]!);
    }
    if ((m = path.match(/^\/v1\/checkout\/sessions\/([^/]+)\/expire$/)) && req.method === 'POST') {
      const s = sessions.get(m[1]!);
      if (!s) return notFound('checkout.session', m[1]!);
      if (s.status !== 'open') {
        return { status: 400, body: { error: { type: 'invalid_request_error', code: 'checkout_session_not_open', message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".` } } };
      }
      s.status = 'expired';
      return { status: 200, body: publicSession(s) };
    }
    if ((m = path.match(/^\/v1\/payment_intents\/([^/]+)$/)) && req.method === 'GET') {
      const pi = intents.get(m[1]!);
      return pi ? { status: 200, body: pi } : notFound('payment_intent', m[1]!);
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      const pi = intents.get(form.payment_intent);
      if (!pi) return notFound('payment_intent', form.payment_intent);
      return {
        status: 200,
        body: {
          id: id('re'), object: 'refund', amount: Number(form.amount), balance_transaction: id('txn'), charge: pi.latest_charge, created: unix(), currency: 'usd',
          metadata: form.metadata ?? {}, payment_intent: pi.id, reason: form.reason ?? null, receipt_number: null, source_transfer_reversal: null, status: 'succeeded', transfer_reversal: null,
        },
      };
    }
    if (req.method === 'POST' && path === '/v1/transfers') {
      const transfer = {
        id: id('tr'), object: 'transfer', amount: Number(form.amount), amount_reversed: 0, balance_transaction: id('txn'), created: unix(), currency: form.currency,
        description: form.description ?? null, destination: form.destination, destination_payment: id('py'), livemode: false, metadata: form.metadata ?? {},
        reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: '' }, reversed: false,
        source_transaction: form.source_transaction ?? null, source_type: 'card', transfer_group: form.transfer_group ?? null,
      };
      transfers.set(transfer.id, transfer);
      return { status: 200, body: transfer };
    }
    if ((m = path.match(/^\/v1\/transfers\/([^/]+)\/reversals$/)) && req.method === 'POST') {
      const t = transfers.get(m[1]!);
      if (!t) return notFound('transfer', m[1]!);
      return {
        status: 200,
        body: { id: id('trr'), object: 'transfer_reversal', amount: Number(form.amount ?? t.amount), balance_transaction: id('txn'), created: unix(), currency: t.currency, destination_payment_refund: id('pyr'), metadata: form.metadata ?? {}, source_refund: null, transfer: t.id },
      };
    }
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path}).` } } };
  };

  const server: LocalHttpServer = await startLocalHttpServer((req, res) => {
    const form = decodeForm(req.body);
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    calls.push({ method: req.method, path: req.url.split('?')[0]!, idempotencyKey: key, form });
    if (key && req.method === 'POST') {
      const first = idempotent.get(key);
      if (first) return sendJson(res, first.status, first.body, { 'Idempotent-Replayed': 'true', 'Request-Id': id('req') });
    }
    const answer = route(req, form);
    if (key && req.method === 'POST' && answer.status < 500) idempotent.set(key, answer);
    sendJson(res, answer.status, answer.body, { 'Request-Id': id('req') });
  });
  const port = Number(new URL(server.url).port);

  function publicSession(s: Session) {
    const { _transfer_group: _t, ...rest } = s as any;
    return { ...rest };
  }

  return {
    url: server.url,
    port,
    calls,
    sessions,
    connection: { secretKey: TEST_SECRET_KEY, webhookSecret: TEST_WEBHOOK_SECRET, host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 },
    completeSession(sessionId, paymentStatus = 'paid') {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no session ${sessionId}`);
      const pi = { id: id('pi'), object: 'payment_intent', amount: s.amount_total, currency: 'usd', latest_charge: id('ch'), status: paymentStatus === 'paid' ? 'succeeded' : 'processing', transfer_group: (s as any)._transfer_group, metadata: s.metadata };
      intents.set(pi.id, pi);
      s.status = 'complete';
      s.payment_status = paymentStatus;
      s.payment_intent = pi.id;
      return publicSession(s) as Session;
    },
    event(type, object, eventId = id('evt')) {
      return JSON.stringify({ id: eventId, object: 'event', api_version: Stripe.API_VERSION, created: unix(), data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type }, null, 2);
    },
    sign(payload, options = {}) {
      return signer.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? TEST_WEBHOOK_SECRET, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
    },
    callsTo(method, path) {
      return calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));
    },
    close: () => server.close(),
  };
}

function notFound(object: string, value: string) {
  return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${object}: '${value}'`, param: 'id' } } };
}
