import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import { signPayload } from '../../pharmacies/signature';
import * as adminLayout from '../../app/routes/admin';
import * as adminMailbox from '../../app/routes/admin.mailbox';
import * as adminMoney from '../../app/routes/admin.money';
import * as pharmacyList from '../../app/routes/admin.pharmacies._index';
import * as newPharmacy from '../../app/routes/admin.pharmacies.new';
import * as pharmacyPage from '../../app/routes/admin.pharmacies.$id';
import * as inviteRoute from '../../app/routes/invite.$token';
import * as pharmacyOrder from '../../app/routes/pharmacy.orders.$id';
import * as pharmacyKeys from '../../app/routes/pharmacy.api-keys';
import * as pharmacyOrdersApi from '../../app/routes/api.pharmacy.v1.orders';
import { checkPharmacyEventSignature, recordPharmacyEvent } from '../../app/services/orders/pharmacy-orders.server';
import { orderMoney, verifyCheckoutLedger } from '../../app/services/payments/index.server';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { TECH } from '../support/checkout-fixtures';
import { startPharmacySimulator, type PharmacySimulator } from '../support/pharmacy-simulator';
import { call, request, signIn } from '../support/requests';
import { deliverEvent, paidOrderAt, resetCheckouts, setUpStripeWorld, tearDownStripeWorld, type StripeWorld } from '../support/stripe-checkout';

const PHARMACY = {
  intent: 'create',
  name: 'Bayou Compounding',
  slug: 'bayou',
  residentState: 'la',
  license503a: 'LA-PHY-7781',
  nabpNumber: '1234567',
  npi: '1234567893',
  contactName: 'Renée Broussard',
  email: 'orders@bayou.example',
  phone: '(504) 555-0142',
  addressLine1: '400 Canal St',
  city: 'New Orleans',
  postalCode: '70130',
  shipping: '12.50',
  coldChain: '18',
  turnaroundDays: '4',
  connectionKind: 'portal',
  endpoint: '',
};

type Answer = { formError?: string; fieldErrors?: Record<string, string>; values?: Record<string, string>; created?: { id: string; signingSecret: string }; done?: string; secret?: string; overlapEndsAt?: string | null; testOrder?: Record<string, any> };

async function post(fn: typeof newPharmacy.action | typeof pharmacyPage.action, path: string, cookie: string, form: Record<string, string>, params: Record<string, string> = {}) {
  const res = await call(fn, request(path, { cookie, form }), params);
  const body = res.status >= 300 && res.status < 400 ? null : ((await res.json()) as Answer);
  return { res, body };
}

const act = (cookie: string, id: string, form: Record<string, string>) => post(pharmacyPage.action, `/admin/pharmacies/${id}`, cookie, form, { id });

async function page(cookie: string, id: string) {
  const res = await call(pharmacyPage.loader, request(`/admin/pharmacies/${id}`, { cookie }), { id });
  return ((await res.json()) as { pharmacy: Record<string, any> }).pharmacy;
}

async function createBayou(admin: string, overrides: Record<string, string> = {}) {
  const { res, body } = await post(newPharmacy.action, '/admin/pharmacies/new', admin, { ...PHARMACY, ...overrides });
  expect(res.status).toBe(200);
  return body!.created!;
}

