import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, createDb, setDb, type DB } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import { validateClinicCart } from '../../app/services/validation/validation.server';
import { demoToday } from '../support/demo-day';
import { startAppServer, type AppServer } from '../support/app-server';
import { launchBrowser, screenshot, signInAs, waitForHydration } from '../support/browser';
import { createTestDatabase } from '../support/postgres';
import { TECH, cleanLine, medicationId, offerOf, riversidePatient, storeCart } from '../support/validation-fixtures';

// The dose check on the refill-day page: a tenfold liquid error shows on its line as an error
// naming the mg, the range and its source, and a line whose patient has no weight on file
// offers "Record a new weight", which records one from the line and clears the warning. A
// manager sets the weight window the check uses on the settings page.

let server: AppServer;
let browser: Browser;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: DB;
let tenfold: string;
let unweighed: string;
let unweighedPatient: string;

const AMLODIPINE = medicationId('Amlodipine', '1.25 mg/mL', 'oral suspension');
const BROMIDE = medicationId('Potassium bromide', '250 mg/mL', 'oral solution');

/** An offer of the medication from whichever California-licensed pharmacy carries it. */
async function californiaOffer(medication: string) {
  for (const slug of ['pacific', 'sierra', 'greatlakes']) {
    const offer = await offerOf(db, slug, medication).catch(() => undefined);
    if (offer) return offer;
  }
  throw new Error(`no California offer of ${medication}`);
}

