import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../db/seed';
import { screenshot, signInAs } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { createPendingOrders } from '../support/routing-fixtures';

let orderIds: string[];

const app = setUpBrowserApp({
  // Two paid orders for the portal pharmacy, queued as checkout leaves them; the app's worker delivers them.
  prepare: async (db) => {
    orderIds = await createPendingOrders(db, { pharmacySlug: 'pacific', count: 2 });
  },
});

async function statusOf(id: string) {
  return (await app.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
}

describe('the pharmacy portal and the clinic’s order page', () => {
  it('a pharmacist accepts and ships with tracking; the clinic sees the tracking link', async () => {
    await expect.poll(() => statusOf(orderIds[0]!), { timeout: 20_000 }).toBe('submitted');
    const pharmacy = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(pharmacy, app.server.url, 'pharmacist@pacific.example');
    await pharmacy.goto(`${app.server.url}/pharmacy`);
    expect(await pharmacy.getByRole('link', { name: /^New \(\d+\)$/ }).getAttribute('aria-current')).toBe('page');
    await pharmacy.getByRole('link', { name: orderIds[0]!.slice(0, 8) }).click();
    await pharmacy.waitForURL(new RegExp(`/pharmacy/orders/${orderIds[0]}$`));
    await expect.poll(() => pharmacy.getByRole('heading', { level: 1 }).textContent()).toBe(`Order ${orderIds[0]!.slice(0, 8)}`);
    // What a pharmacist fills from: patient, species, SIG, licence and DEA numbers, clinic.
    const body = (await pharmacy.locator('main').textContent()) ?? '';
    expect(body).toMatch(/Licence CA VET/);
    expect(body).toMatch(/DEA (BA|BC)\d{7}|DEA none on file/);
    expect(body).toContain('Riverside Veterinary Hospital');

    await pharmacy.getByRole('button', { name: 'Accept order' }).click();
    await expect.poll(() => pharmacy.getByRole('heading', { level: 1 }).locator('..').textContent()).toContain('Accepted');
    // Shipping without a tracking number names the field and keeps the carrier.
    await pharmacy.getByLabel('Carrier').selectOption('UPS');
    await pharmacy.getByRole('button', { name: 'Mark shipped' }).click();
    await expect.poll(() => pharmacy.getByText('Enter the tracking number.').count()).toBe(1);
    await pharmacy.getByLabel('Tracking number').fill('1Z999AA10123456784');
    await pharmacy.getByRole('button', { name: 'Mark shipped' }).click();
    await expect.poll(() => statusOf(orderIds[0]!)).toBe('shipped');
    await screenshot(pharmacy, 'pharmacy-order-shipped');

    await pharmacy.getByRole('link', { name: 'Packing slip' }).first().click();
    await expect.poll(() => pharmacy.getByRole('heading', { level: 1 }).textContent()).toBe('Packing slip');
    await pharmacy.close();

    const clinic = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(clinic, app.server.url, 'tech@riverside.example');
    await clinic.goto(`${app.server.url}/orders`);
    await expect.poll(() => clinic.getByRole('link', { name: 'UPS 1Z999AA10123456784' }).count()).toBe(1);
    await clinic.getByRole('link', { name: 'UPS 1Z999AA10123456784' }).locator('xpath=ancestor::tr').getByRole('link', { name: 'Pacific Coast Compounding' }).click();
    await clinic.waitForURL(new RegExp(`/orders/${orderIds[0]}$`));
    await expect.poll(() => clinic.getByRole('heading', { level: 1 }).textContent()).toBe('Pacific Coast Compounding order');
    const link = clinic.getByRole('link', { name: '1Z999AA10123456784' });
    expect(await link.getAttribute('href')).toBe('https://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784');
    expect(await clinic.getByRole('region', { name: /Lines by patient/ }).getByRole('link', { name: 'Track with UPS' }).count()).toBeGreaterThan(0);
    await screenshot(clinic, 'clinic-order-shipped');
    await clinic.close();
  });

  it('a rejection with a reason puts the order’s lines back in the clinic’s cart with that reason', async () => {
    await expect.poll(() => statusOf(orderIds[1]!), { timeout: 20_000 }).toBe('submitted');
    const pharmacy = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(pharmacy, app.server.url, 'pharmacist@pacific.example');
    await pharmacy.goto(`${app.server.url}/pharmacy/orders/${orderIds[1]}`);
    await pharmacy.getByLabel('Reason').selectOption('Out of stock');
    await pharmacy.getByLabel('Details for the clinic').fill('Base back in stock on the 20th');
    await pharmacy.getByRole('button', { name: 'Reject order' }).click();
    await expect.poll(() => statusOf(orderIds[1]!)).toBe('rejected');
    await pharmacy.close();

    const lines = await app.db.selectFrom('orderLines').select(['patientId', 'offerId']).where('orderId', '=', orderIds[1]!).execute();
    const returned = await app.db
      .selectFrom('cartLines as l')
      .innerJoin('carts as c', 'c.id', 'l.cartId')
      .select(['l.patientId', 'l.offerId', 'l.returnedReason', 'l.source'])
      .where('c.clinicId', '=', DEMO_IDS.riverside)
      .where('c.status', '=', 'open')
      .where('l.returnedReason', 'is not', null)
      .execute();
    expect(returned).toHaveLength(lines.length);
    expect(returned[0]).toMatchObject({ source: 'reorder', returnedReason: 'Pacific Coast Compounding rejected this line: Out of stock: Base back in stock on the 20th' });

    const clinic = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(clinic, app.server.url, 'tech@riverside.example');
    await clinic.goto(`${app.server.url}/orders/${orderIds[1]}`);
    expect(await clinic.locator('main').textContent()).toContain('Out of stock: Base back in stock on the 20th');
    // The returned lines stand in the refill-day cart with the pharmacy's reason on each.
    await clinic.goto(`${app.server.url}/refill-day`);
    await expect.poll(() => clinic.getByText(/rejected this line: Out of stock: Base back in stock on the 20th/).count()).toBe(lines.length);
    await screenshot(clinic, 'cart-returned-lines');
    await clinic.close();
  });
});
