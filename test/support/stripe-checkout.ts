/**
 * Checkouts paid through the local Stripe stand-in, as the Stripe integration tests drive them:
 * a cart of three pharmacies on fresh patients, the payment page created, Stripe's page "paid",
 * signed webhook deliveries through the real route, and the queued jobs run.
 */
import { expect } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import * as webhookRoute from '../../app/routes/webhooks.stripe';
import { cancelCheckout, checkoutCart } from '../../app/services/checkout/index.server';
import { configureStripe } from '../../app/services/payments/index.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { setClock } from '../../app/services/platform/clock.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { TECH, emptyOpenCart, healthyPatientsOf, readyCart, stapleOffers } from './checkout-fixtures';
import { demoToday } from './demo-day';
import { call } from './requests';
import { startStripeServer, type StripeTestServer } from './stripe-server';

export const PLATFORM_FEE_PER_VIAL = 25;
/** Far enough ahead that every retry's back-off has passed. */
export const LATER = () => new Date(Date.now() + 7 * 24 * 3600_000);

/** A Stripe world for one test file: the stand-in, Riverside's patients and staple offers, a platform fee, Pacific connected. */
export type StripeWorld = {
  stripe: StripeTestServer;
  patients: string[];
  offers: Awaited<ReturnType<typeof stapleOffers>>;
  offerFrom(slug: string, i?: number): { id: string; unitPriceCents: number; pharmacySlug: string; medicationId: string };
};

export async function setUpStripeWorld(options: { patients?: number } = {}): Promise<StripeWorld> {
  const db = getDb();
  const stripe = await startStripeServer();
  configureStripe(stripe.connection);
  registerAllTasks();
  const patients = await healthyPatientsOf(db, 'riverside', options.patients ?? 40, demoToday());
  const offers = await stapleOffers(db);
  await db.updateTable('clinics').set({ platformFeeCents: PLATFORM_FEE_PER_VIAL }).where('id', '=', DEMO_IDS.riverside).execute();
  await db.updateTable('pharmacies').set({ stripeAccountId: 'acct_pacific_test' }).where('id', '=', DEMO_IDS.pharmacy('pacific')).execute();
  return { stripe, patients, offers, offerFrom: (slug, i = 0) => offers.filter((o) => o.pharmacySlug === slug)[i]! };
}

export async function tearDownStripeWorld(world: StripeWorld | undefined): Promise<void> {
  setClock(undefined);
  configureStripe(undefined);
  await world?.stripe.close();
}

/** Settles whatever an earlier test left running, so the next starts from an open, empty cart. */
export async function resetCheckouts(world: StripeWorld): Promise<void> {
  setClock(undefined);
  world.stripe.clearFaults();
  world.stripe.refuseKeys = null;
  world.stripe.refundStatus = 'succeeded';
  world.stripe.clockOffsetSeconds = 0;
  const db = getDb();
  const active = await db.selectFrom('checkouts').select(['id', 'status']).where('status', 'in', ['pending', 'awaiting_payment', 'processing' as never]).execute();
  for (const c of active) {
    // A processing bank payment cannot be cancelled: end it as its bank would.
    if (c.status === ('processing' as never)) {
      const payment = await db.selectFrom('payments').select('stripeSessionId').where('checkoutId', '=', c.id).executeTakeFirst();
      if (payment?.stripeSessionId) {
        const failed = world.stripe.settleAsyncPayment(payment.stripeSessionId, 'failed');
        await deliverEvent(world, 'checkout.session.async_payment_failed', failed);
      }
    }
    await cancelCheckout(TECH, c.id).catch(() => undefined);
  }
  await drainJobs(); // a session found paid while cancelling is split instead
  await emptyOpenCart(db, DEMO_IDS.riverside);
}

let patientCursor = 0;
/** A cart of three pharmacies on fresh patients (so no duplicate-line warnings across tests). */
export async function threePharmacyCart(world: StripeWorld) {
  const p = () => world.patients[patientCursor++ % world.patients.length]!;
  return readyCart(
    TECH,
    [
      { patientId: p(), offerId: world.offerFrom('pacific').id, quantity: 2 },
      { patientId: p(), offerId: world.offerFrom('sierra').id, quantity: 3 },
      { patientId: p(), offerId: world.offerFrom('greatlakes').id, quantity: 1 },
    ],
    TECH,
  );
}

/** Posts a payload to `POST /webhooks/stripe` as Stripe would, with its signature (or the one given). */
export function deliver(payload: string, signature: string) {
  return call(
    webhookRoute.action,
    new Request('http://vialcart.test/webhooks/stripe', { method: 'POST', body: payload, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature } }),
  );
}

/** Builds, signs and delivers an event; answers the route's JSON. */
export async function deliverEvent(world: StripeWorld, type: string, object: Record<string, any>, eventId?: string) {
  const payload = world.stripe.event(type, object, eventId);
  const res = await deliver(payload, world.stripe.sign(payload));
  expect(res.status).toBe(200);
  return (await res.json()) as { action: string; duplicate: boolean; eventId: string };
}

export async function startStripeCheckout(world: StripeWorld) {
  const cart = await threePharmacyCart(world);
  const { checkout } = await checkoutCart(TECH, { version: cart.version });
  const payment = await getDb().selectFrom('payments').selectAll().where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow();
  return { cart, checkout, sessionId: payment.stripeSessionId! };
}

/** Pays on "Stripe's page" and delivers checkout.session.completed, then runs the queued split. */
export async function payAndSplit(world: StripeWorld, sessionId: string) {
  const session = world.stripe.completeSession(sessionId);
  await deliverEvent(world, 'checkout.session.completed', session);
  await drainJobs();
  return session;
}

export async function ordersOf(checkoutId: string) {
  return getDb().selectFrom('orders').selectAll().where('checkoutId', '=', checkoutId).orderBy('totalCents').execute();
}

/** A paid, split checkout and its order at `pharmacy`. */
export async function paidOrderAt(world: StripeWorld, pharmacy: 'pacific' | 'sierra' | 'greatlakes') {
  const { checkout, sessionId, cart } = await startStripeCheckout(world);
  const session = await payAndSplit(world, sessionId);
  const order = (await ordersOf(checkout.id)).find((o) => o.pharmacyId === DEMO_IDS.pharmacy(pharmacy))!;
  return { checkout, session, order, cart };
}