beforeAll(async () => {
  database = await createTestDatabase('demo');
  db = createDb(database.url);
  setDb(db);
  const cat = await riversidePatient(db, demoToday(), { species: 'cat', status: 'active', exam: 'recent' });
  unweighedPatient = await riversidePatient(db, demoToday(), { species: 'dog', status: 'active', exam: 'recent' });
  // The dog's weight history goes: no weight on file.
  await db.deleteFrom('patientWeights').where('patientId', '=', unweighedPatient).execute();
  await db.updateTable('patients').set({ weightKg: null, weightMeasuredOn: null }).where('id', '=', unweighedPatient).execute();
  const { lineIds } = await storeCart(
    db,
    [
      // 5 mL of 1.25 mg/mL where 0.5 mL was meant: 6.25 mg, five times the top of 0.625–1.25 mg per cat.
      cleanLine(cat, await californiaOffer(AMLODIPINE), { sig: 'Give 5 ml by mouth once daily for 6 days' }),
      cleanLine(unweighedPatient, await californiaOffer(BROMIDE), { sig: 'Give 2 ml by mouth once daily with food for 60 days' }),
    ],
    { current: true },
  );
  [tenfold, unweighed] = lineIds as [string, string];
  server = await startAppServer(database.url, { JOBS: '0' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await closeDb();
  await database?.drop();
});

// A line is two rows (what it is; its findings and actions), both carrying its id.
const row = (page: Page, lineId: string) => page.locator(`tr[data-line-id="${lineId}"]`);
const findingsOf = (page: Page, lineId: string) => row(page, lineId).locator('.cart-line__findings');

describe('dose.range on the refill-day page', () => {
  it('shows a tenfold error with its source, and "Record a new weight" on the line clears a missing weight', async () => {
    const page = await browser.newPage({ viewport: { width: 1700, height: 1100 } });
    await signInAs(page, server.url, TECH.email);
    await page.getByRole('link', { name: 'Refill day', exact: true }).first().click();
    await page.waitForURL(/\/refill-day$/);
    await waitForHydration(page);

    // The error, on its line, with the computed dose, the range and the source.
    const error = findingsOf(page, tenfold).locator('.finding--error');
    await expect.poll(() => error.textContent(), { timeout: 20_000 }).toContain('Amlodipine 6.25 mg per dose');
    const text = (await error.textContent())!;
    expect(text).toContain('5× the top of the range 0.625–1.25 mg per animal per dose');
    expect(text).toContain('ACVIM consensus, systemic hypertension (2018)');
    expect(text).toContain('Acierno MJ');
    expect(await row(page, tenfold).getByRole('button', { name: 'Edit SIG' }).count()).toBe(1);
    expect(await row(page, tenfold).first().getAttribute('class')).toContain('cart-line--error');

    // The missing weight: a warning with the fix on the line.
    const warning = findingsOf(page, unweighed).locator('.finding--warning', { hasText: 'no weight on file' });
    await expect.poll(() => warning.count()).toBe(1);
    await screenshot(page, 'dose-range-findings');

    // Record a new weight from the line; a wrong entry first keeps what was typed and names the field.
    await row(page, unweighed).getByText('Record a new weight').click();
    const form = row(page, unweighed).getByRole('form', { name: /^Record a new weight for / });
    await form.getByLabel('Weight today').fill('0');
    await form.getByRole('button', { name: 'Save weight' }).click();
    await page.waitForLoadState('networkidle');
    const again = row(page, unweighed).getByRole('form', { name: /^Record a new weight for / });
    await expect.poll(() => again.getByText('Enter a weight above 0').count(), { timeout: 20_000 }).toBe(1);
    expect(await again.getByLabel('Weight today').inputValue()).toBe('0');

    await again.getByLabel('Weight today').fill('33');
    await again.getByLabel('Unit').selectOption('lb');
    await again.getByRole('button', { name: 'Save weight' }).click();
    await page.waitForLoadState('networkidle');
    // 33 lb is 14.969 kg: 500 mg once daily is 33.4 mg/kg a day, within 30–40 — no finding left.
    await expect.poll(() => findingsOf(page, unweighed).textContent(), { timeout: 20_000 }).toContain('No findings');
    await expect.poll(() => page.getByText('Weight recorded: 14.969 kg today.').count(), { timeout: 20_000 }).toBe(1);
    await screenshot(page, 'dose-range-weight-recorded');

    const stored = await db.selectFrom('patients').select(['weightKg', 'weightMeasuredOn']).where('id', '=', unweighedPatient).executeTakeFirstOrThrow();
    expect(stored).toEqual({ weightKg: 14.969, weightMeasuredOn: demoToday() });
    const validation = await validateClinicCart(TECH);
    expect(validation.byLineId[unweighed]!.filter((f) => f.rule === 'dose.range')).toEqual([]);
    expect(validation.byLineId[tenfold]!.map((f) => [f.rule, f.severity])).toContainEqual(['dose.range', 'error']);
  });

  it('a manager sets how old a weight may be under Settings → Dose checks; a bad value names the field', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await signInAs(page, server.url, 'manager@riverside.example');
    await page.getByRole('link', { name: 'Settings', exact: true }).first().click();
    await page.waitForURL(/\/settings$/);
    await waitForHydration(page);
    const form = page.getByRole('form', { name: 'Dose checks' });
    const field = form.getByLabel('Weight window (months)');
    expect(await field.inputValue()).toBe('6');

    await field.fill('0');
    await form.getByRole('button', { name: 'Save dose checks' }).click();
    await expect.poll(() => form.getByText('At least 1 month.').count()).toBe(1);
    expect(await field.inputValue()).toBe('0');
    await screenshot(page, 'dose-settings-error');

    await field.fill('12');
    await form.getByRole('button', { name: 'Save dose checks' }).click();
    await expect.poll(() => page.getByText('Dose check settings saved.').count(), { timeout: 20_000 }).toBe(1);
    await screenshot(page, 'dose-settings-saved');
    const clinic = await db.selectFrom('clinics').select('weightWindowMonths').where('id', '=', DEMO_IDS.riverside).executeTakeFirstOrThrow();
    expect(clinic.weightWindowMonths).toBe(12);
    expect(await field.inputValue()).toBe('12');

    // The section above keeps saving on its own.
    await page.getByRole('button', { name: 'Save request settings' }).click();
    await expect.poll(() => page.getByText('Settings saved. New targets apply').count(), { timeout: 20_000 }).toBe(1);
  });
});
