/**
 * A local stand-in for the parts of Stripe's API vialcart calls, for the real `stripe` SDK to
 * talk to over HTTP (configureStripe({ host, port, protocol: 'http' }), or STRIPE_API_BASE).
 * It answers with the object shapes of Stripe's API reference (Checkout Session, PaymentIntent,
 * Charge, Refund, Transfer, Transfer Reversal, Event, lists), checks what Stripe checks on
 * those calls (expiry window of a session, refund and reversal amounts, API key), replays the
 * first answer for a repeated Idempotency-Key as Stripe does, and records every request with its
 * decoded form body so tests can assert keys and amounts.
 *
 * Tests can make it misbehave the way a network does: hold an answer until released (a slow
 * Stripe), process a request and drop its answer (a lost response), drop a request unprocessed,
 * or answer an error; and it keeps its own state (`state()`), so a test can compare Stripe's
 * books with vialcart's ledger. Its clock can be moved forward with the application's.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { sendJson, startLocalHttpServer, type LocalHttpServer, type ReceivedRequest } from './local-http-server';

/** A request as Stripe would have received it: path, query, idempotency key, decoded form. */
export type StripeCall = { method: string; path: string; query: Record<string, any>; idempotencyKey: string | null; form: Record<string, any> };

type Session = Record<string, any> & { id: string; status: 'open' | 'complete' | 'expired'; payment_status: 'paid' | 'unpaid' | 'no_payment_required' };
type Obj = Record<string, any> & { id: string; created: number };

export const TEST_SECRET_KEY = 'sk_test_vialcart_local';
export const TEST_WEBHOOK_SECRET = 'whsec_vialcart_local_test_secret';

/** Stripe's window for a Checkout Session's `expires_at`: 30 minutes to 24 hours from now. */
const MIN_SESSION_SECONDS = 30 * 60;
const MAX_SESSION_SECONDS = 24 * 60 * 60;

