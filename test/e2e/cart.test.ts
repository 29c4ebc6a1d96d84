import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { screenshot, signInAs } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { buildThirtyPatientCart } from '../support/browser-refill-day';

const app = setUpBrowserApp({ env: { JOBS: '0' } });

describe('refill day', () => {
  it('builds a 30-patient refill day with the builder, a quickfill and a keyboard-only line, and keeps it all over a reload', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await signInAs(page, app.server.url, 'tech@riverside.example');

    // The builder: choose rows covering 30 different patients and add them in one action.
    const { chosen, patients } = await buildThirtyPatientCart(page, app.server.url);
    expect(await page.locator('tr.cart-line').count()).toBe(chosen.length);
    expect(await page.locator('tbody .data-table__group').count()).toBe(30);

    // A quickfill from a patient's history, in one click.
    const patientPath = [...patients][0]!;
    await page.goto(`${app.server.url}${patientPath}`);
    await page.getByRole('button', { name: /^Quickfill / }).first().click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /Added 1 line|Add from/ }).count()).toBe(1);
    const proposal = page.getByRole('button', { name: /^Add from / });
    if (await proposal.count()) await proposal.first().click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Added 1 line' }).count()).toBe(1);

    // A manual line with the keyboard only: type, arrows, Enter, Tab.
    await page.goto(`${app.server.url}/refill-day`);
    const before = await page.locator('tr.cart-line').count();
    expect(before).toBe(chosen.length + 1);
    await page.getByRole('combobox', { name: 'Patient' }).focus();
    await page.keyboard.type('Mochi');
    await expect.poll(() => page.getByRole('listbox', { name: 'Patient' }).getByRole('option').first().textContent()).toMatch(/Mochi/);
    // Nothing is highlighted until an arrow moves: Enter alone picks no patient.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    // Focus moves to the medication field; type to search and take the first match.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('placeholder'))).toMatch(/Mochi's prescriptions/);
    await page.keyboard.type('Fluoxetine 2.5');
    await expect.poll(() => page.getByRole('listbox', { name: 'Medication' }).getByRole('option').first().textContent()).toMatch(/Fluoxetine/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // quantity
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    await page.keyboard.press('Tab'); // SIG
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Give 0.75 ml PO SID x 30 days');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('tr.cart-line').count()).toBe(before + 1);
    // Focus is back on the patient field for the next line.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.getAttribute('role'))).toBe('combobox');

    // Reload: everything is still there, and the grand total adds up.
    await page.reload();
    expect(await page.locator('tr.cart-line').count()).toBe(before + 1);
    await expect.poll(() => page.locator('tr.cart-line', { hasText: 'Give 0.75 ml PO SID x 30 days' }).count()).toBe(1);
    expect(await page.locator('tr.cart-line', { hasText: 'Quickfill' }).count()).toBe(1);
    expect(await page.getByRole('table', { name: /Subtotals per pharmacy/ }).getByRole('row').count()).toBeGreaterThan(2);

    // Group by pharmacy shows shipments with their fees.
    await page.getByRole('button', { name: 'Pharmacy / shipment' }).click();
    await expect.poll(() => page.locator('.data-table__group-footer').count()).toBeGreaterThan(0);
    const file = await screenshot(page, 'refill-day-cart');
    expect(existsSync(file)).toBe(true);
    await page.close();
  });
});
