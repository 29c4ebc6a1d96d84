import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import * as webhookRoute from '../../app/routes/webhooks.stripe';
import { addCartLines } from '../../app/services/cart/index.server';
import { CHECKOUT_TTL_MS, cancelCheckout, checkoutCart } from '../../app/services/checkout/index.server';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { demoToday } from '../support/demo-day';
import { DomainError } from '../../app/services/platform/errors';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { configureStripe, refundOrder, transferToPharmacy } from '../../app/services/payments/index.server';
import { recordPharmacyEvent } from '../../app/services/orders/index.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { ALVAREZ, CLEAN_SIG, TECH, emptyOpenCart, healthyPatientsOf, readyCart, stapleOffers } from '../support/checkout-fixtures';
import { call } from '../support/requests';
import { TEST_WEBHOOK_SECRET, startStripeServer, type StripeTestServer } from '../support/stripe-server';

const db = () => getDb();
const PLATFORM_FEE_PER_VIAL = 25;
let stripe: StripeTestServer;
let patients: string[];
let offers: Awaited<ReturnType<typeof stapleOffers>>;
const offerFrom = (slug: string, i = 0) => offers.filter((o) => o.pharmacySlug === slug)[i]!;

beforeAll(async () => {
  stripe = await startStripeServer();
  configureStripe(stripe.connection);
  registerAllTasks();
  patients = await healthyPatientsOf(db(), 'riverside', 40, demoToday());
  offers = await stapleOffers(db());
  await db().updateTable('clinics').set({ platformFeeCents: PLATFORM_FEE_PER_VIAL }).where('id', '=', DEMO_IDS.riverside).execute();
  await db().updateTable('pharmacies').set({ stripeAccountId: 'acct_pacific_test' }).where('id', '=', DEMO_IDS.pharmacy('pacific')).execute();
});

afterAll(async () => {
  setClock(undefined);
  configureStripe(undefined);
  await stripe?.close();
});

beforeEach(async () => {
  setClock(undefined);
  // Settle whatever an earlier test left running, so each starts from an open, empty cart.
  const active = await db().selectFrom('checkouts').select('id').where('status', 'in', ['pending', 'awaiting_payment']).execute();
  for (const c of active) await cancelCheckout(TECH, c.id).catch(() => undefined);
  await drainJobs(); // a session found paid while cancelling is split instead
  await emptyOpenCart(db(), DEMO_IDS.riverside);
});

let patientCursor = 0;
/** A cart of three pharmacies on fresh patients (so no duplicate-line warnings across tests). */
async function threePharmacyCart() {
  const p = () => patients[patientCursor++ % patients.length]!;
  return readyCart(
    TECH,
    [
      { patientId: p(), offerId: offerFrom('pacific').id, quantity: 2 },
      { patientId: p(), offerId: offerFrom('sierra').id, quantity: 3 },
      { patientId: p(), offerId: offerFrom('greatlakes').id, quantity: 1 },
    ],
    TECH,
  );
}

const pharmacyEvent = (slug: string, orderId: string, type: 'accepted' | 'rejected' | 'cancelled') =>
  recordPharmacyEvent({ kind: 'pharmacy_key', keyId: 'test', pharmacyId: DEMO_IDS.pharmacy(slug) }, orderId, { eventId: `${type}-${orderId}`, type, ...(type === 'accepted' ? {} : { reason: 'cannot compound this week' }) });

function deliver(payload: string, signature: string) {
  return call(
    webhookRoute.action,
    new Request('http://vialcart.test/webhooks/stripe', { method: 'POST', body: payload, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature } }),
  );
}

async function startStripeCheckout() {
  const cart = await threePharmacyCart();
  const { checkout } = await checkoutCart(TECH, { version: cart.version });
  const payment = await db().selectFrom('payments').selectAll().where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow();
  return { cart, checkout, sessionId: payment.stripeSessionId! };
}

/** Pays on "Stripe's page" and delivers checkout.session.completed, then runs the queued split. */
async function payAndSplit(sessionId: string) {
  const session = stripe.completeSession(sessionId);
  const payload = stripe.event('checkout.session.completed', session);
  const res = await deliver(payload, stripe.sign(payload));
  expect(res.status).toBe(200);
  await drainJobs();
  return session;
}

async function ordersOf(checkoutId: string) {
  return db().selectFrom('orders').selectAll().where('checkoutId', '=', checkoutId).orderBy('totalCents').execute();
}

