import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { setDb, type DB } from '../../db/client';
import { dueForRefill } from '../../app/services/cart/index.server';
import { screenshot, signInAs, waitForHydration } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { demoToday } from '../support/demo-day';
import { METHIMAZOLE, TECH, healthyPatients } from '../support/validation-fixtures';

// The browser test for prescriptions, clicked through as people would: the refill-day
// builder's "No refills left" line → "Ask for renewal" → the veterinarian renews her batch →
// the line goes to the cart and passes; and a veterinarian writes a prescription that the
// technician then adds to the cart from the fast-entry row, where it validates clean.

/** What `prepare` chose in the demo database, for the steps below. */
const chosen = { due: { patientName: '', medicationName: '', prescriptionId: '' }, writeFor: { name: '' } };

// prepare() lends the app's database to the services as the process-wide handle; the harness
// destroys that database after the file, so the handle is let go too (the next file opens its own).
afterAll(() => setDb(undefined));

async function prepare(db: DB) {
  setDb(db);
  // A due refill of Dr. Alvarez's, not controlled, out of refills.
  const due = await dueForRefill(TECH, { withinDays: 14 });
  const plain = new Set((await db.selectFrom('medications').select('id').where('controlledSchedule', 'is', null).execute()).map((m) => m.id));
  const entry = due.patients.find((p) => p.line?.prescriberName === 'Dr. Maria Alvarez' && p.prescription && !p.prescription.lapse && plain.has(p.medicationId) && p.line.pharmacyName);
  if (!entry) throw new Error('no due refill of Dr. Alvarez to lapse');
  await db.updateTable('prescriptions').set((eb) => ({ refillsUsed: eb.ref('refillsAuthorized') })).where('id', '=', entry.prescription!.id).execute();
  chosen.due = { patientName: entry.patientName, medicationName: entry.medicationName, prescriptionId: entry.prescription!.id };

  // A healthy patient with no methimazole prescription, given a name no other patient has so
  // that typing it finds only this one.
  const withRx = new Set((await db.selectFrom('prescriptions').select('patientId').where('medicationId', '=', METHIMAZOLE).execute()).map((r) => r.patientId));
  const pick = (await healthyPatients(db, 60, demoToday())).find((id) => !withRx.has(id) && id !== entry.patientId);
  if (!pick) throw new Error('no patient to write for');
  await db.updateTable('patients').set({ name: 'Zephyrine' }).where('id', '=', pick).execute();
  chosen.writeFor = { name: 'Zephyrine' };
}

const app = setUpBrowserApp({ env: { JOBS: '0' }, prepare });

async function signedIn(email: string): Promise<Page> {
  const page = await app.browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await signInAs(page, app.server.url, email);
  await waitForHydration(page);
  return page;
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name });

