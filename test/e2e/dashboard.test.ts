import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../db/seed';
import { screenshot, signInAs } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { generateRequestHistory } from '../support/report-data';

const app = setUpBrowserApp({
  // A year of owner requests over the demo's order history, so every report has data.
  prepare: async (db) => {
    await generateRequestHistory(db, DEMO_IDS.riverside, { perDay: 12 });
  },
});

describe('dashboard and reports', () => {
  it('shows the manager the home dashboard and the reports with charts and data', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, app.server.url, 'manager@riverside.example');
    await page.goto(`${app.server.url}/`);
    await expect.poll(() => page.getByRole('heading', { name: 'Today’s refill day' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('heading', { name: 'Request queues' }).count()).toBe(1);
    const queues = page.getByRole('table', { name: 'Open requests by queue' });
    expect(await queues.getByRole('row').count()).toBeGreaterThan(1);
    expect(await queues.textContent()).toMatch(/Overdue|On track|Due within 30 min/);
    const orders = page.getByRole('table', { name: 'Orders not yet delivered, by status' });
    expect(await orders.getByRole('row').count()).toBeGreaterThan(1);
    const home = await screenshot(page, 'dashboard-home');
    expect(existsSync(home)).toBe(true);

    await page.getByRole('link', { name: 'Reports' }).first().click();
    await page.waitForURL(/\/reports/);
    await page.goto(`${app.server.url}/reports?from=${new Date(Date.now() - 180 * 86_400_000).toISOString().slice(0, 10)}`);
    for (const title of ['Requests per day by channel', 'Median time from request to approval and to shipped', 'SLA breaches', 'Owner acknowledgement time', 'Spend by pharmacy', 'Landed-cost savings versus the most expensive offer']) {
      await expect.poll(() => page.getByRole('heading', { name: title }).count()).toBe(1);
    }
    // Charts draw after hydration: each report gets its SVG with bars or lines.
    await page.waitForLoadState('networkidle');
    await page.locator('.report-chart .recharts-wrapper').nth(5).waitFor({ timeout: 15_000 });
    expect(await page.locator('.report-chart .recharts-wrapper').count()).toBe(6);
    expect(await page.locator('.report-chart .recharts-bar-rectangle').count()).toBeGreaterThan(10);
    expect(await page.locator('.report-chart .recharts-line-curve').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByText(/requests in the period/).textContent()).not.toMatch(/^0 requests/);
    const csv = page.locator('[data-report="sla"] a', { hasText: 'Download CSV' });
    expect(await csv.getAttribute('href')).toMatch(/^\/reports\/csv\/sla\?from=/);
    const res = await page.request.get(`${app.server.url}${await csv.getAttribute('href')}`);
    expect(res.status()).toBe(200);
    expect(await res.text()).toMatch(/^week,requests,breached,breachRate/);
    const reports = await screenshot(page, 'reports');
    expect(existsSync(reports)).toBe(true);
  });
});
