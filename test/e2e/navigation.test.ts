import { describe, expect, it } from 'vitest';
import { clearHydration, screenshot, signInAs, waitForHydration } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';

const app = setUpBrowserApp({ env: { JOBS: '0' } });

const CLINIC = ['Refill day', 'Catalog', 'Patients', 'Prescriptions', 'Requests', 'Orders', 'Reports', 'Settings'];
const ROLES = [
  { role: 'technician', email: 'tech@riverside.example', nav: CLINIC },
  { role: 'veterinarian', email: 'vet@riverside.example', nav: CLINIC },
  { role: 'manager', email: 'manager@riverside.example', nav: CLINIC },
  { role: 'front desk', email: 'frontdesk@riverside.example', nav: CLINIC },
  { role: 'pharmacist', email: 'pharmacist@pacific.example', nav: ['Orders', 'API keys'] },
  { role: 'admin', email: 'admin@vialcart.example', nav: ['Clinics', 'Pharmacies', 'Catalog imports', 'Order deliveries', 'Money', 'Mailbox'] },
];

// Each role signs in through the login page and clicks every link of its navigation in turn, as
// a person would: each click must land on the link's page, in the browser (no reload back to
// where it started), with the page's scripts running and its heading shown. The harness fails
// the test on any console error, uncaught error or route module that does not load.
describe('the navigation of every role', () => {
  for (const { role, email, nav: expected } of ROLES) {
    it(`takes the ${role} to every page of the navigation`, async () => {
      const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signInAs(page, app.server.url, email);
      expect(await waitForHydration(page), `${role}: the first page after signing in did not hydrate`).toBe(true);

      const nav = page.getByRole('navigation', { name: 'Primary' });
      const links = await nav
        .getByRole('link')
        .evaluateAll((as) => as.map((a) => ({ label: (a.textContent ?? '').trim(), href: a.getAttribute('href') ?? '' })));
      expect(links.map((l) => l.label)).toEqual(expected);

      for (const { label, href } of links) {
        const from = new URL(page.url()).pathname;
        await clearHydration(page);
        await nav.getByRole('link', { name: label, exact: true }).click();
        await page.waitForURL((url) => url.pathname === href, { timeout: 10_000 }).catch(() => undefined);
        expect(new URL(page.url()).pathname, `${role}: "${label}" clicked on ${from} should open ${href}`).toBe(href);
        expect(await waitForHydration(page), `${role}: ${href} did not hydrate after clicking "${label}"`).toBe(true);
        const heading = page.getByRole('heading', { level: 1 });
        await heading.first().waitFor({ state: 'visible', timeout: 5_000 });
        expect((await heading.first().textContent())?.trim(), `${role}: ${href} has no page heading`).toBeTruthy();
        expect(await nav.getByRole('link', { name: label, exact: true }).getAttribute('aria-current')).toBe('page');
        await screenshot(page, `navigation-${role.replace(/\s+/g, '-')}-${href.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'home'}`);
      }
      await page.close();
    });
  }
});