describe('prescriptions in the browser', () => {
  it('asks for a renewal from the builder; the vet renews the batch; the line passes in the cart', async () => {
    const { patientName, medicationName } = chosen.due;
    const tech = await signedIn('tech@riverside.example');
    await nav(tech, 'Refill day').click();
    await tech.getByRole('link', { name: 'Add due refills' }).first().click();
    await tech.waitForURL(/\/refill-day\/builder/);
    await waitForHydration(tech);
    const row = tech.locator('tr', { hasText: patientName }).filter({ hasText: medicationName });
    await expect.poll(() => row.textContent()).toContain('No refills left');
    await screenshot(tech, 'prescriptions-builder-no-refills');
    await tech.getByRole('button', { name: `Ask for renewal of ${patientName}'s ${medicationName}` }).click();
    await expect.poll(() => tech.getByRole('status').filter({ hasText: 'Renewal asked' }).textContent(), { timeout: 10_000 }).toMatch(/Renewal asked of Dr\. Maria Alvarez/);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Renewal asked of Dr. Maria Alvarez');

    // The veterinarian finds the batch in her review queue and renews it in one action.
    const vet = await signedIn('vet@riverside.example');
    await nav(vet, 'Requests').click();
    await vet.waitForURL(/\/requests/);
    await vet.getByRole('link', { name: /to renew for Dr\. Maria Alvarez/ }).click();
    await vet.waitForURL(/\/renewals\//);
    await waitForHydration(vet);
    const request = vet.getByRole('checkbox', { name: `Choose ${patientName}'s ${medicationName}` });
    expect(await request.isChecked()).toBe(true);
    await screenshot(vet, 'prescriptions-renewal-batch');
    await vet.getByRole('button', { name: /^Renew \d+ prescriptions?$/ }).click();
    await expect.poll(() => vet.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(/Renewed \d+ prescriptions?/);

    // Back in the builder the line fills the renewal; added to the cart, it passes.
    await tech.reload();
    await waitForHydration(tech);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/refills? left · renewed/);
    // Only this line: the builder starts with every due line chosen.
    const all = tech.getByRole('checkbox', { name: 'Select all due patients' });
    if (await all.isChecked()) await all.uncheck();
    await tech.getByRole('checkbox', { name: `Add ${patientName}'s ${medicationName}` }).check();
    await tech.getByRole('button', { name: /^Add 1 line to cart$/ }).click();
    await tech.waitForURL(/\/refill-day\?added=1/);
    await waitForHydration(tech);
    // A line is two rows (what it is; its findings and actions): both carry its id.
    const head = tech.locator('tr.cart-line', { hasText: patientName });
    await expect.poll(() => head.count(), { timeout: 10_000 }).toBe(1);
    const line = tech.locator(`tr[data-line-id="${await head.getAttribute('data-line-id')}"]`);
    const findings = await line.locator('.cart-line__findings').textContent();
    expect(findings).not.toMatch(/No refills|expired|Error/);
    await expect.poll(() => tech.getByRole('status').filter({ hasText: 'checkout' }).textContent()).toMatch(/^0 errors block checkout/);
    await screenshot(tech, 'prescriptions-renewed-line-in-cart');
    await tech.close();
    await vet.close();
  });

  it('a veterinarian writes a prescription; the technician adds it to the cart and it validates clean', async () => {
    const { name } = chosen.writeFor;
    const vet = await signedIn('vet@riverside.example');
    await nav(vet, 'Prescriptions').click();
    await vet.waitForURL(/\/prescriptions$/);
    await vet.getByRole('link', { name: 'Write a prescription' }).click();
    await vet.waitForURL(/\/prescriptions\/new/);
    await waitForHydration(vet);
    await vet.getByRole('combobox', { name: 'Patient' }).focus();
    await vet.keyboard.type(name);
    await expect.poll(() => vet.getByRole('listbox', { name: 'Patient' }).getByRole('option').first().textContent(), { timeout: 10_000 }).toContain(name);
    await vet.keyboard.press('ArrowDown');
    await vet.keyboard.press('Enter');
    await vet.getByRole('combobox', { name: 'Catalog medication' }).focus();
    await vet.keyboard.type('Methimazole 5 mg/mL oral');
    await expect.poll(() => vet.getByRole('listbox', { name: 'Catalog medication' }).getByRole('option').first().textContent(), { timeout: 10_000 }).toMatch(/Methimazole 5 mg\/mL oral suspension/);
    await vet.keyboard.press('ArrowDown');
    await vet.keyboard.press('Enter');
    // The SIG is read as it is typed: an incomplete one says what is missing, without an error page.
    await vet.getByLabel('Directions (SIG)').fill('Give by mouth');
    await expect.poll(() => vet.locator('main').textContent()).toMatch(/dose/i);
    await vet.getByLabel('Directions (SIG)').fill('Give 0.5 ml by mouth BID for 30 days');
    await vet.getByLabel('Refills').fill('3');
    await screenshot(vet, 'prescriptions-write');
    await vet.getByRole('button', { name: 'Write prescription' }).click();
    await vet.waitForURL(/\/prescriptions\/[0-9a-f-]{36}\?written=1/);
    await waitForHydration(vet);
    expect(await vet.locator('main').textContent()).toContain('Prescription written.');
    expect(await vet.locator('main').textContent()).toContain('Dr. Maria Alvarez');
    await screenshot(vet, 'prescriptions-written');
    await vet.close();

    // The technician adds it from the fast-entry row: the patient's prescription comes first.
    const tech = await signedIn('tech@riverside.example');
    await nav(tech, 'Refill day').click();
    await tech.waitForURL(/\/refill-day$/);
    await waitForHydration(tech);
    await tech.getByRole('combobox', { name: 'Patient' }).focus();
    await tech.keyboard.type(name);
    await expect.poll(() => tech.getByRole('listbox', { name: 'Patient' }).getByRole('option').first().textContent(), { timeout: 10_000 }).toContain(name);
    await tech.keyboard.press('ArrowDown');
    await tech.keyboard.press('Enter');
    await tech.getByRole('combobox', { name: 'Medication' }).focus();
    const prescribed = tech.getByRole('listbox', { name: 'Medication' }).getByRole('option').filter({ hasText: 'Prescribed' }).filter({ hasText: 'Pacific Coast Compounding' });
    await expect.poll(() => prescribed.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await prescribed.first().click();
    expect(await tech.getByLabel('SIG').inputValue()).toBe('Give 0.5 ml by mouth BID for 30 days');
    await tech.getByRole('button', { name: /^Add line/ }).click();
    const head = tech.locator('tr.cart-line', { hasText: name });
    await expect.poll(() => head.count(), { timeout: 10_000 }).toBe(1);
    const line = tech.locator(`tr[data-line-id="${await head.getAttribute('data-line-id')}"]`);
    await expect.poll(() => line.locator('.cart-line__findings').textContent(), { timeout: 10_000 }).toContain('No findings');
    await screenshot(tech, 'prescriptions-written-line-in-cart');
    await tech.close();
  });
});
