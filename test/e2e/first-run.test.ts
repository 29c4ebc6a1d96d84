import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearHydration, screenshot, waitForHydration } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { startPharmacySimulator, type PharmacySimulator } from '../support/pharmacy-simulator';
import { startSmtpServer } from '../support/smtp';

// vialcart from nothing, as a new operator meets it: a database without demo data, the setup
// link from the server's log, the platform administrator, a clinic with its first manager, who
// accepts the emailed invitation and invites a veterinarian and a technician, who sign in; then
// a partner pharmacy with its licences and its REST endpoint (the local pharmacy simulator),
// whose test order the simulator receives. The steps run in order and share `flow`; later
// steps (its catalog, a checkout) extend the same story.

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let pharmacy: PharmacySimulator;
beforeAll(async () => {
  smtp = await startSmtpServer();
  pharmacy = await startPharmacySimulator({ secrets: {} });
});
afterAll(async () => {
  await smtp?.close();
  await pharmacy?.close();
});

const app = setUpBrowserApp({ template: 'empty', env: () => ({ DEMO: '0', SMTP_URL: smtp.url }) });

const ADMIN = { name: 'Avery Operator', email: 'avery@vialcart-ops.example', password: 'granite puffin lantern 58' };
const MANAGER = { name: 'Morgan Hale', email: 'morgan@prairie.example', password: 'thistle canyon ember 21' };
const VET = { name: 'Dr. Priya Shah', email: 'priya@prairie.example', password: 'walnut comet harbor 74' };
const TECH = { name: 'Sam Ortiz', email: 'sam@prairie.example', password: 'pepper glacier violin 36' };

