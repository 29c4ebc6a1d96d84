import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Builds a 30-patient refill day as a person does: the builder's due list (45 days ahead), the
 * rows covering 30 different patients ticked, "Add N lines to cart". Answers the chosen order
 * lines and the patients' page paths.
 */
export async function buildThirtyPatientCart(page: Page, baseUrl: string): Promise<{ chosen: string[]; patients: Set<string> }> {
  await page.goto(`${baseUrl}/refill-day/builder?withinDays=45`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Due refills');
  const rows = await page.$$eval('tbody tr', (trs) =>
    trs
      .map((tr) => ({
        id: (tr.querySelector('input[name="orderLineId"]') as HTMLInputElement | null)?.value ?? null,
        patient: tr.querySelector('th a')?.getAttribute('href') ?? '',
      }))
      .filter((r) => r.id),
  );
  const chosen: string[] = [];
  const patients = new Set<string>();
  for (const r of rows) {
    if (patients.size === 30 && !patients.has(r.patient)) continue;
    patients.add(r.patient);
    chosen.push(r.id!);
  }
  expect(patients.size).toBe(30);
  await page.getByLabel('Select all due patients').uncheck();
  for (const id of chosen) await page.locator(`input[name="orderLineId"][value="${id}"]`).check();
  // The add button is at the top and the bottom of the list; the top one.
  await page.getByRole('button', { name: `Add ${chosen.length} lines to cart`, exact: true }).click();
  await page.waitForURL(/\/refill-day\?added=/);
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'from the due list' }).count(), { timeout: 20_000 }).toBe(1);
  return { chosen, patients };
}
