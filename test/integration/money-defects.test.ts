/**
 * The five ways money went wrong around Stripe's calls, each replayed against the local Stripe
 * stand-in with the real SDK (docs/money.md): a cancel during a processing bank payment, a
 * transfer made while its order was being refunded (slow or lost answer), refunds that are not
 * final yet, Stripe refusing our key, and a retried payment page with a stale expiry.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as checkoutApi from '../../app/routes/api.v1.carts.current.checkout';
import * as checkoutPage from '../../app/routes/_clinic.checkouts.$id';
import * as reviewPage from '../../app/routes/_clinic.refill-day_.review';
import { cancelCheckout, checkoutCart } from '../../app/services/checkout/index.server';
import { configureLogger } from '../../app/services/platform/logger.server';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { drainJobs, pendingJobs } from '../../app/services/platform/jobs.server';
import { transferToPharmacy } from '../../app/services/payments/index.server';
import { recordPharmacyEvent } from '../../app/services/orders/index.server';
import { TECH } from '../support/checkout-fixtures';
import { capturedLogs, installTestLogger } from '../support/logs';
import { call, request, signIn } from '../support/requests';
import { TEST_SECRET_KEY } from '../support/stripe-server';
import {
  LATER,
  deliverEvent,
  ordersOf,
  paidOrderAt,
  resetCheckouts,
  setUpStripeWorld,
  startStripeCheckout,
  tearDownStripeWorld,
  threePharmacyCart,
  type StripeWorld,
} from '../support/stripe-checkout';

const db = () => getDb();
let world: StripeWorld;
let techCookie: string;

beforeAll(async () => {
  world = await setUpStripeWorld();
  techCookie = await signIn('tech@riverside.example');
});
afterAll(() => tearDownStripeWorld(world));
beforeEach(() => resetCheckouts(world));

const cartRow = (cartId: string) => db().selectFrom('carts').select(['status', 'version']).where('id', '=', cartId).executeTakeFirstOrThrow();
const checkoutStatus = async (id: string) => (await db().selectFrom('checkouts').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status as string;
const payment = (checkoutId: string) => db().selectFrom('payments').selectAll().where('checkoutId', '=', checkoutId).executeTakeFirstOrThrow();
const movement = (key: string) => db().selectFrom('paymentMovements').selectAll().where('idempotencyKey', '=', key).executeTakeFirst();
/** Runs every job, retries included (their back-off moved to now). */
const drainAll = () => drainJobs({ until: LATER() });
/** The pharmacy reports on its order through the pharmacy API's service (accepted, rejected, cancelled). */
const pharmacyEvent = (slug: string, orderId: string, type: 'accepted' | 'rejected' | 'cancelled') =>
  recordPharmacyEvent({ kind: 'pharmacy_key', keyId: 'test', pharmacyId: DEMO_IDS.pharmacy(slug) }, orderId, { eventId: `${type}-${orderId}`, type, ...(type === 'accepted' ? {} : { reason: 'cannot fill it this week' }) });

