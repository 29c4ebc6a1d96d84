import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../../db/client';
import { formatMoney } from '../../app/lib/format';
import { demoToday } from '../support/demo-day';
import { startAppServer, type AppServer } from '../support/app-server';
import { launchBrowser, screenshot, signInAs } from '../support/browser';
import { TECH, healthyPatientsOf, readyCart, stapleOffers } from '../support/checkout-fixtures';
import { createTestDatabase } from '../support/postgres';

let server: AppServer;
let browser: Browser;
let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase('demo');
  // The cart is built through the cart service, against the database the app serves.
  process.env.DATABASE_URL = database.url;
  const patients = await healthyPatientsOf(getDb(), 'riverside', 5, demoToday());
  const offers = await stapleOffers(getDb());
  const from = (slug: string, i = 0) => offers.filter((o) => o.pharmacySlug === slug)[i]!.id;
  await readyCart(
    TECH,
    [
      { patientId: patients[0]!, offerId: from('pacific'), quantity: 2 },
      { patientId: patients[1]!, offerId: from('pacific', 1), quantity: 1 },
      { patientId: patients[2]!, offerId: from('sierra'), quantity: 3 },
      { patientId: patients[3]!, offerId: from('greatlakes'), quantity: 1 },
    ],
    TECH,
  );
  server = await startAppServer(database.url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await closeDb();
  await database?.drop();
});

const cents = (text: string | null) => Math.round(Number((text ?? '').replace(/[^0-9.-]/g, '')) * 100);

describe('review and pay on account', () => {
  it('reviews the cart per pharmacy, pays on account and shows one order per pharmacy with totals that add up', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, server.url, 'tech@riverside.example');
    await page.goto(`${server.url}/refill-day/review`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Review and pay');

    const pharmacies = ['Pacific Coast Compounding', 'Sierra Veterinary Compounding', 'Great Lakes Veterinary Compounding'];
    for (const name of pharmacies) expect(await page.getByRole('heading', { level: 2, name: new RegExp(name) }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Shipments from Sierra Veterinary Compounding' }).count()).toBe(1);
    const grand = cents(await page.locator('dt:has-text("Grand total") + dd').textContent());
    expect(grand).toBeGreaterThan(0);
    await screenshot(page, 'checkout-review');

    const pay = page.getByRole('button', { name: `Pay ${formatMoney(grand)} on account` });
    // A double click still pays once.
    await pay.dblclick();
    await page.waitForURL(/\/checkouts\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/ordered/);

    const table = page.getByRole('table', { name: /Orders of this payment/ });
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const names = (await rows.locator('th').allTextContents()).map((t) => t.trim()).sort();
    expect(names).toEqual([...pharmacies].sort());
    const totals = await rows.locator('td:last-child').allTextContents();
    expect(totals.map(cents).reduce((a, b) => a + b, 0)).toBe(grand);
    expect(cents(await table.locator('tfoot td:last-child').textContent())).toBe(grand);
    const orderHref = await rows.first().locator('th a').getAttribute('href');
    expect(orderHref).toMatch(/^\/orders\/[0-9a-f-]{36}$/);
    await screenshot(page, 'checkout-confirmation');

    // The printable invoice: number, due date, per-pharmacy amounts and statuses.
    await page.getByRole('link', { name: 'Open the printable invoice' }).click();
    await page.waitForURL(/\/invoices\//);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Invoice INV-\d{4}-\d{6}$/);
    const invoiceRows = page.getByRole('table', { name: 'Orders, one per pharmacy' }).locator('tbody tr');
    expect(await invoiceRows.count()).toBe(3);
    expect(await invoiceRows.first().textContent()).toMatch(/Queued|Pending|Submitted|Sent/i);
    await screenshot(page, 'checkout-invoice');

    const payments = await getDb().selectFrom('payments').select('amountCents').execute();
    expect(payments.filter((p) => p.amountCents === grand)).toHaveLength(1);
    await page.close();
  });
});
