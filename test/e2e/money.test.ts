/**
 * The money pages in the browser, with the app pointed at the local Stripe stand-in only through
 * its environment (`STRIPE_API_BASE`, docs/money.md): the clinic watches a bank payment process
 * (no way to cancel or pay again), then reads the checkout's ledger and an order's money; the
 * admin finds the checkout on /admin/money, drills into its ledger and reconciles with Stripe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import { formatMoney } from '../../app/lib/format';
import { recordPharmacyEvent } from '../../app/services/orders/index.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { startAppServer, type AppServer } from '../support/app-server';
import { launchBrowser, screenshot, signInAs, waitForHydration } from '../support/browser';
import { createTestDatabase } from '../support/postgres';
import { LATER, deliverEvent, ordersOf, setUpStripeWorld, startStripeCheckout, tearDownStripeWorld, type StripeWorld } from '../support/stripe-checkout';
import { TEST_SECRET_KEY, TEST_WEBHOOK_SECRET } from '../support/stripe-server';

let server: AppServer;
let browser: Browser;
let world: StripeWorld;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let checkoutId: string;
let sessionId: string;

beforeAll(async () => {
  database = await createTestDatabase('demo');
  // The checkout is made and paid through the services and the webhook route, against the database the app serves.
  process.env.DATABASE_URL = database.url;
  world = await setUpStripeWorld({ patients: 6 });
  const started = await startStripeCheckout(world);
  checkoutId = started.checkout.id;
  sessionId = started.sessionId;
  // The clinic paid by bank debit: Stripe's page is done, the money is not there yet.
  await deliverEvent(world, 'checkout.session.completed', world.stripe.completeSession(sessionId, 'unpaid'));
  server = await startAppServer(database.url, { STRIPE_SECRET_KEY: TEST_SECRET_KEY, STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, STRIPE_API_BASE: world.stripe.url });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await tearDownStripeWorld(world);
  await closeDb();
  await database?.drop();
});

const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const cents = (text: string | null) => Math.round(Number((text ?? '').replace(/[^0-9.-]/g, '')) * 100);

describe('money in the browser', () => {
  it('shows a processing bank payment without a way to cancel it, then the paid checkout’s ledger and an order’s money', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, server.url, 'tech@riverside.example');

    // The review page points at the payment in progress; the payment page says what is happening.
    await page.goto(`${server.url}/refill-day/review`);
    await waitForHydration(page);
    await page.getByRole('link', { name: 'See the payment' }).click();
    await page.waitForURL(new RegExp(`/checkouts/${checkoutId}$`));
    await expect.poll(() => page.getByRole('heading', { level: 2, name: 'Your bank payment is processing' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Cancel and change the cart' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Continue to payment' }).count()).toBe(0);
    const processing = page.getByRole('table', { name: 'Every money movement of this payment' });
    await expect.poll(() => processing.locator('tbody tr', { hasText: 'Payment' }).first().textContent()).toMatch(/Pending/);
    await screenshot(page, 'money-bank-payment-processing');

    // The bank confirms; the pharmacies answer: Pacific accepts (paid to it), Sierra rejects (refunded).
    await deliverEvent(world, 'checkout.session.async_payment_succeeded', world.stripe.settleAsyncPayment(sessionId, 'succeeded'));
    // The app's own worker may take the split job first: wait for the orders either way.
    await drainJobs();
    await expect.poll(async () => (await ordersOf(checkoutId)).length, { timeout: 20_000 }).toBe(3);
    const orders = await ordersOf(checkoutId);
    const pacific = orders.find((o) => o.pharmacyId === DEMO_IDS.pharmacy('pacific'))!;
    const sierra = orders.find((o) => o.pharmacyId === DEMO_IDS.pharmacy('sierra'))!;
    const answer = (slug: string, orderId: string, type: 'accepted' | 'rejected') =>
      recordPharmacyEvent({ kind: 'pharmacy_key', keyId: 'e2e', pharmacyId: DEMO_IDS.pharmacy(slug) }, orderId, { eventId: `${type}-${orderId}`, type, ...(type === 'rejected' ? { reason: 'out of base' } : {}) });
    await answer('pacific', pacific.id, 'accepted');
    await answer('sierra', sierra.id, 'rejected');
    await drainJobs({ until: LATER() });
    const settled = () => getDb().selectFrom('paymentMovements').select('id').where('checkoutId', '=', checkoutId).where('kind', 'in', ['transfer', 'refund']).where('status', '=', 'succeeded').execute();
    await expect.poll(async () => (await settled()).length, { timeout: 20_000 }).toBe(2);

    // The page updates by itself into the thank-you page with its ledger.
    await expect.poll(() => h1(page), { timeout: 15_000 }).toMatch(/ordered/);
    const ledger = page.getByRole('table', { name: 'Every money movement of this payment' });
    const row = (label: string) => ledger.locator('tbody tr', { hasText: label });
    await expect.poll(() => row('Paid to the pharmacy').count()).toBe(1);
    expect(await row('Refund to the clinic').count()).toBe(1);
    expect(await row('Refund to the clinic').textContent()).toContain(formatMoney(sierra.totalCents));
    expect(await row('Paid to the pharmacy').textContent()).toContain(formatMoney(pacific.totalCents - pacific.platformFeeCents));
    await screenshot(page, 'money-checkout-ledger');

    // The refunded order shows what was paid, refunded and passed to its pharmacy.
    await page.getByRole('table', { name: /Orders of this payment/ }).getByRole('link', { name: 'Sierra Veterinary Compounding' }).click();
    await page.waitForURL(new RegExp(`/orders/${sierra.id}$`));
    const money = page.locator('section[aria-labelledby="money-heading"]');
    await expect.poll(() => money.count()).toBe(1);
    const value = (term: string) => money.locator(`dt:has-text("${term}") + dd`).first().textContent();
    expect(cents(await value('Paid'))).toBe(sierra.totalCents);
    expect(cents(await value('Refunded'))).toBe(sierra.totalCents);
    // Refunded in full: nothing went to the pharmacy, and the platform fee was given back.
    expect(cents(await value('Passed to the pharmacy'))).toBe(0);
    expect(cents(await value('platform fee'))).toBe(0);
    await screenshot(page, 'money-order-refunded');
    await page.close();
  });

  it('lets the admin find the checkout on /admin/money, read its ledger with Stripe ids, and reconcile with Stripe', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, server.url, 'admin@vialcart.example');
    await waitForHydration(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Money' }).click();
    await page.waitForURL(/\/admin\/money$/);
    await expect.poll(() => h1(page)).toMatch(/Money/);
    const list = page.getByRole('table', { name: /^Checkouts/ });
    await expect.poll(() => list.locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'money-admin-list');

    await list.locator(`a[href="/admin/money/${checkoutId}"]`).click();
    await page.waitForURL(new RegExp(`/admin/money/${checkoutId}$`));
    const movements = page.getByRole('table', { name: 'Every money movement of this checkout, as it stands' });
    await expect.poll(() => movements.locator('tbody tr').count()).toBeGreaterThan(3);
    const text = (await movements.textContent()) ?? '';
    for (const prefix of ['pi_', 'tr_', 're_']) expect(text).toContain(prefix);
    expect(await page.getByRole('alert').count()).toBe(0); // no broken invariant
    expect(await page.getByRole('table', { name: /History/ }).locator('tbody tr').count()).toBeGreaterThan(3);
    await screenshot(page, 'money-admin-checkout');

    // Reconcile now: the running app reaches the stand-in through STRIPE_API_BASE alone.
    await page.getByRole('link', { name: 'All checkouts' }).click();
    await page.waitForURL(/\/admin\/money$/);
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Reconcile now' }).click();
    await expect.poll(() => page.getByText('The ledger and Stripe agree for the period.').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // The page reloads its runs: the one just made, without differences.
    await expect.poll(() => page.getByText('no differences').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByText('No reconciliation has run yet.').count()).toBe(0);
    expect(world.stripe.calls.some((c) => c.method === 'GET' && c.path === '/v1/payment_intents')).toBe(true);
    await screenshot(page, 'money-admin-reconciled');
    await page.close();
  });
});