describe('a bank payment still processing cannot be cancelled or paid again', () => {
  it('refuses the cancel (page and service), keeps the cart as it is, and orders each line once when the bank confirms', async () => {
    const { cart, checkout, sessionId } = await startStripeCheckout(world);
    const processing = world.stripe.completeSession(sessionId, 'unpaid');
    await deliverEvent(world, 'checkout.session.completed', processing);

    // The checkout page says the payment is processing, and offers neither cancel nor pay.
    const page = await call(checkoutPage.loader, request(`/checkouts/${checkout.id}`, { cookie: techCookie }), { id: checkout.id });
    const shown = (await page.json()) as { checkout: { status: string; redirectUrl: string | null; paymentState?: { label: string; detail: string } } };
    expect(shown.checkout.status).toBe('processing');
    expect(shown.checkout.redirectUrl).toBeNull();

    const viaPage = await call(checkoutPage.action, request(`/checkouts/${checkout.id}`, { cookie: techCookie, form: { intent: 'cancel' } }), { id: checkout.id });
    expect(viaPage.status).toBe(409);
    expect(((await viaPage.json()) as { formError: string }).formError).toMatch(/processing/i);
    await expect(cancelCheckout(TECH, checkout.id)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'payment_processing' } });

    expect(await checkoutStatus(checkout.id)).toBe('processing');
    expect(await cartRow(cart.id)).toEqual({ status: 'checking_out', version: cart.version });
    // Paying again is refused too: no second payment page for these lines.
    const sessionsBefore = world.stripe.sessions.size;
    await expect(checkoutCart(TECH, { version: cart.version + 1 })).rejects.toMatchObject({ code: 'conflict' });
    const replay = await checkoutCart(TECH, { version: cart.version });
    expect(replay.checkout).toMatchObject({ id: checkout.id, status: 'processing', redirectUrl: null });
    expect(world.stripe.sessions.size).toBe(sessionsBefore);

    // The bank confirms: one split, each cart line ordered once.
    await deliverEvent(world, 'checkout.session.async_payment_succeeded', world.stripe.settleAsyncPayment(sessionId, 'succeeded'));
    await drainAll();
    expect(await checkoutStatus(checkout.id)).toBe('split');
    const orderLines = await db().selectFrom('orderLines').select('cartLineId').where('clinicId', '=', DEMO_IDS.riverside).execute();
    const counts = new Map<string, number>();
    for (const l of orderLines) if (l.cartLineId) counts.set(l.cartLineId, (counts.get(l.cartLineId) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(await ordersOf(checkout.id)).toHaveLength(3);
  });

  it('a cancel that finds the session completed but unpaid at Stripe (webhook not here yet) is refused the same way', async () => {
    const { cart, checkout, sessionId } = await startStripeCheckout(world);
    world.stripe.completeSession(sessionId, 'unpaid');
    await expect(cancelCheckout(TECH, checkout.id)).rejects.toMatchObject({ code: 'conflict' });
    expect(await checkoutStatus(checkout.id)).toBe('processing');
    expect(await cartRow(cart.id)).toEqual({ status: 'checking_out', version: cart.version });
    // The bank says no: now the stock goes back and the cart reopens.
    await deliverEvent(world, 'checkout.session.async_payment_failed', world.stripe.settleAsyncPayment(sessionId, 'failed'));
    expect(await checkoutStatus(checkout.id)).toBe('failed');
    expect(await cartRow(cart.id)).toEqual({ status: 'open', version: cart.version + 1 });
  });
});

describe('a transfer made while its order is refunded is reversed', () => {
  it('slow answer: the transfer lands after the cancel, and is reversed in full', async () => {
    const { order } = await paidOrderAt(world, 'pacific');
    const held = world.stripe.fault('POST', '/v1/transfers', { kind: 'hold' });
    await pharmacyEvent('pacific', order.id, 'accepted');
    const running = drainJobs(); // the transfer job, whose answer is held
    await held.arrived; // the transfer exists at Stripe; its answer is on its way
    await pharmacyEvent('pacific', order.id, 'cancelled');
    held.release();
    await running;
    await drainAll();

    const transfer = world.stripe.state().transfers.find((t) => t.metadata.orderId === order.id)!;
    expect(transfer.amount).toBe(order.totalCents - order.platformFeeCents);
    expect(transfer.amount_reversed).toBe(transfer.amount);
    const refunds = world.stripe.state().refunds.filter((r) => r.metadata.orderId === order.id);
    expect(refunds.map((r) => [r.amount, r.status])).toEqual([[order.totalCents, 'succeeded']]);
  });

  it('lost answer: the transfer made at Stripe is found by its transfer group and reversed', async () => {
    const { order } = await paidOrderAt(world, 'pacific');
    world.stripe.fault('POST', '/v1/transfers', { kind: 'drop_response' });
    await pharmacyEvent('pacific', order.id, 'accepted');
    await drainJobs(); // the transfer's answer is lost
    await pharmacyEvent('pacific', order.id, 'cancelled');
    await drainAll();

    const transfers = world.stripe.state().transfers.filter((t) => t.metadata.orderId === order.id);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]!.amount_reversed).toBe(transfers[0]!.amount);
    expect(world.stripe.state().refunds.filter((r) => r.metadata.orderId === order.id).map((r) => r.status)).toEqual(['succeeded']);
  });

  it('a transfer request that never reached Stripe is not reversed (there is nothing to reverse) and never sent after the refund', async () => {
    const { order } = await paidOrderAt(world, 'pacific');
    world.stripe.fault('POST', '/v1/transfers', { kind: 'drop_request' });
    await pharmacyEvent('pacific', order.id, 'accepted');
    await drainJobs();
    await pharmacyEvent('pacific', order.id, 'cancelled');
    await drainAll();
    await transferToPharmacy(order.id).catch(() => undefined);
    await drainAll();
    expect(world.stripe.state().transfers.filter((t) => t.metadata.orderId === order.id)).toEqual([]);
    expect(world.stripe.state().refunds.filter((r) => r.metadata.orderId === order.id).map((r) => r.status)).toEqual(['succeeded']);
  });
});

