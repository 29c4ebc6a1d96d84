import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { clearHydration, screenshot, signInAs, waitForHydration } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { demoToday } from '../support/demo-day';

const app = setUpBrowserApp();

/** Tabs until the focused element is the one `matches` accepts (at most `limit` presses). */
async function tabTo(page: Page, matches: () => boolean, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(matches)) return;
  }
  throw new Error('never reached the element by Tab');
}

describe('entering a new owner and pet by keyboard', () => {
  it('creates the owner, the pet and a weight with keys only, refusing an implausible weight until it is corrected', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, app.server.url, 'tech@riverside.example');
    await clearHydration(page);
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Patients' }).click();
    await page.waitForURL(/\/patients$/);
    await waitForHydration(page);

    // "New owner" from the patients page, then the owner form, field after field.
    await page.getByRole('link', { name: 'New owner' }).focus();
    await clearHydration(page);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/owners\/new$/);
    await waitForHydration(page);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('New owner');
    await page.getByLabel('First name').focus();
    await page.keyboard.type('Odessa');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Quillfeather');
    await page.keyboard.press('Tab');
    await page.keyboard.type('(916) 555 01');
    await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.name === 'email');
    await page.keyboard.type('odessa.q@example.com');
    await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.name === 'addressLine1');
    await page.keyboard.type('41 Juniper Way');
    await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.name === 'city');
    await page.keyboard.type('Sacramento');
    await page.keyboard.press('Tab');
    await page.keyboard.type('CA');
    await page.keyboard.press('Tab');
    await page.keyboard.type('95818');
    // Submitting with a short phone names the field, keeps what was typed and focuses it.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Phone', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('phone');
    expect(await page.getByLabel('First name').inputValue()).toBe('Odessa');
    await screenshot(page, 'records-owner-error');
    await page.keyboard.press('End');
    await page.keyboard.type('23');
    await clearHydration(page);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/owners\/[0-9a-f-]{36}\?created=owner$/);
    await waitForHydration(page);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Odessa Quillfeather');
    expect(await page.locator('main').textContent()).toContain('(916) 555-0123');

    // "Add pet" and the patient form, by keyboard.
    await page.getByRole('link', { name: 'Add pet' }).focus();
    await clearHydration(page);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/patients\/new\?ownerId=/);
    await waitForHydration(page);
    await page.getByRole('textbox', { name: /^Name\W*$/ }).focus();
    await page.keyboard.type('Zephyrine');
    await page.keyboard.press('Tab');
    // The species select takes the first letters typed.
    await page.keyboard.type('Cat');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Maine Coon');
    await tabTo(page, () => (document.activeElement as HTMLInputElement | null)?.name === 'ageYears');
    await page.keyboard.type('4');
    await clearHydration(page);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/patients\/[0-9a-f-]{36}\?created=1$/);
    await waitForHydration(page);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Zephyrine');
    expect(await page.locator('main').textContent()).toContain('No weight on record');
    expect(await page.locator('main').textContent()).toContain('(estimated)');

    // Record weight: 90 kg for a cat asks for the override; with it and a reason it is kept.
    await page.getByRole('textbox', { name: /^Weight\W*$/ }).focus();
    await page.keyboard.type('90');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByLabel('Weight is correct (outside the usual range)').count()).toBe(1);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: /outside the plausible range for a cat/ }).count()).toBeGreaterThan(0);
    // The typo it was: 9.0 kg, in pounds, with the box left alone.
    await page.getByRole('textbox', { name: /^Weight\W*$/ }).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('11.5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('lb');
    await page.getByRole('textbox', { name: /^Weight\W*$/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Weight recorded.' }).count()).toBe(1);
    const table = page.getByRole('table', { name: "Zephyrine's weight history" });
    await expect.poll(() => table.textContent()).toContain('5.2 kg');
    expect(await table.textContent()).toContain('11.5 lb');
    expect(await table.textContent()).toContain('Tina Morales');
    await expect.poll(() => page.locator('.page-header').textContent()).toContain('5.2 kg · weighed today');
    await screenshot(page, 'records-patient-with-weight');

    const stored = await app.db
      .selectFrom('patients as p')
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .select(['p.weightKg', 'p.weightMeasuredOn', 'p.species', 'p.birthDateEstimated', 'c.phone', 'c.state', 'c.emailOptIn', 'c.smsOptIn'])
      .where('p.name', '=', 'Zephyrine')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ weightKg: 5.216, weightMeasuredOn: demoToday(), species: 'cat', birthDateEstimated: true, phone: '+19165550123', state: 'CA', emailOptIn: true, smsOptIn: false });
    await page.close();
  });

  it('flags a possible duplicate pet with a link and creates it only when confirmed', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pet = await app.db
      .selectFrom('patients')
      .select(['id', 'name', 'species', 'clientId'])
      .where('status', '=', 'active')
      .where('species', '=', 'dog')
      .where('mergedIntoId', 'is', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await signInAs(page, app.server.url, 'manager@riverside.example');
    await page.goto(`${app.server.url}/patients/new?ownerId=${pet.clientId}`);
    await waitForHydration(page);
    await page.getByRole('textbox', { name: /^Name\W*$/ }).fill(pet.name.toUpperCase());
    await page.getByLabel('Species').selectOption('dog');
    await page.getByRole('button', { name: 'Create patient' }).click();
    const panel = page.getByRole('alert').filter({ hasText: 'Possible duplicate' });
    await expect.poll(() => panel.count()).toBe(1);
    expect(await panel.getByRole('link', { name: pet.name }).getAttribute('href')).toBe(`/patients/${pet.id}`);
    await screenshot(page, 'records-duplicate');
    await page.getByLabel(/different animal/).check();
    await clearHydration(page);
    await page.getByRole('button', { name: 'Create patient' }).click();
    await page.waitForURL(/\/patients\/[0-9a-f-]{36}\?created=1$/);
    await waitForHydration(page);
    // The manager sees the twin on the new record and merges it away into the original.
    const twinUrl = page.url();
    await page.goto(`${app.server.url}/patients/${pet.id}`);
    await waitForHydration(page);
    const merge = page.getByRole('region', { name: 'Merge a duplicate record into this one' });
    await expect.poll(() => merge.textContent()).toContain('same owner');
    await merge.getByRole('checkbox').first().check();
    await merge.getByRole('button', { name: /^Merge / }).first().click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /^Merged/ }).count()).toBeGreaterThan(0);
    await clearHydration(page);
    await page.goto(twinUrl.replace(/\?.*$/, ''));
    await page.waitForURL(`${app.server.url}/patients/${pet.id}`);
    await page.close();
  });
});