/** A local port that was free a moment ago and that nothing listens on now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let world: StripeWorld;
let simulator: PharmacySimulator;

beforeAll(async () => {
  world = await setUpStripeWorld({ patients: 6 });
  simulator = await startPharmacySimulator({ secrets: {} });
});
afterEach(() => setClock(undefined));
afterAll(async () => {
  setClock(undefined);
  await simulator?.close();
  await tearDownStripeWorld(world);
});

describe('pharmacies, by the platform admin', () => {
  it('creates a pharmacy (inactive), shows its signing secret once, and activates it once it has a licence in force', async () => {
    const admin = await signIn('admin@vialcart.example');
    const created = await createBayou(admin);
    expect(created.signingSecret).toMatch(/^whsec_[\w-]{40,}$/);
    const row = await getDb().selectFrom('pharmacies').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ slug: 'bayou', residentState: 'LA', license503a: 'LA-PHY-7781', nabpNumber: '1234567', npi: '1234567893', shippingCents: 1250, coldChainFeeCents: 1800, turnaroundDays: 4, active: false, connectionKind: 'portal', phone: '+15045550142' });
    const shown = await page(admin, created.id);
    // Only the secret's last characters are ever shown again.
    expect(JSON.stringify(shown)).not.toContain(created.signingSecret);
    expect(shown.connection.secretHint).toBe(`…${created.signingSecret.slice(-4)}`);

    const early = await act(admin, created.id, { intent: 'activate' });
    expect(early.res.status).toBe(422);
    expect(early.body!.formError).toMatch(/ship-to licence in force/);

    expect((await act(admin, created.id, { intent: 'license', state: 'la', licenseNumber: 'LA-SHIP-1', expiresOn: '2099-12-31' })).res.status).toBe(200);
    expect((await act(admin, created.id, { intent: 'license', state: 'TX', licenseNumber: 'TX-OLD', expiresOn: '2020-01-31' })).res.status).toBe(200);
    const withLicences = await page(admin, created.id);
    expect(withLicences.licenses).toEqual([
      { state: 'LA', licenseNumber: 'LA-SHIP-1', expiresOn: '2099-12-31', expired: false },
      { state: 'TX', licenseNumber: 'TX-OLD', expiresOn: '2020-01-31', expired: true },
    ]);
    expect((await act(admin, created.id, { intent: 'activate' })).res.status).toBe(200);
    const list = (await (await call(pharmacyList.loader, request('/admin/pharmacies', { cookie: admin }))).json()) as { pharmacies: Record<string, any>[] };
    expect(list.pharmacies.find((p) => p.slug === 'bayou')).toMatchObject({ active: true, validLicenses: 1, payouts: 'not_set_up', connectionKind: 'portal' });
    const audit = await getDb().selectFrom('auditEvents').select('action').where('pharmacyId', '=', created.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['pharmacy.created', 'pharmacy.license_added', 'pharmacy.license_added', 'pharmacy.activated']);
  });

  it('names each bad field, keeps what was typed, and leaves nothing half-created', async () => {
    const admin = await signIn('admin@vialcart.example');
    const before = await getDb().selectFrom('pharmacies').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const taken = await post(newPharmacy.action, '/admin/pharmacies/new', admin, { ...PHARMACY, slug: 'pacific' });
    expect(taken.res.status).toBe(400);
    expect(taken.body!.fieldErrors).toEqual({ slug: expect.stringMatching(/already uses this slug/) });
    const bad = await post(newPharmacy.action, '/admin/pharmacies/new', admin, { ...PHARMACY, slug: 'bayou-2', residentState: 'ZZ', npi: '12', shipping: 'ten', connectionKind: 'rest', endpoint: '' });
    expect(bad.res.status).toBe(400);
    expect(Object.keys(bad.body!.fieldErrors!).sort()).toEqual(['endpoint', 'npi', 'residentState', 'shipping']);
    expect(bad.body!.fieldErrors!.residentState).toMatch(/USPS state code/);
    expect(bad.body!.values).toMatchObject({ name: 'Bayou Compounding', npi: '12', shipping: 'ten' });
    const after = await getDb().selectFrom('pharmacies').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    const pacific = DEMO_IDS.pharmacy('pacific');
    const licence = await act(admin, pacific, { intent: 'license', state: 'XX', licenseNumber: 'N-1', expiresOn: '2030-01-01' });
    expect(licence.res.status).toBe(400);
    expect(licence.body!.fieldErrors).toEqual({ state: 'Use a USPS state code such as CA.' });
    expect(await getDb().selectFrom('pharmacyShipLicenses').select('state').where('pharmacyId', '=', pacific).where('state', '=', 'XX' as never).execute()).toEqual([]);
    const endpoint = await act(admin, pacific, { intent: 'connection', connectionKind: 'rest', endpoint: 'not a url', feedUrl: '', feedKey: '' });
    expect(endpoint.res.status).toBe(400);
    expect(endpoint.body!.fieldErrors).toEqual({ endpoint: expect.stringMatching(/full URL/) });
    expect((await call(pharmacyPage.loader, request('/admin/pharmacies/nope', { cookie: admin }), { id: 'nope' })).status).toBe(404);
  });

  it('sends a signed test order to the pharmacy simulator and shows its answer; an unreachable endpoint gets a specific message', async () => {
    const admin = await signIn('admin@vialcart.example');
    const sierra = DEMO_IDS.pharmacy('sierra');
    const { webhookSecret } = await getDb().selectFrom('pharmacies').select('webhookSecret').where('id', '=', sierra).executeTakeFirstOrThrow();
    simulator.configure({ secrets: { sierra: webhookSecret } });
    const saved = await act(admin, sierra, { intent: 'connection', connectionKind: 'rest', endpoint: simulator.endpointFor('sierra'), feedUrl: '', feedKey: '' });
    expect(saved.res.status).toBe(200);
    const { body } = await act(admin, sierra, { intent: 'test_order' });
    expect(body!.testOrder).toMatchObject({ kind: 'answered', ok: true, status: 200, endpoint: simulator.endpointFor('sierra'), message: expect.stringMatching(/accepted the test order \(HTTP 200\)/) });
    expect(JSON.parse(body!.testOrder!.excerpt)).toMatchObject({ received: true, test: true });
    expect(body!.testOrder!.ms).toBeGreaterThanOrEqual(0);
    expect(simulator.testOrders.at(-1)).toMatchObject({ schema: 'vialcart.order.v1', test: true, pharmacy: { id: sierra, slug: 'sierra' } });
    expect(simulator.orders.size).toBe(0); // a test order is never filled

    // A pharmacy that does not know the secret answers 401: the page says why real orders would fail.
    simulator.configure({ secrets: { sierra: 'whsec_someone_else' } });
    const refused = await act(admin, sierra, { intent: 'test_order' });
    expect(refused.body!.testOrder).toMatchObject({ kind: 'answered', ok: false, status: 401, message: expect.stringMatching(/current signing secret/) });

    // A port nothing listens on any more.
    const port = await closedPort();
    await act(admin, sierra, { intent: 'connection', connectionKind: 'rest', endpoint: `http://127.0.0.1:${port}/orders`, feedUrl: '', feedKey: '' });
    const unreachable = await act(admin, sierra, { intent: 'test_order' });
    expect(unreachable.res.status).toBe(200);
    expect(unreachable.body!.testOrder).toMatchObject({ kind: 'unreachable', ok: false, reason: 'refused', message: `Nothing accepted the connection at 127.0.0.1:${port}: the server is down, or the address or port is wrong.` });

    // Portal only: no test order to send.
    await act(admin, sierra, { intent: 'connection', connectionKind: 'portal', endpoint: '', feedUrl: '', feedKey: '' });
    const portal = await act(admin, sierra, { intent: 'test_order' });
    expect(portal.res.status).toBe(400);
    const audit = await getDb().selectFrom('auditEvents').select('detail').where('pharmacyId', '=', sierra).where('action', '=', 'pharmacy.test_order_sent').orderBy('id').execute();
    expect(audit.map((a) => (a.detail as { ok: boolean }).ok)).toEqual([true, false, false]);
  });

  it('rotates the signing secret with an overlap: both verify until it ends, then only the new one; orders are signed with the new one', async () => {
    const admin = await signIn('admin@vialcart.example');
    const greatlakes = DEMO_IDS.pharmacy('greatlakes');
    const principal = { kind: 'pharmacy_key' as const, keyId: 'test', pharmacyId: greatlakes };
    const { webhookSecret: old } = await getDb().selectFrom('pharmacies').select('webhookSecret').where('id', '=', greatlakes).executeTakeFirstOrThrow();
    const start = new Date();
    const clock = manualClock(start);
    setClock(clock);
    const signed = (secret: string, body: string) => signPayload(secret, body, Math.floor(clock.now().getTime() / 1000));
    const body = JSON.stringify({ eventId: 'e-1', type: 'accepted' });

    const bad = await act(admin, greatlakes, { intent: 'rotate_secret', overlapHours: '500' });
    expect(bad.res.status).toBe(400);
    expect(bad.body!.fieldErrors).toEqual({ overlapHours: expect.stringMatching(/168/) });
    const rotated = await act(admin, greatlakes, { intent: 'rotate_secret', overlapHours: '24' });
    const fresh = rotated.body!.secret!;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(rotated.body!.overlapEndsAt).toBe(new Date(start.getTime() + 24 * 3_600_000).toISOString());
    expect((await page(admin, greatlakes)).connection).toMatchObject({ secretHint: `…${fresh.slice(-4)}`, previousSecretHint: `…${old.slice(-4)}`, overlapEndsAt: rotated.body!.overlapEndsAt });

    // Inside the window both verify.
    await expect(checkPharmacyEventSignature(principal, body, signed(fresh, body))).resolves.toBeUndefined();
    await expect(checkPharmacyEventSignature(principal, body, signed(old, body))).resolves.toBeUndefined();
    await expect(checkPharmacyEventSignature(principal, body, signed('whsec_forged', body))).rejects.toMatchObject({ code: 'unauthorized' });
    clock.advance(23 * 3_600_000 + 59 * 60_000);
    await expect(checkPharmacyEventSignature(principal, body, signed(old, body))).resolves.toBeUndefined();
    // Once it ends, only the new one.
    clock.advance(2 * 60_000);
    await expect(checkPharmacyEventSignature(principal, body, signed(old, body))).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(checkPharmacyEventSignature(principal, body, signed(fresh, body))).resolves.toBeUndefined();
    expect((await page(await signIn('admin@vialcart.example'), greatlakes)).connection).toMatchObject({ previousSecretHint: null, overlapEndsAt: null });

    // Outbound: a test order is signed with the new secret (a pharmacy still on the old one refuses it).
    setClock(undefined);
    await act(admin, greatlakes, { intent: 'connection', connectionKind: 'rest', endpoint: simulator.endpointFor('greatlakes'), feedUrl: '', feedKey: '' });
    simulator.configure({ secrets: { greatlakes: old } });
    expect((await act(admin, greatlakes, { intent: 'test_order' })).body!.testOrder).toMatchObject({ status: 401 });
    simulator.configure({ secrets: { greatlakes: fresh } });
    expect((await act(admin, greatlakes, { intent: 'test_order' })).body!.testOrder).toMatchObject({ status: 200, ok: true });

    // A rotation with no overlap ends the previous secret at once.
    const now = await act(admin, greatlakes, { intent: 'rotate_secret', overlapHours: '0' });
    expect(now.body!.overlapEndsAt).toBeNull();
    await expect(checkPharmacyEventSignature(principal, body, signPayload(fresh, body, Math.floor(Date.now() / 1000)))).rejects.toMatchObject({ code: 'unauthorized' });
    await act(admin, greatlakes, { intent: 'connection', connectionKind: 'portal', endpoint: '', feedUrl: '', feedKey: '' });
  });
});

describe('pharmacists, by invitation', () => {
  it('invites a pharmacist, who sets a password, works only in their own pharmacy and cannot reach /admin; an address active elsewhere is refused', async () => {
    const admin = await signIn('admin@vialcart.example');
    const sierra = DEMO_IDS.pharmacy('sierra');
    const elsewhere = await act(admin, sierra, { intent: 'invite_pharmacist', email: 'pharmacist@pacific.example', name: 'Someone' });
    expect(elsewhere.res.status).toBe(409);
    expect(elsewhere.body!.fieldErrors).toEqual({ email: expect.stringMatching(/another clinic or pharmacy/) });
    expect(elsewhere.body!.values).toMatchObject({ email: 'pharmacist@pacific.example' });
    const staff = await act(admin, sierra, { intent: 'invite_pharmacist', email: 'tech@riverside.example', name: 'Tech' });
    expect(staff.res.status).toBe(409);

    const invited = await act(admin, sierra, { intent: 'invite_pharmacist', email: 'marta@sierra.example', name: 'Marta Reyes' });
    expect(invited.res.status).toBe(200);
    expect((await page(admin, sierra)).pharmacists).toContainEqual(expect.objectContaining({ email: 'marta@sierra.example', status: 'invited' }));
    const { messages } = (await (await call(adminMailbox.loader, request('/admin/mailbox', { cookie: admin }))).json()) as { messages: { toAddress: string; body: string }[] };
    const token = /\/invite\/(\S+)/.exec(messages.find((m) => m.toAddress === 'marta@sierra.example')!.body)![1]!;
    const accepted = await call(inviteRoute.action, request(`/invite/${token}`, { form: { name: 'Marta Reyes', password: 'granite heron lantern 8', confirmPassword: 'granite heron lantern 8' } }), { token });
    expect(accepted.status).toBe(302);
    const marta = await signIn('marta@sierra.example', 'granite heron lantern 8');

    // Not the admin area.
    const adminArea = await call(adminLayout.loader, request('/admin', { cookie: marta }));
    expect([302, 403, 404]).toContain(adminArea.status);
    if (adminArea.status === 302) expect(adminArea.headers.get('location')).not.toMatch(/^\/admin/);
    const pharmacyAdmin = await call(pharmacyPage.loader, request(`/admin/pharmacies/${sierra}`, { cookie: marta }), { id: sierra });
    expect(pharmacyAdmin.status).not.toBe(200);

    // Another pharmacy's order is not found; her own pharmacy's is shown.
    const { order } = await paidOrderAt(world, 'pacific');
    expect((await call(pharmacyOrder.loader, request(`/pharmacy/orders/${order.id}`, { cookie: marta }), { id: order.id })).status).toBe(404);
    const sierraOrder = await getDb().selectFrom('orders').select('id').where('pharmacyId', '=', sierra).where('checkoutId', '=', order.checkoutId).executeTakeFirstOrThrow();
    expect((await call(pharmacyOrder.loader, request(`/pharmacy/orders/${sierraOrder.id}`, { cookie: marta }), { id: sierraOrder.id })).status).toBe(200);
    await resetCheckouts(world);
  });
});

describe('API keys rotated with an overlap', () => {
  it('a rotated key answers to its new secret and, until the overlap ends, its old one; then only the new', async () => {
    const pharmacist = await signIn('pharmacist@pacific.example');
    const keysAction = (form: Record<string, string>) => call(pharmacyKeys.action, request('/pharmacy/api-keys', { cookie: pharmacist, form }));
    const created = (await (await keysAction({ intent: 'create', name: 'LIMS', scope: 'read' })).json()) as { created: { secret: string } };
    const old = created.created.secret;
    const keyRow = await getDb().selectFrom('apiKeys').select(['id', 'keyPrefix']).where('pharmacyId', '=', DEMO_IDS.pharmacy('pacific')).where('name', '=', 'LIMS').executeTakeFirstOrThrow();
    const ordersWith = async (key: string) => (await call(pharmacyOrdersApi.loader, request('/api/pharmacy/v1/orders', { apiKey: key }))).status;
    expect(await ordersWith(old)).toBe(200);

    const start = new Date();
    const clock = manualClock(start);
    setClock(clock);
    const tooLong = await keysAction({ intent: 'rotate', keyId: keyRow.id, overlapHours: '200' });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as Answer).fieldErrors).toEqual({ overlapHours: expect.stringMatching(/168/) });
    const rotated = (await (await keysAction({ intent: 'rotate', keyId: keyRow.id, overlapHours: '24' })).json()) as { rotated: { secret: string; previousWorksUntil: string } };
    const fresh = rotated.rotated.secret;
    expect(fresh).toMatch(/^vc_pharmacy_/);
    expect(fresh).not.toBe(old);
    expect(rotated.rotated.previousWorksUntil).toBe(new Date(start.getTime() + 24 * 3_600_000).toISOString());
    const listed = ((await (await call(pharmacyKeys.loader, request('/pharmacy/api-keys', { cookie: pharmacist }))).json()) as { keys: { id: string; prefix: string; previousWorksUntil: string | null }[] }).keys.find((k) => k.id === keyRow.id)!;
    expect(listed).toMatchObject({ prefix: fresh.slice(0, listed.prefix.length), previousWorksUntil: rotated.rotated.previousWorksUntil });
    expect(listed.prefix).not.toBe(keyRow.keyPrefix);

    expect(await ordersWith(fresh)).toBe(200);
    expect(await ordersWith(old)).toBe(200);
    clock.advance(24 * 3_600_000 - 60_000);
    expect(await ordersWith(old)).toBe(200);
    clock.advance(2 * 60_000);
    expect(await ordersWith(old)).toBe(401);
    expect(await ordersWith(fresh)).toBe(200);
    setClock(undefined);

    // No overlap: the old secret stops at once. A revoked key is not rotated; another pharmacy's key is a 404.
    const again = (await (await keysAction({ intent: 'rotate', keyId: keyRow.id, overlapHours: '0' })).json()) as { rotated: { secret: string; previousWorksUntil: string | null } };
    expect(again.rotated.previousWorksUntil).toBeNull();
    expect(await ordersWith(fresh)).toBe(401);
    expect(await ordersWith(again.rotated.secret)).toBe(200);
    await keysAction({ intent: 'revoke', keyId: keyRow.id });
    expect((await keysAction({ intent: 'rotate', keyId: keyRow.id, overlapHours: '24' })).status).toBe(409);
    const sierraKey = await getDb().selectFrom('apiKeys').select('id').where('pharmacyId', '=', DEMO_IDS.pharmacy('sierra')).executeTakeFirstOrThrow();
    expect((await keysAction({ intent: 'rotate', keyId: sierraKey.id, overlapHours: '24' })).status).toBe(404);
    const audit = await getDb().selectFrom('auditEvents').select('action').where('subjectId', '=', keyRow.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['api_key.created', 'api_key.rotated', 'api_key.rotated', 'api_key.revoked']);
  });
});

describe('payouts through Stripe Connect', () => {
  it('"Set up payouts" creates an Express account and an onboarding link; account.updated keeps its status; until then its lines are paid on account', async () => {
    const admin = await signIn('admin@vialcart.example');
    const greatlakes = DEMO_IDS.pharmacy('greatlakes');
    await getDb().updateTable('pharmacies').set({ stripeAccountId: null, stripeChargesEnabled: null, stripePayoutsEnabled: null, stripeAccountCheckedAt: null }).where('id', '=', greatlakes).execute();
    expect((await page(admin, greatlakes)).payouts).toMatchObject({ state: 'not_set_up', accountId: null });

    const started = await call(pharmacyPage.action, request(`/admin/pharmacies/${greatlakes}`, { cookie: admin, form: { intent: 'payouts' } }), { id: greatlakes });
    expect(started.status).toBe(302);
    const [accountCall] = world.stripe.callsTo('POST', '/v1/accounts');
    expect(accountCall).toMatchObject({ idempotencyKey: `connect_account:${greatlakes}`, form: { type: 'express', country: 'US', capabilities: { transfers: { requested: 'true' } }, metadata: { pharmacyId: greatlakes } } });
    const accountId = [...world.stripe.accounts.keys()][0]!;
    const [linkCall] = world.stripe.callsTo('POST', '/v1/account_links');
    expect(linkCall!.form).toEqual({ account: accountId, type: 'account_onboarding', refresh_url: `http://vialcart.test/admin/pharmacies/${greatlakes}?payouts=refresh`, return_url: `http://vialcart.test/admin/pharmacies/${greatlakes}?payouts=return` });
    expect(started.headers.get('location')).toMatch(new RegExp(`^https://connect\\.stripe\\.test/setup/e/${accountId}/`));
    const recorded = await getDb().selectFrom('pharmacies').select(['stripeAccountId', 'stripeChargesEnabled', 'stripePayoutsEnabled']).where('id', '=', greatlakes).executeTakeFirstOrThrow();
    expect(recorded).toEqual({ stripeAccountId: accountId, stripeChargesEnabled: false, stripePayoutsEnabled: false });
    expect((await page(admin, greatlakes)).payouts.state).toBe('pending');

    // Clicking again makes a fresh link for the same account, never a second account.
    await call(pharmacyPage.action, request(`/admin/pharmacies/${greatlakes}`, { cookie: admin, form: { intent: 'payouts' } }), { id: greatlakes });
    expect(world.stripe.callsTo('POST', '/v1/accounts')).toHaveLength(1);
    expect(world.stripe.callsTo('POST', '/v1/account_links')).toHaveLength(2);

    // Flagged to the admin, and its order is paid on account: no transfer is attempted.
    const money = (await (await call(adminMoney.loader, request('/admin/money', { cookie: admin }))).json()) as { onAccount: { id: string; payouts: string }[] };
    expect(money.onAccount).toContainEqual({ id: greatlakes, name: expect.any(String), payouts: 'pending' });
    const { order } = await paidOrderAt(world, 'greatlakes');
    await recordPharmacyEvent({ kind: 'pharmacy_key', keyId: 'test', pharmacyId: greatlakes }, order.id, { eventId: `accepted-${order.id}`, type: 'accepted' });
    await drainJobs();
    expect(world.stripe.callsTo('POST', '/v1/transfers').filter((c) => c.form.metadata?.orderId === order.id)).toHaveLength(0);
    expect(await getDb().selectFrom('paymentMovements').select('kind').where('orderId', '=', order.id).where('kind', '=', 'transfer').execute()).toEqual([]);
    expect(await orderMoney(TECH, order.id)).toMatchObject({ paidOutsideStripe: true, toPharmacyCents: 0 });

    // Stripe finishes onboarding and says so, signed: the pharmacy is paid by transfer from now on.
    const finished = world.stripe.setAccountStatus(accountId, { charges_enabled: true, payouts_enabled: true });
    await deliverEvent(world, 'account.updated', finished);
    const after = await page(admin, greatlakes);
    expect(after.payouts).toMatchObject({ state: 'enabled', accountId, chargesEnabled: true, payoutsEnabled: true });
    const moneyAfter = (await (await call(adminMoney.loader, request('/admin/money', { cookie: admin }))).json()) as { onAccount: { id: string }[] };
    expect(moneyAfter.onAccount.map((p) => p.id)).not.toContain(greatlakes);
    // The order accepted while it was on account stays paid on account, and its ledger holds.
    expect(await orderMoney(TECH, order.id)).toMatchObject({ paidOutsideStripe: true, toPharmacyCents: 0 });
    expect(await getDb().selectFrom('orders').select('pharmacyPayout').where('id', '=', order.id).executeTakeFirstOrThrow()).toEqual({ pharmacyPayout: 'on_account' });
    expect(await verifyCheckoutLedger(getDb(), order.checkoutId)).toEqual([]);

    const audit = await getDb().selectFrom('auditEvents').select('action').where('pharmacyId', '=', greatlakes).where('action', 'like', 'pharmacy.stripe%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['pharmacy.stripe_account_created', 'pharmacy.stripe_account_updated']);
    await resetCheckouts(world);
  });
});