describe('only a succeeded refund is refunded', () => {
  it('a pending refund stays pending until charge.refund.updated says succeeded; duplicated and late events change nothing twice', async () => {
    const { checkout, order } = await paidOrderAt(world, 'sierra');
    world.stripe.refundStatus = 'pending';
    await pharmacyEvent('sierra', order.id, 'rejected');
    await drainAll();
    const refund = world.stripe.state().refunds.find((r) => r.metadata.orderId === order.id)!;
    expect(refund.status).toBe('pending');
    expect(await payment(checkout.id)).toMatchObject({ refundedCents: 0, status: 'succeeded' });
    expect((await movement(`refund:${order.id}`))?.status).not.toBe('succeeded');

    const pendingAgain = { ...refund };
    const settled = world.stripe.settleRefund(refund.id, 'succeeded');
    await deliverEvent(world, 'charge.refund.updated', settled);
    expect(await payment(checkout.id)).toMatchObject({ refundedCents: order.totalCents, status: 'partially_refunded' });
    expect((await movement(`refund:${order.id}`))?.status).toBe('succeeded');
    // A late "pending" and a duplicate change nothing.
    await deliverEvent(world, 'refund.updated', pendingAgain);
    await deliverEvent(world, 'charge.refund.updated', settled);
    expect(await payment(checkout.id)).toMatchObject({ refundedCents: order.totalCents });
    expect((await movement(`refund:${order.id}`))?.status).toBe('succeeded');
  });

  it('requires_action stays pending; refund.failed records the failure and nothing is refunded', async () => {
    const { checkout, order } = await paidOrderAt(world, 'greatlakes');
    world.stripe.refundStatus = 'requires_action';
    await pharmacyEvent('greatlakes', order.id, 'rejected');
    await drainAll();
    expect(await payment(checkout.id)).toMatchObject({ refundedCents: 0 });
    expect((await movement(`refund:${order.id}`))?.status).not.toBe('succeeded');
    const refund = world.stripe.state().refunds.find((r) => r.metadata.orderId === order.id)!;
    await deliverEvent(world, 'refund.failed', world.stripe.settleRefund(refund.id, 'failed'));
    expect((await movement(`refund:${order.id}`))?.status).toBe('failed');
    expect(await payment(checkout.id)).toMatchObject({ refundedCents: 0, status: 'succeeded' });
    // The clinic is owed the order's total: the ledger check says so at once.
    const broken = capturedLogs().filter((l) => l.msg === 'money ledger invariant broken');
    expect(broken.map((l) => JSON.stringify(l.violations))).toEqual([expect.stringContaining('"rule":"refunded_as_status_says"')]);
  });
});

