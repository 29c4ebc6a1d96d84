/**
 * A pharmacy with an order API, for integration tests and the routing benchmark: a real HTTP
 * server that receives `vialcart.order.v1` documents, checks their `Vialcart-Signature`,
 * creates each order once per `Idempotency-Key`, and answers through the pharmacy API with
 * status events. Faults are switched on per simulator: HTTP 500s, hanging requests (the
 * sender's timeout), slow answers, duplicate and out-of-order callbacks.
 *
 * Endpoint per pharmacy: `<url>/pharmacies/<slug>/orders`, signed with that pharmacy's secret.
 */
import { verifySignature } from '../../pharmacies/signature';
import type { OrderDocumentV1 } from '../../pharmacies/types';
import { sendJson, startLocalHttpServer, type LocalHttpServer } from './local-http-server';

/** A status event as the simulator posts it to the pharmacy API. */
export type SimulatedEvent = {
  eventId: string;
  type: 'accepted' | 'rejected' | 'compounding' | 'shipped' | 'delivered' | 'cancelled';
  reason?: string;
  carrier?: string;
  trackingNumber?: string;
  expectedDelivery?: string;
};

/** Sends one event for an order to vialcart and returns the answer. */
export type EventSender = (orderId: string, slug: string, event: SimulatedEvent) => Promise<{ status: number; body: unknown }>;

/** What happens to one incoming delivery. */
export type Fault = 'ok' | 'error' | 'hang' | 'slow';

export type SimulatorOptions = {
  /** Signing secret per pharmacy slug (the pharmacies' `webhook_secret`). */
  secrets: Record<string, string>;
  /** The first N deliveries (counting every POST) answer HTTP 500. */
  failFirst?: number;
  /** Each delivery fails with HTTP 500 with this probability (seeded, so runs repeat). */
  failRate?: number;
  /** The first N deliveries are never answered (the sender times out). */
  hangFirst?: number;
  /** Every answer waits this long (slow pharmacy). */
  delayMs?: number;
  /** Decides each delivery's fate by its position (0-based), overriding the options above. */
  faultFor?: (index: number, orderId: string) => Fault;
  /** Seed of `failRate`'s generator. */
  seed?: number;
  /** Events to post back after a new order is created, in this order; nothing when omitted. */
  flow?: SimulatedEvent['type'][];
  /** How to post events (to a running app over HTTP, or to the route's action in-process). */
  sendEvent?: EventSender;
  /** Post every event twice. */
  duplicateCallbacks?: boolean;
  /** Post the flow's events in reverse order. */
  outOfOrderCallbacks?: boolean;
  /** Clock of the signature check (the app's injectable clock in tests). */
  now?: () => Date;
};

/** One order the simulated pharmacy holds. */
export type SimulatedOrder = {
  orderId: string;
  slug: string;
  document: OrderDocumentV1;
  /** POSTs received with this Idempotency-Key (retries after lost answers included). */
  posts: number;
  /** POSTs of this key answered 2xx: more than one means the sender delivered it twice. */
  acknowledged: number;
};

export type PharmacySimulator = {
  url: string;
  endpointFor(slug: string): string;
  /** Orders by id, each created once. */
  orders: Map<string, SimulatedOrder>;
  /** Counters of everything received. */
  stats: { posts: number; badSignatures: number; failed: number; hung: number; callbacks: number; testOrders: number };
  /** Test orders received (`test: true`), answered and never filled. */
  testOrders: OrderDocumentV1[];
  /** Answers of every callback posted, in order. */
  callbackResults: { orderId: string; event: SimulatedEvent; status: number; body: unknown }[];
  /** Resolves when every callback started so far has been answered. */
  idle(): Promise<void>;
  /** Changes fault options while running (e.g. a pharmacy that recovers). */
  configure(options: Partial<SimulatorOptions>): void;
  close(): Promise<void>;
};

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events of a flow with the fields each needs (tracking for shipped, reason for rejected). */
export function eventsFor(orderId: string, flow: SimulatedEvent['type'][]): SimulatedEvent[] {
  return flow.map((type) => ({
    eventId: `sim-${orderId}-${type}`,
    type,
    ...(type === 'shipped' ? { carrier: 'UPS', trackingNumber: `1Z${orderId.replace(/\W/g, '').slice(0, 16).toUpperCase()}`, expectedDelivery: '2031-01-10' } : {}),
    ...(type === 'rejected' ? { reason: 'Out of stock' } : {}),
  }));
}