describe('Stripe Checkout', () => {
  it('creates one session for the reviewed cart: a line item per pharmacy, the checkout id, the transfer group and the checkout’s idempotency key; stock is held', async () => {
    const before = await db().selectFrom('offers').select('reserved').where('id', '=', offerFrom('sierra').id).executeTakeFirstOrThrow();
    const { cart, checkout, sessionId } = await startStripeCheckout();

    expect(checkout).toMatchObject({ status: 'awaiting_payment', provider: 'stripe', redirectUrl: `https://checkout.stripe.test/c/pay/${sessionId}` });
    const posts = stripe.callsTo('POST', '/v1/checkout/sessions').filter((c) => c.form.metadata?.checkoutId === checkout.id);
    expect(posts).toHaveLength(1);
    const { form, idempotencyKey } = posts[0]!;
    expect(idempotencyKey).toBe(`checkout:${cart.id}:v${cart.version}`);
    expect(form.mode).toBe('payment');
    expect(form.payment_intent_data.transfer_group).toBe(`checkout_${checkout.id}`);
    expect(form.client_reference_id).toBe(checkout.id);
    expect(form.line_items).toHaveLength(3);
    expect(form.line_items.map((li: any) => li.price_data.product_data.name).sort()).toEqual([
      'Great Lakes Veterinary Compounding order',
      'Pacific Coast Compounding order',
      'Sierra Veterinary Compounding order',
    ]);
    expect(form.line_items.reduce((s: number, li: any) => s + Number(li.price_data.unit_amount) * Number(li.quantity), 0)).toBe(checkout.amountCents);
    expect(Number(form.expires_at)).toBeGreaterThan(Date.now() / 1000 + 30 * 60 - 5);

    const after = await db().selectFrom('offers').select('reserved').where('id', '=', offerFrom('sierra').id).executeTakeFirstOrThrow();
    expect(after.reserved).toBe(before.reserved + 3);
    expect((await db().selectFrom('carts').select('status').where('id', '=', cart.id).executeTakeFirstOrThrow()).status).toBe('checking_out');
    expect(await ordersOf(checkout.id)).toHaveLength(0);
    // The cart is frozen while it is being paid for.
    await expect(addCartLines(TECH, [{ patientId: patients[39]!, offerId: offerFrom('pacific').id, quantity: 1, sig: CLEAN_SIG, prescriberId: ALVAREZ, shipTo: 'clinic' }])).rejects.toMatchObject({ code: 'conflict' });
  });

  it('double-submitted: one session and one payment; the success URL shows status only, orders come from the webhook', async () => {
    const cart = await threePharmacyCart();
    const sessionsBefore = stripe.sessions.size;
    const [a, b] = await Promise.all([checkoutCart(TECH, { version: cart.version }), checkoutCart(TECH, { version: cart.version })]);
    expect(a.checkout.id).toBe(b.checkout.id);
    expect(a.checkout.redirectUrl).toBe(b.checkout.redirectUrl);
    expect(stripe.sessions.size).toBe(sessionsBefore + 1);
    const posts = stripe.callsTo('POST', '/v1/checkout/sessions').filter((c) => c.form.metadata?.checkoutId === a.checkout.id);
    expect(new Set(posts.map((p) => p.idempotencyKey))).toEqual(new Set([`checkout:${cart.id}:v${cart.version}`]));
    expect(await db().selectFrom('payments').select('id').where('checkoutId', '=', a.checkout.id).execute()).toHaveLength(1);
    expect(await ordersOf(a.checkout.id)).toHaveLength(0);
  });

  it('refuses a forged or stale signature with 400 and changes nothing', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    const session = stripe.completeSession(sessionId);
    const payload = stripe.event('checkout.session.completed', session);
    const forged = await deliver(payload, stripe.sign(payload, { secret: 'whsec_not_ours' }));
    const stale = await deliver(payload, stripe.sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    // Change the id's last digit to a different one, so the body always differs from what was signed.
    const otherId = checkout.id.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const tampered = await deliver(payload.replace(`"${checkout.id}"`, `"${otherId}"`), stripe.sign(payload));
    const unsigned = await call(webhookRoute.action, new Request('http://vialcart.test/webhooks/stripe', { method: 'POST', body: payload }));
    for (const res of [forged, stale, tampered, unsigned]) {
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.code).toBe('bad_request');
    }
    await drainJobs();
    expect(await db().selectFrom('processedWebhookEvents').select('eventId').where('eventId', '=', JSON.parse(payload).id).execute()).toHaveLength(0);
    expect((await db().selectFrom('checkouts').select('status').where('id', '=', checkout.id).executeTakeFirstOrThrow()).status).toBe('awaiting_payment');
    expect(await ordersOf(checkout.id)).toHaveLength(0);
    expect(TEST_WEBHOOK_SECRET).toMatch(/^whsec_/);
  });

  it('the same event delivered twice splits once, into orders that sum to the amount charged', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    const session = stripe.completeSession(sessionId);
    const payload = stripe.event('checkout.session.completed', session);
    const first = await deliver(payload, stripe.sign(payload));
    const second = await deliver(payload, stripe.sign(payload));
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await first.json()).toMatchObject({ duplicate: false, action: 'split_queued' });
    expect(await second.json()).toMatchObject({ duplicate: true });
    await drainJobs();
    await deliver(payload, stripe.sign(payload));
    await drainJobs();

    const orders = await ordersOf(checkout.id);
    expect(orders).toHaveLength(3);
    expect(orders.reduce((s, o) => s + o.totalCents, 0)).toBe(checkout.amountCents);
    expect(orders.every((o) => o.platformFeeCents > 0)).toBe(true);
    const payment = await db().selectFrom('payments').selectAll().where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ status: 'succeeded', stripePaymentIntentId: session.payment_intent, stripeSessionId: sessionId, transferGroup: `checkout_${checkout.id}` });
    const splits = await db().selectFrom('auditEvents').select('id').where('subjectId', '=', checkout.id).where('action', '=', 'checkout.split').execute();
    expect(splits).toHaveLength(1);
  });

  it('two different events for one session delivered concurrently split once', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    const session = stripe.completeSession(sessionId);
    const completed = stripe.event('checkout.session.completed', session);
    const asyncSucceeded = stripe.event('checkout.session.async_payment_succeeded', session);
    const responses = await Promise.all([deliver(completed, stripe.sign(completed)), deliver(asyncSucceeded, stripe.sign(asyncSucceeded)), deliver(completed, stripe.sign(completed))]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await drainJobs();
    expect(await ordersOf(checkout.id)).toHaveLength(3);
    expect(await db().selectFrom('auditEvents').select('id').where('subjectId', '=', checkout.id).where('action', '=', 'checkout.split').execute()).toHaveLength(1);
    expect(await db().selectFrom('orderLines').select('id').where('orderId', 'in', (await ordersOf(checkout.id)).map((o) => o.id)).execute()).toHaveLength(3);
  });

  it('a bank debit still processing holds the stock; async_payment_succeeded then splits', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    const processing = stripe.completeSession(sessionId, 'unpaid');
    const completed = stripe.event('checkout.session.completed', processing);
    expect(await (await deliver(completed, stripe.sign(completed))).json()).toMatchObject({ action: 'awaiting_async_payment' });
    await drainJobs();
    expect(await ordersOf(checkout.id)).toHaveLength(0);
    const succeeded = stripe.event('checkout.session.async_payment_succeeded', { ...processing, payment_status: 'paid' });
    await deliver(succeeded, stripe.sign(succeeded));
    await drainJobs();
    expect(await ordersOf(checkout.id)).toHaveLength(3);
  });

  it('checkout.session.expired releases the stock and reopens the cart at a new version', async () => {
    const offerId = offerFrom('sierra').id;
    const before = await db().selectFrom('offers').select(['reserved', 'stockOnHand']).where('id', '=', offerId).executeTakeFirstOrThrow();
    const { cart, checkout, sessionId } = await startStripeCheckout();
    stripe.sessions.get(sessionId)!.status = 'expired';
    const payload = stripe.event('checkout.session.expired', { ...stripe.sessions.get(sessionId)! });
    expect(await (await deliver(payload, stripe.sign(payload))).json()).toMatchObject({ action: 'released' });
    const after = await db().selectFrom('offers').select(['reserved', 'stockOnHand']).where('id', '=', offerId).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    const reopened = await db().selectFrom('carts').select(['status', 'version']).where('id', '=', cart.id).executeTakeFirstOrThrow();
    expect(reopened).toEqual({ status: 'open', version: cart.version + 1 });
    expect((await db().selectFrom('checkouts').select('status').where('id', '=', checkout.id).executeTakeFirstOrThrow()).status).toBe('expired');
    // The old version is stale now: paying needs a fresh review.
    await expect(checkoutCart(TECH, { version: cart.version + 1 })).resolves.toMatchObject({ replayed: false, checkout: { status: 'awaiting_payment' } });
  });

  it('the expiry timer closes an abandoned session at Stripe, then releases the stock', async () => {
    const { cart, checkout, sessionId } = await startStripeCheckout();
    const clock = manualClock(new Date(Date.now() + CHECKOUT_TTL_MS + 10 * 60_000));
    setClock(clock);
    await drainJobs();
    expect(stripe.callsTo('POST', `/v1/checkout/sessions/${sessionId}/expire`)).toHaveLength(1);
    expect((await db().selectFrom('checkouts').select('status').where('id', '=', checkout.id).executeTakeFirstOrThrow()).status).toBe('expired');
    expect((await db().selectFrom('stockReservations').select('status').where('checkoutId', '=', checkout.id).execute()).every((r) => r.status === 'released')).toBe(true);
    expect((await db().selectFrom('carts').select('status').where('id', '=', cart.id).executeTakeFirstOrThrow()).status).toBe('open');
  });

  it('the expiry timer finds a session paid without a webhook and splits it instead of releasing', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    stripe.completeSession(sessionId);
    setClock(manualClock(new Date(Date.now() + CHECKOUT_TTL_MS + 10 * 60_000)));
    await drainJobs();
    expect(stripe.callsTo('POST', `/v1/checkout/sessions/${sessionId}/expire`)).toHaveLength(0);
    expect((await db().selectFrom('checkouts').select('status').where('id', '=', checkout.id).executeTakeFirstOrThrow()).status).toBe('split');
    expect(await ordersOf(checkout.id)).toHaveLength(3);
  });

  it('cancelling from the payment page expires the session and gives the cart back', async () => {
    const { cart, checkout, sessionId } = await startStripeCheckout();
    const view = await cancelCheckout(TECH, checkout.id);
    expect(view.status).toBe('expired');
    expect(stripe.sessions.get(sessionId)!.status).toBe('expired');
    expect((await db().selectFrom('carts').select('status').where('id', '=', cart.id).executeTakeFirstOrThrow()).status).toBe('open');
  });
});

