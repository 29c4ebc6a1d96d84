import { describe, expect, it } from 'vitest';
import { screenshot, signInAs, waitForHydration } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';

// The refill-day builder groups the due lines into ready, needs renewal and cannot be filled,
// selects only the ready ones, filters by prescriber, species and pharmacy, and has its add
// button at the top and at the bottom of the list.

const app = setUpBrowserApp({ env: { JOBS: '0' } });

describe('refill-day builder', () => {
  it('selects only the ready lines, filters the list, and adds from the bottom button', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signInAs(page, app.server.url, 'tech@riverside.example');
    await page.goto(`${app.server.url}/refill-day/builder?withinDays=45`);
    await waitForHydration(page);
    const rows = (group: string) => page.locator(`tr[data-group="${group}"]`);
    const ready = await rows('ready').count();
    const renewal = await rows('renewal').count();
    expect(ready).toBeGreaterThan(0);
    expect(renewal).toBeGreaterThan(0);
    expect(await page.getByRole('rowheader', { name: /^Ready \(\d+\)/ }).count()).toBe(1);
    expect(await page.getByRole('rowheader', { name: /^Needs renewal \(\d+\)/ }).count()).toBe(1);
    // Only the ready lines start selected.
    expect(await rows('ready').locator('input[name="orderLineId"]:checked').count()).toBe(ready);
    expect(await rows('renewal').locator('input[name="orderLineId"]:checked').count()).toBe(0);
    const add = page.getByRole('button', { name: `Add ${ready} lines to cart`, exact: true });
    const addAtEnd = page.getByRole('button', { name: `Add ${ready} lines to cart (end of the list)` });
    expect(await add.count()).toBe(1);
    expect(await addAtEnd.count()).toBe(1);

    // A species filter narrows the list and what "Add" sends.
    await page.getByLabel('Species').selectOption('cat');
    await expect.poll(() => rows('ready').count()).toBeLessThan(ready);
    const cats = await rows('ready').count();
    // Taken on the shorter, filtered list (a full page of every due line is slow to capture).
    await screenshot(page, 'builder-groups-cats');
    const shownSpecies = await page.locator('tr[data-group] th .text-sm').allTextContents();
    expect(shownSpecies.every((t) => t.startsWith('Cat'))).toBe(true);
    const addCats = page.getByRole('button', { name: `Add ${cats} ${cats === 1 ? 'line' : 'lines'} to cart (end of the list)` });
    await addCats.click();
    await page.waitForURL(/\/refill-day\?added=/);
    expect(new URL(page.url()).searchParams.get('added')).toBe(String(cats));
    await page.close();
  });
});
