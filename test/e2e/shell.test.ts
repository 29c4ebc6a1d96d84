import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { screenshot, signInAs } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';

const app = setUpBrowserApp();

describe('the clinic shell', () => {
  it('signs the demo technician in and shows the clinic, the user, the role and the navigation', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${app.server.url}/`);
    await page.waitForURL(/\/login\?redirectTo=%2F/);

    // A wrong password keeps the email and says what is wrong.
    await page.getByLabel('Email').fill('tech@riverside.example');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/do not match/);
    expect(await page.getByLabel('Email').inputValue()).toBe('tech@riverside.example');

    await signInAs(page, app.server.url, 'tech@riverside.example');
    const nav = page.getByRole('navigation', { name: 'Primary' });
    const items = await nav.getByRole('link').allTextContents();
    expect(items.map((t) => t.trim())).toEqual(['Refill day', 'Catalog', 'Patients', 'Prescriptions', 'Requests', 'Orders', 'Reports', 'Settings']);
    expect(await page.getByRole('banner').textContent()).toContain('Riverside Veterinary Hospital');
    expect(await page.getByRole('banner').textContent()).toContain('Tina Morales');
    expect(await page.getByRole('banner').textContent()).toMatch(/Technician/i);
    expect(await nav.getByRole('link', { name: 'Refill day' }).getAttribute('href')).toBe('/refill-day');

    await nav.getByRole('link', { name: 'Patients' }).click();
    await page.waitForURL(/\/patients$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Patients');
    await expect.poll(() => page.getByRole('table').count()).toBeGreaterThan(0);
    const file = await screenshot(page, 'shell-patients');
    expect(existsSync(file)).toBe(true);
    await page.close();
  });
});