/** Posts events to a running vialcart over HTTP with a pharmacy API key per slug. */
export function httpEventSender(baseUrl: string, keyFor: (slug: string) => string): EventSender {
  return async (orderId, slug, event) => {
    const res = await fetch(`${baseUrl}/api/pharmacy/v1/orders/${orderId}/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${keyFor(slug)}` },
      body: JSON.stringify(event),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
}

export async function startPharmacySimulator(initial: SimulatorOptions): Promise<PharmacySimulator> {
  let options = { ...initial };
  let random = mulberry32(options.seed ?? 7);
  const orders = new Map<string, SimulatedOrder>();
  const stats = { posts: 0, badSignatures: 0, failed: 0, hung: 0, callbacks: 0, testOrders: 0 };
  const testOrders: OrderDocumentV1[] = [];
  const callbackResults: PharmacySimulator['callbackResults'] = [];
  const pending = new Set<Promise<void>>();

  const faultOf = (index: number, orderId: string): Fault => {
    if (options.faultFor) return options.faultFor(index, orderId);
    if (index < (options.hangFirst ?? 0)) return 'hang';
    if (index < (options.hangFirst ?? 0) + (options.failFirst ?? 0)) return 'error';
    if (options.failRate && random() < options.failRate) return 'error';
    return options.delayMs ? 'slow' : 'ok';
  };

  const postBack = (order: SimulatedOrder) => {
    if (!options.flow?.length || !options.sendEvent) return;
    const send = options.sendEvent;
    let events = eventsFor(order.orderId, options.flow);
    if (options.outOfOrderCallbacks) events = [...events].reverse();
    if (options.duplicateCallbacks) events = events.flatMap((e) => [e, e]);
    // After the answer has gone out: a pharmacy that called back before answering would wait
    // on the order row the sender holds until its own answer arrives.
    const run = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const event of events) {
        stats.callbacks += 1;
        const answer = await send(order.orderId, order.slug, event);
        callbackResults.push({ orderId: order.orderId, event, ...answer });
      }
    })();
    pending.add(run);
    void run.finally(() => pending.delete(run));
  };

  const server: LocalHttpServer = await startLocalHttpServer(async (req, res) => {
    const match = /^\/pharmacies\/([\w-]+)\/orders$/.exec(req.url);
    if (req.method !== 'POST' || !match) return sendJson(res, 404, { error: 'no such endpoint' });
    const slug = match[1]!;
    const secret = options.secrets[slug];
    const nowSeconds = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
    const signature = req.headers['vialcart-signature'];
    const check = secret ? verifySignature(secret, req.body, typeof signature === 'string' ? signature : null, { nowSeconds }) : { ok: false as const, reason: 'missing' };
    if (!check.ok) {
      stats.badSignatures += 1;
      return sendJson(res, 401, { error: `bad signature: ${check.reason}` });
    }
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return sendJson(res, 400, { error: 'Idempotency-Key is required' });
    const document = JSON.parse(req.body) as OrderDocumentV1;
    if (document.test === true) {
      // A test order from onboarding: checked, answered, never filled or called back about.
      stats.testOrders += 1;
      testOrders.push(document);
      return sendJson(res, 200, { received: true, test: true, orderId: key, lines: document.lines.length });
    }
    const index = stats.posts;
    stats.posts += 1;
    // The order is on file as soon as its body has arrived, whatever happens to the answer.
    let order = orders.get(key);
    const isNew = !order;
    if (!order) {
      order = { orderId: key, slug, document, posts: 0, acknowledged: 0 };
      orders.set(key, order);
    }
    order.posts += 1;
    const fault = faultOf(index, key);
    if (fault === 'hang') {
      stats.hung += 1;
      return; // never answered; the connection is dropped on close
    }
    if (fault === 'error') {
      stats.failed += 1;
      // A failing pharmacy that never stored it: the next POST creates it.
      if (isNew) orders.delete(key);
      return sendJson(res, 500, { error: 'simulated outage' });
    }
    if (fault === 'slow' && options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    order.acknowledged += 1;
    sendJson(res, isNew ? 201 : 200, { received: true, orderId: key, duplicate: !isNew });
    if (isNew || order.acknowledged === 1) postBack(order);
  });

  return {
    url: server.url,
    endpointFor: (slug) => `${server.url}/pharmacies/${slug}/orders`,
    orders,
    stats,
    testOrders,
    callbackResults,
    async idle() {
      while (pending.size) await Promise.all([...pending]);
    },
    configure(next) {
      options = { ...options, ...next };
      if (next.seed !== undefined) random = mulberry32(next.seed);
    },
    close: () => server.close(),
  };
}
