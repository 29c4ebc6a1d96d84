import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import { screenshot, signInAs, waitForHydration } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';

const app = setUpBrowserApp();

type CartBody = { cart: { lines: Array<{ offerId: string; patientId: string; quantity: number; sig: string; landedCostCents: number }> } };

async function currentCart(): Promise<CartBody['cart']> {
  const res = await fetch(`${app.server.url}/api/v1/carts/current`, { headers: { Authorization: `Bearer ${DEMO_API_KEYS.riverside}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as CartBody).cart;
}

describe('the catalog', () => {
  it('finds a medication by brand name, compares pharmacies and adds one to the cart for a patient', async () => {
    // A Riverside patient with an active prescription of a medication both Pacific and Sierra sell: the form should start from it.
    const rx = await sql<{ patientId: string; patientName: string; ownerName: string; sig: string; medicationId: string; medication: string }>`
      select p.id as patient_id, p.name as patient_name, c.first_name || ' ' || c.last_name as owner_name, rx.sig, rx.medication_id, m.name || ' ' || m.strength as medication
      from prescriptions rx join patients p on p.id = rx.patient_id join clients c on c.id = p.client_id join medications m on m.id = rx.medication_id
      where rx.clinic_id = ${DEMO_IDS.riverside} and rx.status = 'active' and rx.expires_on >= current_date and p.status = 'active'
        and m.controlled_schedule is null
        and exists (select 1 from offers o where o.medication_id = m.id and o.pharmacy_id = ${DEMO_IDS.pharmacy('pacific')} and o.available)
        and exists (select 1 from offers o where o.medication_id = m.id and o.pharmacy_id = ${DEMO_IDS.pharmacy('sierra')} and o.available and o.stock_on_hand > o.reserved + 2)
        and (select count(*) from patients q where q.client_id = p.client_id and q.name = p.name) = 1
      order by p.name limit 1`.execute(app.db);
    const patient = rx.rows[0];
    expect(patient, 'the demo has such a patient').toBeDefined();

    const page = await app.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signInAs(page, app.server.url, 'tech@riverside.example');
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Catalog' }).click();
    await page.waitForURL(/\/catalog$/);
    // Ships to the clinic's state by default.
    expect(await page.getByLabel('Ships to').inputValue()).toBe('CA');

    await page.getByLabel('Search', { exact: true }).fill('felimazole suspension');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/q=felimazole/);
    const table = page.getByRole('table');
    await expect.poll(() => table.getByRole('rowheader').count()).toBeGreaterThan(1);
    const group = await table.locator('tbody').first().getByRole('rowheader').first().textContent();
    expect(group).toContain('Methimazole 5 mg/mL');

    // Two pharmacies side by side, each with its price and landed cost; one cheapest, one fastest.
    const body = table.locator('tbody').first();
    const pacific = body.getByRole('row').filter({ hasText: 'Pacific Coast Compounding' });
    const sierra = body.getByRole('row').filter({ hasText: 'Sierra Veterinary Compounding' });
    await expect.poll(() => pacific.count()).toBe(1);
    await expect.poll(() => sierra.count()).toBe(1);
    expect(await pacific.textContent()).toMatch(/\$\d+\.\d\d.*\$\d+\.\d\d/);
    expect(await body.getByText('Cheapest', { exact: true }).count()).toBe(1);
    expect(await body.getByText('Fastest', { exact: true }).count()).toBe(1);
    await screenshot(page, 'catalog-compare');

    // Sorting by turnaround is a keyboard-reachable header button.
    await table.getByRole('button', { name: /Turnaround/ }).press('Enter');
    await page.waitForURL(/sort=turnaround/);
    await expect.poll(() => table.locator('th[aria-sort="ascending"]').textContent()).toMatch(/Turnaround/);

    // Add Sierra's offer of the patient's medication for the patient.
    await page.getByLabel('Search', { exact: true }).fill(patient!.medication);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === patient!.medication);
    const medBody = table.locator('tbody').first();
    await expect.poll(() => medBody.getByRole('rowheader').first().textContent()).toContain(patient!.medication);
    const cartBefore = await currentCart();
    await medBody.getByRole('row').filter({ hasText: 'Sierra Veterinary Compounding' }).getByRole('button', { name: /Add .* to the cart/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Add to cart' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // Submitting empty names each missing field.
    await dialog.getByLabel('Directions (SIG)').fill('');
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    await expect.poll(() => dialog.getByText('Pick a patient from the list.').isVisible()).toBe(true);
    expect(await dialog.getByRole('combobox', { name: /Patient/ }).getAttribute('aria-invalid')).toBe('true');

    // The typeahead finds the pet by its owner's name; arrow keys and Enter pick it.
    await dialog.getByRole('combobox', { name: /Patient/ }).fill(patient!.ownerName);
    const options = dialog.getByRole('option');
    await expect.poll(() => options.filter({ hasText: patient!.patientName }).count()).toBeGreaterThan(0);
    const texts = await options.allTextContents();
    const index = texts.findIndex((t) => t.includes(patient!.patientName) && t.includes(patient!.ownerName));
    expect(index).toBeGreaterThanOrEqual(0);
    for (let i = 0; i <= index; i++) await dialog.getByRole('combobox', { name: /Patient/ }).press('ArrowDown');
    await dialog.getByRole('combobox', { name: /Patient/ }).press('Enter');
    // The prescription's directions and prescriber fill in.
    await expect.poll(() => dialog.getByLabel('Directions (SIG)').inputValue()).toBe(patient!.sig);
    expect(await dialog.getByLabel('Prescriber').inputValue()).not.toBe('');
    await dialog.getByLabel('Quantity (vials)').fill('2');
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Added 2 vials' }).textContent()).toContain(patient!.patientName);
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await screenshot(page, 'catalog-added');

    const cart = await currentCart();
    expect(cart.lines.length).toBe(cartBefore.lines.length + 1);
    const line = cart.lines.find((l) => l.patientId === (patient!.patientId as string) && !cartBefore.lines.some((b) => b.offerId === l.offerId && b.patientId === l.patientId));
    expect(line).toMatchObject({ quantity: 2, sig: patient!.sig });
    const sierraOffer = await app.db.selectFrom('offers').select('id').where('pharmacyId', '=', DEMO_IDS.pharmacy('sierra')).where('medicationId', '=', patient!.medicationId).executeTakeFirstOrThrow();
    expect(line!.offerId).toBe(sierraOffer.id);
    await page.close();
  });

  it('lets the admin upload a price list, watch it import and read the rejected rows', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signInAs(page, app.server.url, 'admin@vialcart.example');
    // The admin starts on Clinics; catalog imports are one link away in the navigation.
    await page.waitForURL(/\/admin\/clinics$/);
    await waitForHydration(page);
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Catalog imports' }).click();
    await page.waitForURL(/\/admin\/imports$/);
    await waitForHydration(page);
    const csv = [
      'sku,medication,strength,form,package,unit_price,stock,turnaround_days',
      'PAC-9001,Zonisamide,10 mg/mL,oral suspension,30 mL bottle,24.00,40,2',
      'PAC-9002,Zonisamide,25 mg/mL,oral suspension,30 mL bottle,-1,40,2',
    ].join('\n');
    await page.getByLabel('Pharmacy').first().selectOption({ label: 'Pacific Coast Compounding' });
    await page.getByLabel('CSV file').setInputFiles({ name: 'pacific-update.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByLabel(/whole catalog/).uncheck();
    await page.getByRole('button', { name: 'Upload and import' }).click();
    const row = page.getByRole('row').filter({ hasText: 'pacific-update.csv' });
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/Imported/);
    expect(await row.textContent()).toMatch(/1 rejected/);
    await row.getByRole('link', { name: /Report/ }).click();
    await page.waitForURL(/\/admin\/imports\/[0-9a-f-]+$/);
    await screenshot(page, 'catalog-import-report');
    const rejected = page.getByRole('table', { name: /Rejected rows/ });
    expect(await rejected.getByRole('row').filter({ hasText: 'must not be negative' }).getByRole('rowheader').textContent()).toBe('3');
    expect(existsSync(await screenshot(page, 'catalog-import-report'))).toBe(true);
    await page.close();
  });
});