let counter = 0;
// Ids sort in creation order within one process (the lists' tie-breaker), and stay unguessable.
const id = (prefix: string) => `${prefix}_${(++counter).toString(36).padStart(6, '0')}${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;

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

/**
 * How the stand-in misbehaves on a matching request:
 * - `hold`: the request is processed (`process: 'first'`, the default) or not yet (`'on_release'`)
 *   and its answer waits until `release()` (or `releaseAfterMs`) — a slow Stripe;
 * - `drop_response`: processed, then the connection is cut — the answer is lost;
 * - `drop_request`: the connection is cut before anything happens;
 * - `error`: answered with this status and error body, nothing processed;
 * - `fail_after`: processed, then answered with a 500 (Stripe's "the outcome is unknown").
 * Stripe's SDK sends a request again, once, when its connection is reset; a drop cuts that
 * resend too, so the caller sees the connection error a lost answer gives.
 */
export type Fault =
  | { kind: 'hold'; process?: 'first' | 'on_release'; releaseAfterMs?: number }
  | { kind: 'drop_response' }
  | { kind: 'drop_request' }
  | { kind: 'error'; status: number; error: { type: string; message: string; code?: string } }
  | { kind: 'fail_after' };

/** A held answer: resolves `arrived` when the request comes in; `release()` sends its answer (or processes it, then answers). */
export type Hold = { arrived: Promise<StripeCall>; release(): void; readonly released: boolean };

type FaultRule = { method: string; path: string | RegExp; fault: Fault; times: number; hold?: HoldState; resendOf?: string | null };
type HoldState = { arrivedResolve: (c: StripeCall) => void; release: () => void; released: boolean; pending?: () => void };

/** Stripe's books as the stand-in keeps them, for comparing with vialcart's ledger. */
export type StripeBooks = {
  paymentIntents: Obj[];
  refunds: Obj[];
  transfers: Obj[];
  reversals: Obj[];
};

export type StripeTestServer = {
  url: string;
  port: number;
  calls: StripeCall[];
  sessions: Map<string, Session>;
  /** Options for `configureStripe` pointing the SDK here. */
  connection: { secretKey: string; webhookSecret: string; host: string; port: number; protocol: 'http'; maxNetworkRetries: number };
  /** Marks a session paid (or still processing, for bank debits) as Stripe's hosted page would. */
  completeSession(sessionId: string, paymentStatus?: 'paid' | 'unpaid'): Session;
  /** Ends a processing (bank debit) payment: the session and its PaymentIntent as Stripe's async event carries them. */
  settleAsyncPayment(sessionId: string, outcome: 'succeeded' | 'failed'): Session;
  /** Moves a refund to a new status as Stripe does later (a bank refund settling, or failing); answers the refund. */
  settleRefund(refundId: string, status: 'succeeded' | 'failed' | 'canceled' | 'requires_action' | 'pending'): Obj;
  /** The status new refunds get (Stripe: `succeeded` for cards, `pending` for some methods). */
  refundStatus: 'succeeded' | 'pending' | 'requires_action' | 'failed';
  /** When set, every request is refused as Stripe refuses a bad key (401) or a restricted one (403); the message names the key, as some implementations do. */
  refuseKeys: 'authentication' | 'permission' | null;
  /** Seconds the stand-in's clock is ahead of the real one (move it with the application's clock). */
  clockOffsetSeconds: number;
  /** The stand-in's now, in Unix seconds. */
  now(): number;
  /** Makes the next `times` matching requests misbehave (see `Fault`); a `hold` answers its handle. */
  fault(method: string, path: string | RegExp, fault: Fault, times?: number): Hold;
  /** Drops every fault not used yet and releases every held answer. */
  clearFaults(): void;
  /** Creates a transfer directly at "Stripe" (as the dashboard or another system would), outside vialcart. */
  createTransferOutside(input: { amount: number; destination: string; transfer_group: string | null; metadata?: Record<string, string> }): Obj;
  /** Forgets an object, as if Stripe never had it (for reconciliation tests). */
  forget(objectId: string): void;
  /** Stripe's books: every PaymentIntent, refund, transfer and reversal it holds. */
  state(): StripeBooks;
  /** An Event of `type` about `object`, as Stripe posts it to a webhook endpoint. */
  event(type: string, object: Record<string, any>, eventId?: string): string;
  /** The current object by id (session, PaymentIntent, charge, refund, transfer), for building events. */
  object(objectId: string): Obj | undefined;
  /** The `Stripe-Signature` header for a payload, signed with the test secret (or another, to forge one). */
  sign(payload: string, options?: { secret?: string; timestamp?: number }): string;
  /** Connected accounts created through `POST /v1/accounts`, by id. */
  accounts: Map<string, Obj>;
  /** Finishes (or undoes) a connected account's onboarding as Stripe would once the pharmacy fills in its form; answers the account (for an `account.updated` event). */
  setAccountStatus(accountId: string, status: { charges_enabled: boolean; payouts_enabled: boolean }): Obj;
  /** Calls made to a path, e.g. `POST /v1/transfers`. */
  callsTo(method: string, path: string | RegExp): StripeCall[];
  close(): Promise<void>;
};

/** Starts the stand-in on a free local port. */
export async function startStripeServer(): Promise<StripeTestServer> {
  const sessions = new Map<string, Session>();
  const intents = new Map<string, Obj>();
  const charges = new Map<string, Obj>();
  const refunds = new Map<string, Obj>();
  const transfers = new Map<string, Obj>();
  const reversals = new Map<string, Obj>();
  const accounts = new Map<string, Obj>();
  const idempotent = new Map<string, { body: string; answer?: { status: number; body: unknown } }>();
  const calls: StripeCall[] = [];
  const faults: FaultRule[] = [];
  const signer = new Stripe(TEST_SECRET_KEY);

  const self = {
    refundStatus: 'succeeded' as StripeTestServer['refundStatus'],
    refuseKeys: null as StripeTestServer['refuseKeys'],
    clockOffsetSeconds: 0,
  };
  const now = () => Math.floor(Date.now() / 1000) + self.clockOffsetSeconds;

  const invalid = (message: string, param?: string, code?: string) => ({
    status: 400,
    body: { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) } },
  });

  function newTransfer(form: Record<string, any>): Obj {
    const transfer: Obj = {
      id: id('tr'), object: 'transfer', amount: Number(form.amount), amount_reversed: 0, balance_transaction: id('txn'), created: now(), currency: form.currency ?? 'usd',
      description: form.description ?? null, destination: form.destination, destination_payment: id('py'), livemode: false, metadata: form.metadata ?? {},
      reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: '' }, reversed: false,
      source_transaction: form.source_transaction ?? null, source_type: 'card', transfer_group: form.transfer_group ?? null,
    };
    transfer.reversals.url = `/v1/transfers/${transfer.id}/reversals`;
    transfers.set(transfer.id, transfer);
    return transfer;
  }

  /** A page of a list, newest first, as Stripe's list endpoints answer (`limit`, `starting_after`, `ending_before`, `created[…]`). */
  function listOf(all: Obj[], query: Record<string, any>, url: string, filter: (o: Obj) => boolean = () => true) {
    const created = query.created ?? {};
    const inRange = (o: Obj) =>
      (created.gte === undefined || o.created >= Number(created.gte)) &&
      (created.gt === undefined || o.created > Number(created.gt)) &&
      (created.lte === undefined || o.created <= Number(created.lte)) &&
      (created.lt === undefined || o.created < Number(created.lt));
    const sorted = all.filter((o) => inRange(o) && filter(o)).sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
    const limit = Math.min(100, Math.max(1, Number(query.limit ?? 10)));
    let start = 0;
    if (query.starting_after) {
      const i = sorted.findIndex((o) => o.id === query.starting_after);
      if (i < 0) return invalid(`No such object: '${query.starting_after}'`, 'starting_after', 'resource_missing');
      start = i + 1;
    }
    let end = sorted.length;
    if (query.ending_before) {
      const i = sorted.findIndex((o) => o.id === query.ending_before);
      if (i < 0) return invalid(`No such object: '${query.ending_before}'`, 'ending_before', 'resource_missing');
      end = i;
      start = Math.max(start, end - limit);
    }
    const data = sorted.slice(start, Math.min(end, start + limit));
    return { status: 200, body: { object: 'list', url, has_more: start + data.length < end, data } };
  }

  function refundableLeft(charge: Obj) {
    return charge.amount - charge.amount_refunded;
  }

  const route = (method: string, path: string, query: Record<string, any>, form: Record<string, any>): { status: number; body: unknown } => {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const expiresAt = form.expires_at === undefined ? now() + MAX_SESSION_SECONDS : Number(form.expires_at);
      // What Stripe checks: an expiry 30 minutes to 24 hours away.
      if (expiresAt < now() + MIN_SESSION_SECONDS || expiresAt > now() + MAX_SESSION_SECONDS) {
        return invalid('The `expires_at` timestamp must be at least 30 minutes and less than 24 hours from Checkout Session creation.', 'expires_at');
      }
      const amount = (form.line_items ?? []).reduce((s: number, li: any) => s + Number(li.price_data.unit_amount) * Number(li.quantity ?? 1), 0);
      const session: Session = {
        id: id('cs_test'),
        object: 'checkout.session',
        amount_subtotal: amount,
        amount_total: amount,
        cancel_url: form.cancel_url ?? null,
        client_reference_id: form.client_reference_id ?? null,
        created: now(),
        currency: 'usd',
        customer: form.customer ?? null,
        customer_email: form.customer_email ?? null,
        expires_at: expiresAt,
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
      (session as any)._payment_intent_data = form.payment_intent_data ?? {};
      sessions.set(session.id, session);
      return { status: 200, body: publicSession(session) };
    }
    if (method === 'GET' && path === '/v1/checkout/sessions') {
      return listOf([...sessions.values()].map(publicSession) as Obj[], query, '/v1/checkout/sessions', (s) => !query.status || s.status === query.status);
    }
    if ((m = path.match(/^\/v1\/checkout\/sessions\/([^/]+)$/)) && method === 'GET') {
      const s = sessions.get(m[1]!);
      return s ? { status: 200, body: publicSession(s) } : notFound('checkout.session', m[1]!);
    }
    if ((m = path.match(/^\/v1\/checkout\/sessions\/([^/]+)\/expire$/)) && method === 'POST') {
      const s = sessions.get(m[1]!);
      if (!s) return notFound('checkout.session', m[1]!);
      if (s.status !== 'open') {
        return invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".`, undefined, 'checkout_session_not_open');
      }
      s.status = 'expired';
      return { status: 200, body: publicSession(s) };
    }
    if (method === 'GET' && path === '/v1/payment_intents') {
      return listOf([...intents.values()], query, '/v1/payment_intents');
    }
    if ((m = path.match(/^\/v1\/payment_intents\/([^/]+)$/)) && method === 'GET') {
      const pi = intents.get(m[1]!);
      return pi ? { status: 200, body: pi } : notFound('payment_intent', m[1]!);
    }
    if ((m = path.match(/^\/v1\/charges\/([^/]+)$/)) && method === 'GET') {
      const ch = charges.get(m[1]!);
      return ch ? { status: 200, body: ch } : notFound('charge', m[1]!);
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = intents.get(form.payment_intent);
      if (!pi) return notFound('payment_intent', form.payment_intent);
      const charge = charges.get(pi.latest_charge);
      if (!charge || pi.status !== 'succeeded') return invalid(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, 'payment_intent', 'charge_not_refundable');
      const amount = form.amount === undefined ? refundableLeft(charge) : Number(form.amount);
      if (amount > refundableLeft(charge)) {
        return invalid(`Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(refundableLeft(charge) / 100).toFixed(2)})`, 'amount', 'amount_too_large');
      }
      const refund: Obj = {
        id: id('re'), object: 'refund', amount, balance_transaction: id('txn'), charge: charge.id, created: now(), currency: 'usd',
        metadata: form.metadata ?? {}, payment_intent: pi.id, reason: form.reason ?? null, receipt_number: null, source_transfer_reversal: null, status: self.refundStatus, transfer_reversal: null,
      };
      refunds.set(refund.id, refund);
      if (refund.status !== 'failed') charge.amount_refunded += amount;
      charge.refunded = charge.amount_refunded >= charge.amount;
      return { status: 200, body: refund };
    }
    if (method === 'GET' && path === '/v1/refunds') {
      return listOf([...refunds.values()], query, '/v1/refunds', (r) => (!query.payment_intent || r.payment_intent === query.payment_intent) && (!query.charge || r.charge === query.charge));
    }
    if ((m = path.match(/^\/v1\/refunds\/([^/]+)$/)) && method === 'GET') {
      const r = refunds.get(m[1]!);
      return r ? { status: 200, body: r } : notFound('refund', m[1]!);
    }
    if (method === 'POST' && path === '/v1/transfers') {
      if (form.source_transaction) {
        const charge = charges.get(form.source_transaction);
        if (!charge) return notFound('charge', form.source_transaction);
        const used = [...transfers.values()].filter((t) => t.source_transaction === charge.id).reduce((s, t) => s + t.amount - t.amount_reversed, 0);
        if (Number(form.amount) > charge.amount - used) return invalid('Insufficient funds in the source transaction for this transfer.', 'amount', 'insufficient_funds');
      }
      return { status: 200, body: newTransfer(form) };
    }
    if (method === 'GET' && path === '/v1/transfers') {
      return listOf([...transfers.values()], query, '/v1/transfers', (t) => !query.transfer_group || t.transfer_group === query.transfer_group);
    }
    if ((m = path.match(/^\/v1\/transfers\/([^/]+)$/)) && method === 'GET') {
      const t = transfers.get(m[1]!);
      return t ? { status: 200, body: t } : notFound('transfer', m[1]!);
    }
    if ((m = path.match(/^\/v1\/transfers\/([^/]+)\/reversals$/))) {
      const t = transfers.get(m[1]!);
      if (!t) return notFound('transfer', m[1]!);
      if (method === 'GET') return listOf(t.reversals.data, query, t.reversals.url);
      if (method !== 'POST') return unknownUrl(method, path);
      const amount = form.amount === undefined ? t.amount - t.amount_reversed : Number(form.amount);
      if (amount > t.amount - t.amount_reversed) return invalid(`Transfer ${t.id} has only ${t.amount - t.amount_reversed} left to reverse.`, 'amount', 'transfer_already_reversed');
      const reversal: Obj = {
        id: id('trr'), object: 'transfer_reversal', amount, balance_transaction: id('txn'), created: now(), currency: t.currency,
        destination_payment_refund: id('pyr'), metadata: form.metadata ?? {}, source_refund: null, transfer: t.id,
      };
      reversals.set(reversal.id, reversal);
      t.reversals.data.unshift(reversal);
      t.reversals.total_count += 1;
      t.amount_reversed += amount;
      t.reversed = t.amount_reversed >= t.amount;
      return { status: 200, body: reversal };
    }
    if (method === 'POST' && path === '/v1/accounts') {
      const type = form.type ?? 'standard';
      if (!['express', 'standard', 'custom'].includes(type)) return invalid(`Invalid type: must be one of custom, express, or standard`, 'type');
      if (form.country && !/^[A-Z]{2}$/.test(form.country)) return invalid(`Country '${form.country}' is unknown.`, 'country');
      const capabilities = Object.fromEntries(Object.entries((form.capabilities ?? {}) as Record<string, { requested?: string }>).filter(([, v]) => v?.requested === 'true').map(([k]) => [k, 'inactive']));
      const account: Obj = {
        id: id('acct'), object: 'account', type, country: form.country ?? 'US', email: form.email ?? null, business_type: form.business_type ?? null,
        business_profile: { name: form.business_profile?.name ?? null }, capabilities, charges_enabled: false, payouts_enabled: false, details_submitted: false,
        created: now(), metadata: form.metadata ?? {}, requirements: { currently_due: ['external_account', 'tos_acceptance.date'], disabled_reason: 'requirements.past_due' },
      };
      accounts.set(account.id, account);
      return { status: 200, body: account };
    }
    if ((m = path.match(/^\/v1\/accounts\/([^/]+)$/)) && method === 'GET') {
      const a = accounts.get(m[1]!);
      return a ? { status: 200, body: a } : notFound('account', m[1]!);
    }
    if (method === 'POST' && path === '/v1/account_links') {
      if (!form.account) return invalid('Missing required param: account.', 'account');
      if (!accounts.has(form.account)) return invalid(`No such account: '${form.account}'`, 'account', 'resource_missing');
      if (!['account_onboarding', 'account_update'].includes(form.type)) return invalid('Invalid type: must be one of account_onboarding or account_update', 'type');
      for (const param of ['refresh_url', 'return_url']) {
        if (form[param] && !/^https?:\/\//.test(form[param])) return invalid(`Not a valid URL`, param, 'url_invalid');
      }
      const link = { object: 'account_link', created: now(), expires_at: now() + 300, url: `https://connect.stripe.test/setup/e/${form.account}/${id('lnk')}`, _refresh_url: form.refresh_url, _return_url: form.return_url };
      const { _refresh_url: _f, _return_url: _r, ...body } = link;
      return { status: 200, body };
    }
    return unknownUrl(method, path);
  };

  /** Idempotency as Stripe keeps it: the first answer replays; the same key with other parameters is refused. */
  function answer(call: StripeCall, rawBody: string): { status: number; body: unknown; replayed?: boolean } {
    const key = call.idempotencyKey;
    if (key && call.method === 'POST') {
      const first = idempotent.get(key);
      if (first) {
        if (first.body !== rawBody) {
          return { status: 400, body: { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } } };
        }
        if (!first.answer) return { status: 409, body: { error: { type: 'idempotency_error', code: 'idempotency_key_in_use', message: 'There is currently another in-progress request using this Idempotent Key.' } } };
        return { ...first.answer, replayed: true };
      }
      idempotent.set(key, { body: rawBody });
    }
    const result = route(call.method, call.path, call.query, call.form);
    if (key && call.method === 'POST') {
      // Stripe keeps 4xx answers too; 5xx answers may be retried with the same key.
      if (result.status < 500) idempotent.get(key)!.answer = result;
      else idempotent.delete(key);
    }
    return result;
  }

  function takeFault(call: StripeCall): FaultRule | undefined {
    const i = faults.findIndex(
      (f) => f.method === call.method && (typeof f.path === 'string' ? f.path === call.path : f.path.test(call.path)) && (f.resendOf === undefined || f.resendOf === call.idempotencyKey),
    );
    if (i < 0) return undefined;
    const rule = faults[i]!;
    if (--rule.times <= 0) faults.splice(i, 1);
    return rule;
  }

  const send = (res: ServerResponse, result: { status: number; body: unknown; replayed?: boolean }) =>
    sendJson(res, result.status, result.body, { 'Request-Id': id('req'), ...(result.replayed ? { 'Idempotent-Replayed': 'true' } : {}) });
  const cut = (res: ServerResponse): void => void res.socket?.destroy();

  const server: LocalHttpServer = await startLocalHttpServer(async (req: ReceivedRequest, res) => {
    const [path, search = ''] = req.url.split('?');
    const call: StripeCall = {
      method: req.method,
      path: path!,
      query: decodeForm(search),
      idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
      form: decodeForm(req.body),
    };
    calls.push(call);
    const auth = String(req.headers.authorization ?? '');
    if (self.refuseKeys === 'authentication' || auth !== `Bearer ${TEST_SECRET_KEY}`) {
      const key = auth.replace(/^Bearer /, '');
      return sendJson(res, 401, { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${key}` } });
    }
    if (self.refuseKeys === 'permission') {
      return sendJson(res, 403, { error: { type: 'invalid_request_error', code: 'secret_key_required', message: `The provided key '${TEST_SECRET_KEY}' does not have the required permissions for this endpoint.` } });
    }
    const rule = takeFault(call);
    if (!rule) return send(res, answer(call, req.body));
    const { fault } = rule;
    // The SDK's own resend of a request whose connection was reset meets the same fate.
    if ((fault.kind === 'drop_request' || fault.kind === 'drop_response') && rule.resendOf === undefined) {
      faults.unshift({ method: call.method, path: call.path, fault, times: 1, resendOf: call.idempotencyKey });
    }
    switch (fault.kind) {
      case 'error':
        return sendJson(res, fault.status, { error: fault.error });
      case 'fail_after':
        answer(call, req.body);
        return sendJson(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred while processing this request.' } });
      case 'drop_request':
        return cut(res);
      case 'drop_response':
        answer(call, req.body);
        return cut(res);
      case 'hold': {
        const hold = rule.hold!;
        const processFirst = (fault.process ?? 'first') === 'first';
        const result = processFirst ? answer(call, req.body) : undefined;
        hold.arrivedResolve(call);
        if (fault.releaseAfterMs !== undefined) setTimeout(() => hold.release(), fault.releaseAfterMs);
        await new Promise<void>((resolve) => {
          hold.pending = resolve;
          if (hold.released) resolve();
        });
        if (res.destroyed) return;
        return send(res, result ?? answer(call, req.body));
      }
    }
  });
  const port = Number(new URL(server.url).port);

  function publicSession(s: Session) {
    const { _payment_intent_data: _p, ...rest } = s as any;
    return { ...rest };
  }

  return {
    url: server.url,
    port,
    calls,
    sessions,
    connection: { secretKey: TEST_SECRET_KEY, webhookSecret: TEST_WEBHOOK_SECRET, host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 },
    get refundStatus() {
      return self.refundStatus;
    },
    set refundStatus(v) {
      self.refundStatus = v;
    },
    get refuseKeys() {
      return self.refuseKeys;
    },
    set refuseKeys(v) {
      self.refuseKeys = v;
    },
    get clockOffsetSeconds() {
      return self.clockOffsetSeconds;
    },
    set clockOffsetSeconds(v) {
      self.clockOffsetSeconds = v;
    },
    now,
    completeSession(sessionId, paymentStatus = 'paid') {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no session ${sessionId}`);
      if (s.status !== 'open') throw new Error(`session ${sessionId} is ${s.status}, it cannot be paid`);
      const data = (s as any)._payment_intent_data ?? {};
      const charge: Obj = {
        id: id('ch'), object: 'charge', amount: s.amount_total, amount_refunded: 0, created: now(), currency: 'usd', paid: paymentStatus === 'paid',
        payment_intent: '', refunded: false, status: paymentStatus === 'paid' ? 'succeeded' : 'pending', transfer_group: data.transfer_group ?? null,
      };
      const pi: Obj = {
        id: id('pi'), object: 'payment_intent', amount: s.amount_total, amount_received: paymentStatus === 'paid' ? s.amount_total : 0, created: now(), currency: 'usd',
        latest_charge: charge.id, status: paymentStatus === 'paid' ? 'succeeded' : 'processing', transfer_group: data.transfer_group ?? null, metadata: data.metadata ?? {},
      };
      charge.payment_intent = pi.id;
      charges.set(charge.id, charge);
      intents.set(pi.id, pi);
      s.status = 'complete';
      s.payment_status = paymentStatus;
      s.payment_intent = pi.id;
      return publicSession(s) as Session;
    },
    settleAsyncPayment(sessionId, outcome) {
      const s = sessions.get(sessionId);
      if (!s?.payment_intent) throw new Error(`session ${sessionId} has no payment processing`);
      const pi = intents.get(s.payment_intent)!;
      const charge = charges.get(pi.latest_charge)!;
      if (outcome === 'succeeded') {
        pi.status = 'succeeded';
        pi.amount_received = pi.amount;
        charge.status = 'succeeded';
        charge.paid = true;
        s.payment_status = 'paid';
      } else {
        pi.status = 'requires_payment_method';
        charge.status = 'failed';
      }
      return publicSession(s) as Session;
    },
    settleRefund(refundId, status) {
      const r = refunds.get(refundId);
      if (!r) throw new Error(`no refund ${refundId}`);
      const charge = charges.get(r.charge)!;
      const counted = (st: string) => st !== 'failed' && st !== 'canceled';
      if (counted(r.status) && !counted(status)) charge.amount_refunded -= r.amount;
      if (!counted(r.status) && counted(status)) charge.amount_refunded += r.amount;
      charge.refunded = charge.amount_refunded >= charge.amount;
      r.status = status;
      if (status === 'failed') r.failure_reason = 'lost_or_stolen_card';
      return { ...r };
    },
    fault(method, path, fault, times = 1) {
      let arrivedResolve!: (c: StripeCall) => void;
      const arrived = new Promise<StripeCall>((resolve) => (arrivedResolve = resolve));
      const state: HoldState = {
        arrivedResolve,
        released: false,
        release() {
          state.released = true;
          state.pending?.();
        },
      };
      faults.push({ method, path, fault, times, hold: state });
      return {
        arrived,
        release: () => state.release(),
        get released() {
          return state.released;
        },
      };
    },
    clearFaults() {
      for (const f of faults.splice(0)) f.hold?.release();
    },
    createTransferOutside(input) {
      return newTransfer({ amount: input.amount, currency: 'usd', destination: input.destination, transfer_group: input.transfer_group, metadata: input.metadata ?? {} });
    },
    forget(objectId) {
      for (const map of [intents, charges, refunds, transfers, reversals]) map.delete(objectId);
      for (const t of transfers.values()) {
        t.reversals.data = t.reversals.data.filter((r: Obj) => r.id !== objectId);
      }
    },
    state() {
      const copy = (o: Obj) => structuredClone(o);
      return {
        paymentIntents: [...intents.values()].map(copy),
        refunds: [...refunds.values()].map(copy),
        transfers: [...transfers.values()].map(copy),
        reversals: [...reversals.values()].map(copy),
      };
    },
    event(type, object, eventId = id('evt')) {
      return JSON.stringify({ id: eventId, object: 'event', api_version: Stripe.API_VERSION, created: now(), data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type }, null, 2);
    },
    object(objectId) {
      const found = sessions.get(objectId) ?? intents.get(objectId) ?? charges.get(objectId) ?? refunds.get(objectId) ?? transfers.get(objectId) ?? reversals.get(objectId);
      if (!found) return undefined;
      return structuredClone(sessions.has(objectId) ? publicSession(found as Session) : found) as Obj;
    },
    sign(payload, options = {}) {
      return signer.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? TEST_WEBHOOK_SECRET, ...(options.timestamp ? { timestamp: options.timestamp } : {}) });
    },
    accounts,
    setAccountStatus(accountId, status) {
      const a = accounts.get(accountId);
      if (!a) throw new Error(`no account ${accountId}`);
      Object.assign(a, status, { details_submitted: status.charges_enabled || status.payouts_enabled });
      for (const key of Object.keys(a.capabilities)) a.capabilities[key] = status.payouts_enabled ? 'active' : 'inactive';
      a.requirements = status.payouts_enabled ? { currently_due: [], disabled_reason: null } : a.requirements;
      return structuredClone(a);
    },
    callsTo(method, path) {
      return calls.filter((c) => c.method === method && (typeof path === 'string' ? c.path === path : path.test(c.path)));
    },
    close: async () => {
      for (const f of faults.splice(0)) f.hold?.release();
      await server.close();
    },
  };
}

function notFound(object: string, value: string) {
  return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${object}: '${value}'`, param: 'id' } } };
}

function unknownUrl(method: string, path: string) {
  return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } } };
}