/** A label matched whole, a required field's "*" aside (getByLabel reads the hidden mark too). */
function exactly(label: string): RegExp {
  return new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`);
}

/** How long to wait for what follows a server round trip (argon2, zxcvbn) on a busy machine. */
const SLOW = { timeout: 15_000 };

/** What the steps hand each other. */
const flow: { admin?: Page; manager?: Page; clinicPath?: string; contexts: BrowserContext[] } = { contexts: [] };

async function newPage(): Promise<Page> {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  flow.contexts.push(context);
  return context.newPage();
}

/** The invitation link of the email that reached the local SMTP server for `to`. */
async function invitationLink(to: string): Promise<string> {
  await expect.poll(() => smtp.received.some((m) => m.to.includes(to)), SLOW).toBe(true);
  const mail = smtp.received.find((m) => m.to.includes(to))!;
  expect(mail.subject).toMatch(/You are invited to Prairie Pet Clinic on vialcart/);
  return /https?:\/\/\S+\/invite\/\S+/.exec(mail.text)![0];
}

/** Opens an invitation link and joins: name as given, a new password typed twice. */
async function acceptInvitation(link: string, person: { name: string; password: string }, shot: string): Promise<Page> {
  const page = await newPage();
  await page.goto(link);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Join Prairie Pet Clinic');
  await waitForHydration(page);
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel(exactly('Password')).fill(person.password);
  await page.getByLabel('Password again').fill(person.password);
  await screenshot(page, shot);
  await clearHydration(page);
  await page.getByRole('button', { name: 'Join and sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  await waitForHydration(page);
  await expect.poll(() => page.locator('.app-shell__user').textContent(), SLOW).toContain(person.name);
  return page;
}

describe('a fresh vialcart, from the setup link to a clinic with its staff', () => {
  afterAll(async () => {
    for (const context of flow.contexts) await context.close();
  });

  it('sends a visitor to the setup page, which points to the link in the log', async () => {
    const page = await newPage();
    await page.goto(`${app.server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/setup');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Set up vialcart');
    expect(await page.locator('main').textContent()).toMatch(/printed a one-time setup link to its log/);
    expect(await page.getByLabel('Email').count()).toBe(0);
    await screenshot(page, 'first-run-needs-link');
    await page.close();
  });

  it('creates the administrator with the setup link from the server log', async () => {
    const setupUrl = /https?:\/\/\S+\/setup\?token=[\w.-]+/.exec(app.server.output())?.[0];
    expect(setupUrl, 'the server prints its setup link').toBeTruthy();
    const page = await newPage();
    await page.goto(setupUrl!);
    await waitForHydration(page);
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    // A weak password is refused on its field, the rest kept.
    await page.getByLabel(exactly('Password')).fill('password1234');
    await page.getByLabel('Password again').fill('password1234');
    await page.getByRole('button', { name: 'Create the administrator' }).click();
    await expect.poll(() => page.getByLabel(exactly('Password')).getAttribute('aria-invalid'), SLOW).toBe('true');
    expect(await page.getByLabel('Email').inputValue()).toBe(ADMIN.email);
    await screenshot(page, 'first-run-weak-password');
    await page.getByLabel(exactly('Password')).fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await clearHydration(page);
    await page.getByRole('button', { name: 'Create the administrator' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/clinics');
    await waitForHydration(page);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Clinics');
    expect(await page.locator('main').textContent()).toContain('No clinics yet');
    await screenshot(page, 'first-run-admin-clinics');
    flow.admin = page;
  });

  it('the administrator creates a clinic and invites its first manager', async () => {
    const page = flow.admin!;
    await clearHydration(page);
    await page.getByRole('link', { name: 'New clinic' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/clinics/new');
    await waitForHydration(page);
    await page.getByLabel(exactly('Name')).fill('Prairie Pet Clinic');
    await page.getByLabel('Slug').fill('prairie');
    await page.getByLabel('Phone').fill('(402) 555-0100');
    await page.getByLabel('Street address').fill('12 Main St');
    await page.getByLabel('City').fill('Omaha');
    await page.getByLabel('State').selectOption('NE');
    await page.getByLabel('ZIP code').fill('68102');
    await page.getByLabel('Time zone').fill('America/Chicago');
    await page.getByLabel('Prescription expiry (months)').fill('12');
    await page.getByLabel("Manager's email").fill(MANAGER.email);
    await page.getByLabel("Manager's name").fill(MANAGER.name);
    await screenshot(page, 'first-run-new-clinic');
    await clearHydration(page);
    await page.getByRole('button', { name: 'Create clinic' }).click();
    await page.waitForURL((url) => /^\/admin\/clinics\/[0-9a-f-]{36}$/.test(url.pathname));
    await waitForHydration(page);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Prairie Pet Clinic');
    await expect.poll(() => page.getByRole('table').first().textContent(), SLOW).toContain(MANAGER.email);
    flow.clinicPath = new URL(page.url()).pathname;
    await screenshot(page, 'first-run-clinic-created');
  });

  it('the manager accepts the emailed invitation and invites a veterinarian and a technician', async () => {
    const page = await acceptInvitation(await invitationLink(MANAGER.email), MANAGER, 'first-run-manager-invitation');
    flow.manager = page;
    await screenshot(page, 'first-run-manager-home');
    const nav = page.getByRole('navigation', { name: 'Primary' });
    await clearHydration(page);
    await nav.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/settings');
    await waitForHydration(page);
    await clearHydration(page);
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/settings/staff');
    await waitForHydration(page);

    for (const [person, role] of [
      [VET, 'veterinarian'],
      [TECH, 'technician'],
    ] as const) {
      await page.getByLabel('Email').fill(person.email);
      await page.getByLabel(exactly('Name')).fill(person.name);
      await page.getByLabel(exactly('Role')).selectOption(role);
      await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
      await expect.poll(() => page.getByRole('table').textContent(), SLOW).toContain(person.email);
      await expect.poll(() => page.getByLabel('Email').inputValue(), SLOW).toBe('');
    }
    const rows = page.getByRole('row');
    expect(await rows.filter({ hasText: VET.email }).textContent()).toContain('Invited');
    await screenshot(page, 'first-run-staff-invited');
  });

  it('the veterinarian and the technician accept and sign in', async () => {
    for (const [person, shot] of [
      [VET, 'vet'],
      [TECH, 'tech'],
    ] as const) {
      const page = await acceptInvitation(await invitationLink(person.email), person, `first-run-${shot}-invitation`);
      // Signing out and in again with the chosen password, through the sign-in page.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      await waitForHydration(page);
      await page.getByLabel('Email').fill(person.email);
      await page.getByLabel('Password').fill(person.password);
      await clearHydration(page);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname !== '/login');
      await waitForHydration(page);
      await expect.poll(() => page.locator('.app-shell__org').textContent(), SLOW).toBe('Prairie Pet Clinic');
      await screenshot(page, `first-run-${shot}-signed-in`);
    }
    // The manager sees both active; the veterinarian is a prescriber from the invitation on.
    const manager = flow.manager!;
    await manager.reload();
    await expect.poll(() => manager.getByRole('row').filter({ hasText: TECH.email }).textContent(), SLOW).toContain('Active');
    expect(await manager.getByRole('row').filter({ hasText: VET.email }).textContent()).toContain('Active');
    await screenshot(manager, 'first-run-staff-active');
  });

  it('the administrator adds a pharmacy with a licence and a REST endpoint, whose signed test order reaches the pharmacy', async () => {
    const page = flow.admin!;
    await clearHydration(page);
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Pharmacies', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/admin/pharmacies');
    await waitForHydration(page);
    expect(await page.locator('main').textContent()).toContain('No pharmacies yet');
    await clearHydration(page);
    await page.getByRole('link', { name: 'New pharmacy' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/pharmacies/new');
    await waitForHydration(page);
    await page.getByLabel(exactly('Name')).fill('Bayou Compounding');
    await page.getByLabel('Slug').fill('bayou');
    await page.getByLabel('Resident state').selectOption('LA');
    await page.getByLabel('503A licence number').fill('LA-PHY-7781');
    await page.getByLabel('Contact email').fill('orders@bayou.example');
    await page.getByRole('radio', { name: /REST endpoint/ }).check();
    await page.getByLabel('Order endpoint URL').fill(pharmacy.endpointFor('bayou'));
    await screenshot(page, 'first-run-new-pharmacy');
    await page.getByRole('button', { name: 'Create pharmacy' }).click();
    await expect.poll(() => page.getByTestId('secret-once').count(), SLOW).toBe(1);
    const secret = (await page.getByTestId('secret-once').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    pharmacy.configure({ secrets: { bayou: secret } });
    await screenshot(page, 'first-run-pharmacy-secret');
    await clearHydration(page);
    await page.getByRole('link', { name: 'Continue to Bayou Compounding' }).click();
    await page.waitForURL((url) => /^\/admin\/pharmacies\/[0-9a-f-]{36}$/.test(url.pathname));
    await waitForHydration(page);
    // The secret is not shown again, only its end.
    expect(await page.locator('main').textContent()).not.toContain(secret);
    expect(await page.locator('main').textContent()).toContain(secret.slice(-4));

    await page.getByLabel('Licence state').selectOption('NE');
    await page.getByLabel(exactly('Licence number')).fill('NE-NR-0042');
    await page.getByLabel('Expires on').fill('2099-12-31');
    await page.getByRole('button', { name: 'Save licence' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Ship-to licences' }).textContent(), SLOW).toContain('NE-NR-0042');

    await page.getByRole('button', { name: 'Send a test order' }).click();
    await expect.poll(() => page.getByTestId('test-order-result').textContent(), SLOW).toContain('The pharmacy accepted the test order (HTTP 200)');
    expect(pharmacy.testOrders).toHaveLength(1);
    expect(pharmacy.testOrders[0]).toMatchObject({ schema: 'vialcart.order.v1', test: true, pharmacy: { slug: 'bayou' } });
    await screenshot(page, 'first-run-pharmacy-test-order');

    await page.getByRole('button', { name: 'Activate the pharmacy' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Active', exact: true }).count(), SLOW).toBe(1);
    // The rotation's overlap field shows its default in the browser, not an empty box.
    expect(await page.getByLabel('Overlap (hours)').inputValue()).toBe('24');
    await screenshot(page, 'first-run-pharmacy-active');
  });
});
