import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, signInAs } from '../support/browser';
import { setUpBrowserApp } from '../support/browser-app';
import { demoToday } from '../support/demo-day';
import { loadRxCases, pick, type RxCase } from '../support/refill-cases';
import { startTwilioServer, type TwilioStandIn } from '../support/twilio-server';

// "Text me updates" on the public form, followed through the request as far as it goes today:
// the owner is texted when the request is received and when it is approved. The real server
// sends through the real `twilio` client to a local Twilio stand-in, which reports delivery back
// to the server's signed status callback URL, as Twilio does.

const env: Record<string, string> = {};
let standIn: TwilioStandIn;
let c: RxCase;

beforeAll(async () => {
  standIn = await startTwilioServer({ autoDeliver: true });
  Object.assign(env, standIn.env);
});

const app = setUpBrowserApp({
  env,
  prepare: async (db) => {
    c = pick(await loadRxCases(db), 'compounded', demoToday(), new Set())[0]!;
    // The owner reads email by preference: texts come only because they ticked the box.
    await db.updateTable('clients').set({ preferredChannel: 'email', emailOptIn: true, smsOptIn: false, unsubscribedAt: null }).where('id', '=', c.clientId).execute();
  },
});

afterAll(async () => {
  await standIn?.close();
});

const textsTo = (phone: string) => standIn.messages.filter((m) => m.to === phone);

describe('texts at each step of a request', () => {
  it('the owner ticks “Text me updates”; received and approved arrive as texts, delivered, and the mailbox shows them', async () => {
    const owner = await app.browser.newPage({ viewport: { width: 390, height: 844 } });
    await owner.goto(`${app.server.url}/c/riverside/refill`);
    await owner.getByLabel('Your name').fill(c.ownerName);
    await owner.getByLabel('Mobile phone').fill(c.phone.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, '($1) $2-$3'));
    await owner.getByLabel('Pet’s name').fill(c.petName);
    await owner.getByLabel('Medication').fill(c.medicationName.toLowerCase());
    await owner.getByLabel('More than 2 days left').check();
    await owner.getByLabel(/Text me updates/).check();
    await screenshot(owner, 'sms-owner-form');
    await owner.getByRole('button', { name: 'Send refill request' }).click();
    await owner.waitForURL(/\/c\/riverside\/refill\/RR-[0-9A-Z]{7}$/);
    const reference = owner.url().split('/').pop()!;
    await owner.close();

    // Received: texted from the clinic's number, then reported delivered by "Twilio".
    await expect.poll(() => textsTo(c.phone).map((m) => m.body), { timeout: 20_000 }).toEqual([expect.stringContaining(`we received your refill request for ${c.petName}'s`)]);
    const received = textsTo(c.phone)[0]!;
    expect(received.body).toContain(`(ref ${reference})`);
    expect(received.from).toBe('+19165550100');
    await expect.poll(() => received.status, { timeout: 20_000 }).toBe('delivered');

    // The veterinarian approves it from her queue.
    const vet = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(vet, app.server.url, 'vet@riverside.example');
    await vet.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Requests' }).click();
    await vet.waitForURL(/\/requests$/);
    const card = vet.locator('article', { hasText: reference });
    await expect.poll(() => card.count()).toBe(1);
    await card.getByRole('button', { name: 'Approve into cart' }).click();
    await expect.poll(() => vet.getByRole('status').textContent()).toMatch(/approved: the line is in the refill-day cart/);

    // Approved: a second text.
    await expect.poll(() => textsTo(c.phone).length, { timeout: 20_000 }).toBe(2);
    const approved = textsTo(c.phone)[1]!;
    expect(approved.body).toContain(`${c.petName}'s`);
    expect(approved.body).toMatch(/refill is approved/);
    await expect.poll(() => approved.status, { timeout: 20_000 }).toBe('delivered');

    // Home counts delivered texts, and links to the mailbox, which shows both with segments and Twilio ids.
    await vet.locator('.app-shell__brand').click();
    await expect.poll(() => vet.getByTestId('text-delivery').textContent()).toMatch(/Texts: \d+ delivered/);
    await screenshot(vet, 'sms-dashboard');
    await vet.getByRole('link', { name: 'Open the mailbox' }).click();
    await vet.waitForURL(/\/mailbox$/);
    await expect.poll(() => vet.getByRole('heading', { level: 1 }).textContent()).toBe('Mailbox');
    for (const text of [received, approved]) {
      const item = vet.locator('li', { hasText: text.sid });
      await expect.poll(() => item.count()).toBe(1);
      const shown = await item.textContent();
      expect(shown).toContain('SMS');
      expect(shown).toContain('Delivered');
      expect(shown).toMatch(/\d segments? \(GSM-7\)/);
      expect(shown).toContain(c.phone);
    }
    await screenshot(vet, 'sms-mailbox');
    await vet.close();

    const rows = await app.db.selectFrom('notifications').select(['template', 'channel', 'status', 'deliveryStatus']).where('toAddress', '=', c.phone).orderBy('createdAt').execute();
    expect(rows).toEqual([
      { template: 'request.acknowledged', channel: 'sms', status: 'sent', deliveryStatus: 'delivered' },
      { template: 'request.approved', channel: 'sms', status: 'sent', deliveryStatus: 'delivered' },
    ]);
  });

  it('a manager reads the texting setup: webhook URLs, the stored token only by its last characters', async () => {
    const manager = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(manager, app.server.url, 'manager@riverside.example');
    await manager.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Settings' }).click();
    await manager.waitForURL(/\/settings$/);
    await manager.getByRole('link', { name: 'Text messages (Twilio)' }).click();
    await manager.waitForURL(/\/settings\/sms$/);
    await expect.poll(() => manager.getByRole('heading', { level: 1 }).textContent()).toBe('Text messages');
    const main = (await manager.locator('main').textContent()) ?? '';
    expect(main).toContain(`${app.server.url}/webhooks/sms/twilio`);
    expect(main).toContain('Stored: …oken');
    expect(main).not.toContain('demo_twilio_auth_token');
    expect(await manager.getByLabel('Twilio phone number').inputValue()).toBe('+19165550100');
    expect(main).toContain('ticked “Text me updates”');
    await screenshot(manager, 'sms-settings');
    await manager.close();
  });
});