describe('Stripe refusing our key: payments are unavailable, the cart is untouched, the key is never shown', () => {
  for (const refusal of ['authentication', 'permission'] as const) {
    it(`${refusal} error: 503 payments_unavailable through the API and the page, same cart version and lines`, async () => {
      const lines: string[] = [];
      configureLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
      try {
        const cart = await threePharmacyCart(world);
        const linesBefore = await db().selectFrom('cartLines').select(['id', 'quantity', 'offerId']).where('cartId', '=', cart.id).where('removedAt', 'is', null).orderBy('id').execute();
        world.stripe.refuseKeys = refusal;

        // A key pays in a named user's name (docs/roles.md): the clinic's manager.
        const res = await call(checkoutApi.action, request('/api/v1/carts/current/checkout', { apiKey: DEMO_API_KEYS.riverside, json: { version: cart.version, actingUserId: DEMO_IDS.user('manager@riverside.example') } }));
        const text = await res.text();
        expect(res.status).toBe(503);
        expect(JSON.parse(text)).toMatchObject({ error: { code: 'payments_unavailable', message: expect.stringMatching(/unavailable/i) } });

        const page = await call(reviewPage.action, request('/refill-day/review', { cookie: techCookie, form: { version: String(cart.version) } }));
        const pageText = await page.text();
        expect(page.status).toBe(503);
        expect(pageText).toMatch(/unavailable/i);

        expect((await cartRow(cart.id)).version).toBe(cart.version);
        expect(await db().selectFrom('cartLines').select(['id', 'quantity', 'offerId']).where('cartId', '=', cart.id).where('removedAt', 'is', null).orderBy('id').execute()).toEqual(linesBefore);

        // Stripe is back: paying the same version goes through.
        world.stripe.refuseKeys = null;
        const paid = await checkoutCart(TECH, { version: cart.version });
        expect(paid.checkout.status).toBe('awaiting_payment');

        // The key (and Stripe's raw message) appears nowhere: answers, logs, stored reasons, audit, jobs.
        const stored = JSON.stringify([
          await db().selectFrom('checkouts').select(['failureReason']).execute(),
          await db().selectFrom('auditEvents').select(['detail']).where('at', '>=', new Date(Date.now() - 60_000)).execute(),
          await pendingJobs(),
        ]);
        for (const place of [text, pageText, lines.join('\n'), stored]) {
          expect(place).not.toContain(TEST_SECRET_KEY);
          expect(place).not.toContain('Invalid API Key');
        }
      } finally {
        installTestLogger();
      }
    });
  }
});

describe('a retried payment page never reuses a stale expiry', () => {
  it('a retry 40 minutes after Stripe did not answer asks for a fresh expiry at least 30 minutes away', async () => {
    const cart = await threePharmacyCart(world);
    world.stripe.fault('POST', '/v1/checkout/sessions', { kind: 'drop_request' });
    await expect(checkoutCart(TECH, { version: cart.version })).rejects.toMatchObject({ details: { reason: expect.stringMatching(/unavailable/) } });
    const checkout = await db().selectFrom('checkouts').selectAll().where('cartId', '=', cart.id).where('cartVersion', '=', cart.version).executeTakeFirstOrThrow();

    const later = new Date(Date.now() + 40 * 60_000);
    setClock(manualClock(later));
    world.stripe.clockOffsetSeconds = 40 * 60;
    const retried = await checkoutCart(TECH, { version: cart.version });
    expect(retried.checkout).toMatchObject({ id: checkout.id, status: 'awaiting_payment' });
    const posts = world.stripe.callsTo('POST', '/v1/checkout/sessions').filter((c) => c.form.metadata?.checkoutId === checkout.id);
    const last = posts.at(-1)!;
    expect(Number(last.form.expires_at)).toBeGreaterThanOrEqual(world.stripe.now() + 30 * 60);
    expect(new Date(retried.checkout.expiresAt!).getTime()).toBe(Number(last.form.expires_at) * 1000);
  });

  it('a session whose answer was lost is expired at Stripe before a fresh one is made, so only one can be paid', async () => {
    const cart = await threePharmacyCart(world);
    world.stripe.fault('POST', '/v1/checkout/sessions', { kind: 'drop_response' });
    await expect(checkoutCart(TECH, { version: cart.version })).rejects.toMatchObject({ details: { reason: expect.stringMatching(/unavailable/) } });
    const checkout = await db().selectFrom('checkouts').selectAll().where('cartId', '=', cart.id).where('cartVersion', '=', cart.version).executeTakeFirstOrThrow();
    setClock(manualClock(new Date(Date.now() + 40 * 60_000)));
    world.stripe.clockOffsetSeconds = 40 * 60;
    const retried = await checkoutCart(TECH, { version: cart.version });
    // The clinic is sent to a page with at least 30 minutes left, and it is the only one that can be paid.
    const open = [...world.stripe.sessions.values()].filter((s) => s.metadata.checkoutId === checkout.id && s.status === 'open');
    expect(open.map((s) => s.url)).toEqual([retried.checkout.redirectUrl]);
    expect(open[0]!.expires_at).toBeGreaterThanOrEqual(world.stripe.now() + 30 * 60);
  });
});
