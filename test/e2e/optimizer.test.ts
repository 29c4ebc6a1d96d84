import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot, signInAs, waitForHydration } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { buildThirtyPatientCart } from '../support/browser-refill-day';

const app = setUpBrowserApp({ env: { JOBS: '0' } });

/** Each line's pharmacy as the cart shows it (the second cell's small print starts with it). */
async function pharmacies(page: Page): Promise<Record<string, string>> {
  return page.$$eval('tr.cart-line', (trs) =>
    Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-line-id') ?? '', (tr.querySelector('td .text-sm.muted')?.textContent ?? '').split(' · ')[0]!.trim()])),
  );
}

/** The optimiser's panel alone (the full page of a 30-patient cart is too tall to read). */
async function panelShot(page: Page, name: string): Promise<string> {
  const file = `test-results/screenshots/${name}.png`;
  await page.locator('section.optimize').screenshot({ path: file });
  return file;
}

function cents(text: string | null): number {
  const m = /\$([\d,]+\.\d\d)/.exec(text ?? '');
  if (!m) throw new Error(`no amount in ${text}`);
  return Math.round(Number(m[1]!.replace(/,/g, '')) * 100);
}

describe('optimise pharmacies', () => {
  it('optimises a 30-patient refill day: pins a line, reads the proposal, applies it and undoes it', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await signInAs(page, app.server.url, 'tech@riverside.example');

    // A 30-patient cart from the builder.
    const { chosen, patients } = await buildThirtyPatientCart(page, app.server.url);
    expect(patients.size).toBe(30);
    await waitForHydration(page);
    expect(await page.locator('tr.cart-line').count()).toBe(chosen.length);

    // A first proposal, to see which lines would move.
    const optimise = page.getByRole('region', { name: 'Optimise pharmacies' }).or(page.locator('section.optimize'));
    await page.getByRole('button', { name: 'Optimise pharmacies' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /^Proposal for cart version/ }).count(), { timeout: 30_000 }).toBe(1);
    const firstMoves = await page.$$eval('[data-move-line-id]', (trs) => trs.map((tr) => tr.getAttribute('data-move-line-id')!));
    expect(firstMoves.length).toBeGreaterThan(1);

    // Pin one of them: it stays where it is, and the proposal made before the pin is stale.
    const pinnedId = firstMoves[0]!;
    await page.locator(`tr.cart-line[data-line-id="${pinnedId}"]`).getByRole('button', { name: /^Pin .* to its pharmacy$/ }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Line pinned' }).count()).toBe(1);
    await expect.poll(() => page.locator(`tr.cart-line[data-line-id="${pinnedId}"]`).getByRole('button', { name: /^Pin / }).getAttribute('aria-pressed')).toBe('true');
    expect(await optimise.getByText('1 pinned line stays where it is.').count()).toBe(1);

    // The proposal: totals, moves with reasons, savings per shipment, the solver.
    const before = await pharmacies(page);
    const cartTotal = cents(await page.getByRole('table', { name: /Subtotals per pharmacy/ }).locator('tfoot').textContent());
    await page.getByRole('button', { name: 'Optimise pharmacies' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /^Proposal for cart version/ }).count(), { timeout: 30_000 }).toBe(1);
    const totals = await page.locator('.optimize__totals').textContent();
    const [beforeText, afterText] = totals!.split('→');
    expect(cents(beforeText!)).toBe(cartTotal);
    expect(cents(afterText!)).toBeLessThan(cartTotal);
    expect(await page.locator('.optimize__solver').textContent()).toMatch(/HiGHS optimal|Greedy fallback/);
    const moves = await page.$$eval('[data-move-line-id]', (trs) =>
      trs.map((tr) => ({ id: tr.getAttribute('data-move-line-id')!, from: tr.children[1]!.textContent!, to: tr.children[2]!.textContent!, why: tr.children[3]!.textContent! })),
    );
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.map((m) => m.id)).not.toContain(pinnedId);
    for (const m of moves) {
      expect(m.from).toBe(before[m.id]);
      expect(m.to).not.toBe(m.from);
      expect(m.why).toMatch(/^(Cheaper|Consolidates a shipment|In stock there|Meets need-by|Licensed to ship)/);
    }
    expect(await page.getByRole('table', { name: 'Savings per shipment' }).getByRole('row').count()).toBeGreaterThan(1);
    expect(await page.getByRole('heading', { name: 'What bound the result' }).count()).toBe(1);
    await page.getByRole('heading', { name: /^Proposal for cart version/ }).scrollIntoViewIfNeeded();
    expect(existsSync(await screenshot(page, 'optimizer-proposal'))).toBe(true);
    expect(existsSync(await panelShot(page, 'optimizer-proposal-panel'))).toBe(true);

    // Apply: the lines move, the cart's version moves once, and the undo is offered.
    const version = Number(/cart version (\d+)/.exec((await page.locator('.page-header').textContent()) ?? '')![1]);
    await page.getByRole('button', { name: /^Apply: move \d+ lines?$/ }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /^Optimised: \d+ lines? moved/ }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await page.locator('.page-header').textContent())?.includes(`cart version ${version + 1}`)).toBe(true);
    const applied = await pharmacies(page);
    for (const m of moves) expect(applied[m.id]).toBe(m.to);
    expect(applied[pinnedId]).toBe(before[pinnedId]);
    expect(cents(await page.getByRole('table', { name: /Subtotals per pharmacy/ }).locator('tfoot').textContent())).toBe(cents(afterText!));
    expect(existsSync(await screenshot(page, 'optimizer-applied'))).toBe(true);
    expect(existsSync(await panelShot(page, 'optimizer-applied-panel'))).toBe(true);

    // Undo: every line is back where it was, as one more change.
    await page.getByRole('button', { name: 'Undo optimisation' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /^Optimisation undone/ }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await page.locator('.page-header').textContent())?.includes(`cart version ${version + 2}`)).toBe(true);
    expect(await pharmacies(page)).toEqual(before);
    expect(cents(await page.getByRole('table', { name: /Subtotals per pharmacy/ }).locator('tfoot').textContent())).toBe(cartTotal);
    expect(await page.getByRole('button', { name: 'Undo optimisation' }).count()).toBe(0);
    expect(existsSync(await screenshot(page, 'optimizer-undone'))).toBe(true);
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(existsSync(await page.screenshot({ path: 'test-results/screenshots/optimizer-undone-top.png' }).then(() => 'test-results/screenshots/optimizer-undone-top.png'))).toBe(true);
    await page.close();
  });
});
