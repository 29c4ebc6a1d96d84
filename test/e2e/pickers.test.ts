import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../db/seed';
import { screenshot, signInAs, waitForHydration } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';

// The patient pickers cannot pick the wrong patient: typing a pet's name that is also (part
// of) an owner's name and pressing Enter picks nothing until an arrow key chooses; pets named
// so come first, and an option found only by its owner's name says so. Each option shows
// species, breed, weight, age and owner. Enter on a checkbox never submits its form.

const ids = { charlie: randomUUID(), bear: randomUUID() };

const app = setUpBrowserApp({
  env: { JOBS: '0' },
  async prepare(db) {
    const lunaHill = { id: randomUUID(), clinicId: DEMO_IDS.riverside, firstName: 'Luna', lastName: 'Hill', state: 'CA', phone: '+19165550177' };
    const isabella = { id: randomUUID(), clinicId: DEMO_IDS.riverside, firstName: 'Isabella', lastName: 'Quennell', state: 'CA', phone: '+19165550178' };
    await db.insertInto('clients').values([lunaHill, isabella]).execute();
    const pet = (id: string, clientId: string, name: string, breed: string) => ({
      id, clinicId: DEMO_IDS.riverside, clientId, name, species: 'dog' as const, breed, status: 'active' as const, weightKg: 18, weightMeasuredOn: '2026-11-20', birthDate: '2021-03-02',
    });
    await db.insertInto('patients').values([pet(ids.charlie, lunaHill.id, 'Charlie', 'Beagle'), pet(ids.bear, isabella.id, 'Bear', 'Newfoundland')]).execute();
    // A pet named Luna and one named Bella exist in the demo; make sure of it.
    for (const name of ['Luna', 'Bella']) {
      const found = await db.selectFrom('patients').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('name', '=', name).where('status', '=', 'active').executeTakeFirst();
      if (!found) await db.insertInto('patients').values(pet(randomUUID(), lunaHill.id, name, 'Mixed')).execute();
    }
  },
});

const patientBox = (page: Page) => page.getByRole('combobox', { name: 'Patient' });
const options = (page: Page) => page.getByRole('listbox', { name: 'Patient' }).getByRole('option');
const chosenPatient = (page: Page) => page.locator('input[type="hidden"][name="patientId"]').inputValue();

async function typeAndWait(page: Page, text: string) {
  await patientBox(page).fill('');
  await patientBox(page).focus();
  await page.keyboard.type(text);
  await expect.poll(() => options(page).count(), { timeout: 10_000 }).toBeGreaterThan(0);
}

describe('safe patient pickers', () => {
  it('"Luna" + Enter picks nothing, never Charlie of owner Luna Hill; an arrow then Enter picks a pet named Luna', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInAs(page, app.server.url, 'tech@riverside.example');
    await page.goto(`${app.server.url}/refill-day`);
    await waitForHydration(page);

    await typeAndWait(page, 'Luna');
    // Nothing is highlighted as the answers arrive.
    expect(await patientBox(page).getAttribute('aria-activedescendant')).toBeNull();
    expect(await page.locator('[role="option"][aria-selected="true"]').count()).toBe(0);
    const texts = await options(page).allTextContents();
    expect(texts[0]).toMatch(/^Luna\b/);
    // Options found only by the owner's name come after the pets' names and say so.
    const charlie = texts.findIndex((t) => t.startsWith('Charlie'));
    if (charlie >= 0) {
      expect(texts[charlie]).toContain('matched the owner’s name');
      expect(texts.slice(0, charlie).every((t) => /^Luna\b/.test(t))).toBe(true);
    }
    // Each option: species, breed, weight, age and owner.
    expect(texts[0]).toMatch(/(Dog|Cat) · .+ · \d+(\.\d+)? kg/);
    expect(texts[0]).toMatch(/Owner: /);
    await screenshot(page, 'pickers-luna');

    await page.keyboard.press('Enter');
    expect(await chosenPatient(page)).toBe('');
    expect(await patientBox(page).inputValue()).toBe('Luna');

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => chosenPatient(page)).not.toBe('');
    expect(await chosenPatient(page)).not.toBe(ids.charlie);
    expect(await patientBox(page).inputValue()).toMatch(/^Luna \(/);

    // With the owner's name typed too, Charlie is found, marked as the owner's match.
    await typeAndWait(page, 'Luna Hill');
    const hill = await options(page).allTextContents();
    expect(hill.some((t) => /^Charlie\b.*Beagle.*Owner: Luna Hill.*matched the owner’s name/s.test(t))).toBe(true);
    await page.close();
  });

  it('"Bella" never offers Bear of owner Isabella, and Enter alone picks nothing', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInAs(page, app.server.url, 'tech@riverside.example');
    await page.goto(`${app.server.url}/refill-day`);
    await waitForHydration(page);
    await typeAndWait(page, 'Bella');
    const texts = await options(page).allTextContents();
    expect(texts.some((t) => t.startsWith('Bear'))).toBe(false);
    expect(texts.every((t) => /^Bella\b/.test(t))).toBe(true);
    await page.keyboard.press('Enter');
    expect(await chosenPatient(page)).toBe('');
    await page.close();
  });

  it('Enter on the builder’s "Select all" checkbox does not submit the form', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInAs(page, app.server.url, 'tech@riverside.example');
    await page.goto(`${app.server.url}/refill-day`);
    const before = await page.locator('tr.cart-line').count();
    await page.goto(`${app.server.url}/refill-day/builder?withinDays=45`);
    await waitForHydration(page);
    const selectAll = page.getByLabel('Select all due patients');
    await selectAll.focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    expect(new URL(page.url()).pathname).toBe('/refill-day/builder');
    await page.goto(`${app.server.url}/refill-day`);
    expect(await page.locator('tr.cart-line').count()).toBe(before);
    await page.close();
  });
});
