import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_API_KEYS } from '../../db/seed';
import { screenshot, signInAs } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { demoToday } from '../support/demo-day';
import { loadRxCases, pick } from '../support/refill-cases';

const app = setUpBrowserApp();

describe('an owner’s refill request, from the public form to the refill-day cart', () => {
  it('the owner submits the form; the veterinarian finds it in vet review, approves it, and the line is in the cart', async () => {
    const c = pick(await loadRxCases(app.db), 'compounded', demoToday(), new Set())[0]!;

    // The owner, on a phone-sized screen, without signing in.
    const owner = await app.browser.newPage({ viewport: { width: 390, height: 844 } });
    await owner.goto(`${app.server.url}/c/riverside/refill`);
    expect(await owner.getByRole('heading', { level: 1 }).textContent()).toBe('Request a refill');
    // Submitting empty shows each error by its field and focuses the first.
    await owner.getByRole('button', { name: 'Send refill request' }).click();
    await expect.poll(() => owner.getByLabel('Your name').getAttribute('aria-invalid')).toBe('true');
    expect(await owner.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('ownerName');

    await owner.getByLabel('Your name').fill(c.ownerName);
    await owner.getByLabel('Mobile phone').fill(c.phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3'));
    await owner.getByLabel('Pet’s name').fill(c.petName);
    await owner.getByLabel('Medication').fill(c.medicationName.toLowerCase());
    await owner.getByLabel('Doses left').fill('6');
    await owner.getByLabel('Runs out in 1–2 days').check();
    await owner.getByLabel(/Text me updates/).check();
    await owner.getByRole('button', { name: 'Send refill request' }).click();
    await owner.waitForURL(/\/c\/riverside\/refill\/RR-[0-9A-Z]{7}$/);
    const reference = owner.url().split('/').pop()!;
    // The URL changes as the navigation commits; the new page renders just after.
    await expect.poll(() => owner.getByRole('heading', { level: 1 }).textContent()).toMatch(/we have your request/);
    expect(await owner.locator('main').textContent()).toContain(reference);
    await screenshot(owner, 'requests-owner-confirmation');
    await owner.close();

    // The veterinarian opens the requests page: vet review is her tab.
    const vet = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(vet, app.server.url, 'vet@riverside.example');
    await vet.goto(`${app.server.url}/requests`);
    const tab = vet.getByRole('navigation', { name: 'Request queues' }).getByRole('link', { name: /Veterinarian review/ });
    expect(await tab.getAttribute('aria-current')).toBe('page');
    const card = vet.locator('article', { hasText: reference });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain(c.petName);
    expect(await card.getByRole('list', { name: 'Eligibility checks' }).textContent()).toMatch(/Compounded medication/);
    await screenshot(vet, 'requests-vet-review');
    await card.getByRole('button', { name: 'Approve into cart' }).click();
    await expect.poll(() => vet.getByRole('status').textContent()).toMatch(/approved: the line is in the refill-day cart/);
    await expect.poll(() => vet.locator('article', { hasText: reference }).count()).toBe(0);
    await vet.close();

    // The line is in the clinic's open cart, from the request, signed off by the veterinarian.
    const res = await fetch(`${app.server.url}/api/v1/carts/current`, { headers: { Authorization: `Bearer ${DEMO_API_KEYS.riverside}` } });
    expect(res.status).toBe(200);
    const { cart } = (await res.json()) as { cart: { lines: { patientId: string; source?: string; sig: string }[] } };
    const line = cart.lines.find((l) => l.patientId === c.patientId);
    expect(line).toBeDefined();
    const row = await app.db.selectFrom('refillRequests').select(['status', 'cartLineId']).where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(row.status).toBe('approved');
    const stored = await app.db.selectFrom('cartLines').select(['source']).where('id', '=', row.cartLineId!).executeTakeFirstOrThrow();
    expect(stored.source).toBe('request');
    const signoff = await app.db.selectFrom('lineSignoffs').select(['userId', 'contentHash']).where('cartLineId', '=', row.cartLineId!).where('clearedAt', 'is', null).executeTakeFirst();
    expect(signoff?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync('test-results/screenshots/requests-vet-review.png')).toBe(true);
  });

  it('the veterinarian opens Requests from the sidebar: the page loads its scripts and switches tabs without a reload', async () => {
    const vet = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    vet.on('pageerror', (error) => problems.push(error.message));
    vet.on('console', (message) => {
      // The app has no favicon yet; Chromium's own request for it is not the page's doing.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`${message.text()} ${message.location().url}`);
    });
    await signInAs(vet, app.server.url, 'vet@riverside.example');
    await vet.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Requests' }).click();
    await vet.waitForURL(/\/requests$/);
    // A client-side navigation changes the URL a moment before the page renders.
    await expect.poll(() => vet.getByRole('heading', { level: 1 }).textContent()).toMatch(/Requests/);
    // The route module loaded in the browser, so the page is interactive (hydrated).
    await expect.poll(() => vet.evaluate(() => Object.keys((window as { __remixRouteModules?: object }).__remixRouteModules ?? {}))).toContain('routes/_clinic.requests');
    // A client-side tab switch keeps the document: a marker set on window survives it.
    await vet.evaluate(() => ((window as { marker?: boolean }).marker = true));
    await vet.getByRole('navigation', { name: 'Request queues' }).getByRole('link', { name: /Front desk/ }).click();
    await vet.waitForURL(/queue=front_desk/);
    expect(await vet.evaluate(() => (window as { marker?: boolean }).marker)).toBe(true);
    expect(problems).toEqual([]);
    await vet.close();
  });
});