describe('paying pharmacies and refunds', () => {
  it('pays the pharmacy when it accepts through the pharmacy API, and only then', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    await payAndSplit(sessionId);
    const order = (await ordersOf(checkout.id)).find((o) => o.pharmacyId === DEMO_IDS.pharmacy('pacific'))!;
    const transfersFor = () => stripe.callsTo('POST', '/v1/transfers').filter((c) => c.form.metadata?.orderId === order.id);
    expect(order.status).toBe('submitted');
    expect(transfersFor()).toHaveLength(0);
    const pacific = { kind: 'pharmacy_key' as const, keyId: 'test', pharmacyId: DEMO_IDS.pharmacy('pacific') };
    await recordPharmacyEvent(pacific, order.id, { eventId: `accept-${order.id}`, type: 'accepted' });
    await recordPharmacyEvent(pacific, order.id, { eventId: `accept-${order.id}`, type: 'accepted' });
    await drainJobs();
    expect(transfersFor()).toHaveLength(1);
    expect(transfersFor()[0]).toMatchObject({ idempotencyKey: `transfer:${order.id}`, form: { amount: String(order.totalCents - order.platformFeeCents) } });
  });

  it('transfers an accepted order once: total less the platform fee, in the transfer group, from the charge, with key transfer:<order id>', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    const session = await payAndSplit(sessionId);
    const order = (await ordersOf(checkout.id)).find((o) => o.pharmacyId === DEMO_IDS.pharmacy('pacific'))!;
    // Not before the pharmacy accepts it.
    expect(await transferToPharmacy(order.id)).toEqual({ status: 'skipped', reason: 'not_accepted' });
    await pharmacyEvent('pacific', order.id, 'accepted');
    const first = await transferToPharmacy(order.id);
    const again = await transferToPharmacy(order.id);
    expect(first).toMatchObject({ status: 'succeeded', amountCents: order.totalCents - order.platformFeeCents, created: true });
    expect(again).toMatchObject({ status: 'succeeded', created: false });

    const posts = stripe.callsTo('POST', '/v1/transfers').filter((c) => c.form.metadata?.orderId === order.id);
    expect(posts).toHaveLength(1);
    const charge = stripe.callsTo('GET', `/v1/payment_intents/${session.payment_intent}`);
    expect(charge).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      idempotencyKey: `transfer:${order.id}`,
      form: {
        amount: String(order.totalCents - order.platformFeeCents),
        currency: 'usd',
        destination: 'acct_pacific_test',
        transfer_group: `checkout_${checkout.id}`,
        source_transaction: expect.stringMatching(/^ch_/),
        metadata: { orderId: order.id, checkoutId: checkout.id, movement: `transfer:${order.id}` },
      },
    });
    // The job the acceptance queued finds the transfer made: nothing is sent twice.
    await drainJobs();
    expect(stripe.callsTo('POST', '/v1/transfers').filter((c) => c.form.metadata?.orderId === order.id)).toHaveLength(1);
    // A pharmacy without a connected account is paid outside Stripe.
    const sierra = (await ordersOf(checkout.id)).find((o) => o.pharmacyId === DEMO_IDS.pharmacy('sierra'))!;
    expect(await transferToPharmacy(sierra.id)).toEqual({ status: 'skipped', reason: 'no_connected_account' });
  });

  it('refunds a rejected order with a partial Refund (key refund:<order id>) once, and records charge.refunded', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    const session = await payAndSplit(sessionId);
    const order = (await ordersOf(checkout.id)).find((o) => o.pharmacyId === DEMO_IDS.pharmacy('sierra'))!;
    await pharmacyEvent('sierra', order.id, 'rejected');
    // Asked again: the first refund, nothing new.
    const again = await db().transaction().execute((tx) => refundOrder(tx, order.id, 'rejected: cannot compound this week'));
    expect(again).toMatchObject({ kind: 'refund', status: 'pending', amountCents: order.totalCents, created: false });
    await drainJobs();
    const refunds = stripe.callsTo('POST', '/v1/refunds').filter((c) => c.form.metadata?.orderId === order.id);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ idempotencyKey: `refund:${order.id}`, form: { amount: String(order.totalCents), payment_intent: session.payment_intent } });
    let payment = await db().selectFrom('payments').selectAll().where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ refundedCents: order.totalCents, status: 'partially_refunded' });

    const charge = { id: payment.stripeChargeId ?? 'ch_unknown', object: 'charge', amount: checkout.amountCents, amount_refunded: order.totalCents, payment_intent: session.payment_intent, refunded: false };
    const payload = stripe.event('charge.refunded', charge);
    expect(await (await deliver(payload, stripe.sign(payload))).json()).toMatchObject({ action: 'refund_recorded' });
    payment = await db().selectFrom('payments').selectAll().where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow();
    expect(payment.refundedCents).toBe(order.totalCents);
  });

  it('an order cancelled after its pharmacy was paid is refunded and its transfer reversed', async () => {
    const { checkout, sessionId } = await startStripeCheckout();
    await payAndSplit(sessionId);
    const order = (await ordersOf(checkout.id)).find((o) => o.pharmacyId === DEMO_IDS.pharmacy('pacific'))!;
    await pharmacyEvent('pacific', order.id, 'accepted');
    const transfer = await transferToPharmacy(order.id);
    expect(transfer.status).toBe('succeeded');
    await pharmacyEvent('pacific', order.id, 'cancelled');
    expect(await db().selectFrom('paymentMovements').select('status').where('idempotencyKey', '=', `transfer_reversal:${order.id}`).executeTakeFirst()).toEqual({ status: 'pending' });
    await drainJobs();
    const transferId = transfer.status === 'succeeded' ? transfer.transferId : '';
    const reversals = stripe.callsTo('POST', `/v1/transfers/${transferId}/reversals`);
    expect(reversals).toHaveLength(1);
    expect(reversals[0]).toMatchObject({ idempotencyKey: `transfer_reversal:${order.id}`, form: { amount: String(order.totalCents - order.platformFeeCents) } });
    // A refunded order is never transferred again.
    expect(await transferToPharmacy(order.id)).toEqual({ status: 'skipped', reason: 'refunded' });
    expect(stripe.callsTo('POST', '/v1/transfers').filter((c) => c.form.metadata?.orderId === order.id)).toHaveLength(1);
    const other = (await ordersOf(checkout.id)).find((o) => o.pharmacyId === DEMO_IDS.pharmacy('greatlakes'))!;
    await pharmacyEvent('greatlakes', other.id, 'rejected');
    await db().updateTable('pharmacies').set({ stripeAccountId: 'acct_greatlakes_test' }).where('id', '=', DEMO_IDS.pharmacy('greatlakes')).execute();
    expect(await transferToPharmacy(other.id)).toEqual({ status: 'skipped', reason: 'refunded' });
    await db().updateTable('pharmacies').set({ stripeAccountId: null }).where('id', '=', DEMO_IDS.pharmacy('greatlakes')).execute();
  });

  it('when Stripe does not answer, the stock stays held and paying again picks the same checkout up', async () => {
    const cart = await threePharmacyCart();
    configureStripe({ ...stripe.connection, port: 9 }); // nothing listens there
    const error = await checkoutCart(TECH, { version: cart.version }).catch((e: unknown) => e);
    configureStripe(stripe.connection);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'payments_unavailable', details: { reason: 'payments_unavailable' } });
    const retried = await checkoutCart(TECH, { version: cart.version });
    expect(retried).toMatchObject({ replayed: true, checkout: { status: 'awaiting_payment', redirectUrl: expect.stringContaining('checkout.stripe.test') } });
  });
});
