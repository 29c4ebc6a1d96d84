import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database } from '../../../db/schema';
import { postTestOrder, sampleTestOrder, type TestOrderAnswer } from '../../../pharmacies/rest/test-order';
import { isUsStateCode, isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { inviteUser } from '../identity/invitations.server';
import type { Principal } from '../identity/principal';
import { isUniqueViolation, requireAdmin } from './guard.server';
import { newSigningSecret } from '../orders/signing-secrets.server';
import { PaymentRefused, PaymentsUnavailable, receivesTransfers, setUpPayouts, stripeConfigured } from '../payments/index.server';
import { now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import { secretHint } from '../platform/secrets.server';

// The platform administrator's pharmacies (docs/onboarding.md, "Pharmacies"): create one with
// its licences' numbers, fees and turnaround; its ship-to licences per state; how it connects
// (a REST endpoint signed with its secret, with a test order, or the portal only); its signing
// secret, shown once and rotated with an overlap; its pharmacists, invited; its payouts through
// a Stripe Connect account; deactivate and reactivate it.

/** A pharmacy as the admin sets it. */
export type PharmacyInput = {
  name: string;
  slug: string;
  residentState: string;
  license503a: string;
  nabpNumber: string | null;
  npi: string | null;
  contactName: string | null;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  city: string | null;
  postalCode: string | null;
  shippingCents: number;
  coldChainFeeCents: number;
  turnaroundDays: number;
};

/** How the pharmacy receives orders: its REST endpoint, or the portal only. */
export type ConnectionInput = { kind: 'rest'; endpoint: string } | { kind: 'portal' };

/** The overlap a rotated secret keeps verifying, unless the admin picks another: 24 hours. */
export const DEFAULT_OVERLAP_HOURS = 24;
/** The longest overlap: a week. */
export const MAX_OVERLAP_HOURS = 168;
/** How long "send a test order" waits for the pharmacy. */
export const TEST_ORDER_TIMEOUT_MS = 8_000;

const SLUG_TAKEN = 'Another pharmacy already uses this slug: choose another.';

async function slugTaken(db: Kysely<Database>, slug: string, except?: string): Promise<boolean> {
  const row = await db
    .selectFrom('pharmacies')
    .select('id')
    .where('slug', '=', slug)
    .$if(!!except, (q) => q.where('id', '<>', except!))
    .executeTakeFirst();
  return !!row;
}

async function lockPharmacy(tx: Transaction<Database>, pharmacyId: string) {
  if (!isUuid(pharmacyId)) throw notFound('Pharmacy');
  const row = await tx.selectFrom('pharmacies').selectAll().where('id', '=', pharmacyId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Pharmacy');
  return row;
}

function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new DomainError('bad_request', 'Enter the endpoint as a full URL.', { endpoint: 'Enter a full URL such as https://pharmacy.example/vialcart/orders.' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DomainError('bad_request', 'The endpoint must be an http(s) URL.', { endpoint: 'Use an https:// URL.' });
  if (url.username || url.password) throw new DomainError('bad_request', 'The endpoint must not carry a user name or password.', { endpoint: 'Remove the user name and password from the URL: orders are signed instead.' });
  return url.toString();
}

/** Every pharmacy with its licences counted and whether it can be paid by transfer, by name. */
export async function listPharmacies(principal: Principal) {
  requireAdmin(principal, 'pharmacies');
  const today = now().toISOString().slice(0, 10);
  const rows = await getDb()
    .selectFrom('pharmacies as p')
    .select((eb) => [
      'p.id',
      'p.name',
      'p.slug',
      'p.residentState',
      'p.connectionKind',
      'p.active',
      'p.stripeAccountId',
      'p.stripePayoutsEnabled',
      eb.selectFrom('pharmacyShipLicenses as l').select((e) => e.fn.countAll<string>().as('n')).whereRef('l.pharmacyId', '=', 'p.id').where('l.expiresOn', '>=', today).as('validLicenses'),
      eb.selectFrom('users as u').select((e) => e.fn.countAll<string>().as('n')).whereRef('u.pharmacyId', '=', 'p.id').where('u.active', '=', true).as('pharmacists'),
    ])
    .orderBy('p.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    residentState: r.residentState,
    connectionKind: r.connectionKind,
    active: r.active,
    payouts: payoutsState(r),
    validLicenses: Number(r.validLicenses ?? 0),
    pharmacists: Number(r.pharmacists ?? 0),
  }));
}

/** Where a pharmacy's payouts stand: no account yet, onboarding unfinished (paid on account), or paid by transfer. */
export type PayoutsState = 'not_set_up' | 'pending' | 'enabled' | 'unknown';

function payoutsState(p: { stripeAccountId: string | null; stripePayoutsEnabled: boolean | null }): PayoutsState {
  if (!p.stripeAccountId) return 'not_set_up';
  if (p.stripePayoutsEnabled === null) return 'unknown';
  return receivesTransfers(p) ? 'enabled' : 'pending';
}

/** Active pharmacies whose lines are paid on account because they cannot receive transfers (for the admin's money page). */
export async function pharmaciesPaidOnAccount(principal: Principal) {
  requireAdmin(principal, 'pharmacies');
  const rows = await getDb()
    .selectFrom('pharmacies')
    .select(['id', 'name', 'stripeAccountId', 'stripePayoutsEnabled'])
    .where('active', '=', true)
    .where((eb) => eb.or([eb('stripeAccountId', 'is', null), eb('stripePayoutsEnabled', '=', false)]))
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, payouts: payoutsState(r) }));
}

/** One pharmacy for its admin page: details, licences, connection (the secret never shown, only its end), payouts, pharmacists and catalog imports. */
export async function getPharmacyForAdmin(principal: Principal, pharmacyId: string) {
  requireAdmin(principal, 'pharmacies');
  if (!isUuid(pharmacyId)) throw notFound('Pharmacy');
  const db = getDb();
  const p = await db.selectFrom('pharmacies').selectAll().where('id', '=', pharmacyId).executeTakeFirst();
  if (!p) throw notFound('Pharmacy');
  const at = now();
  const today = at.toISOString().slice(0, 10);
  const [licenses, pharmacists, imports] = await Promise.all([
    db.selectFrom('pharmacyShipLicenses').select(['state', 'licenseNumber', 'expiresOn']).where('pharmacyId', '=', pharmacyId).orderBy('state').execute(),
    db.selectFrom('users').select(['id', 'name', 'email', 'active', 'deactivatedAt', 'lastLoginAt']).where('pharmacyId', '=', pharmacyId).orderBy('name').execute(),
    db
      .selectFrom('catalogImports')
      .select(['id', 'source', 'fileName', 'status', 'totalRows', 'processedRows', 'createdAt', 'finishedAt', sql<{ created?: number; updated?: number } | null>`report -> 'summary'`.as('summary')])
      .where('pharmacyId', '=', pharmacyId)
      .orderBy('createdAt', 'desc')
      .limit(5)
      .execute(),
  ]);
  const overlapEnds = p.previousSecretExpiresAt && p.previousSecretExpiresAt > at ? p.previousSecretExpiresAt.toISOString() : null;
  return {
    id: p.id,
    name: p.name,
    slug: p.slug,
    residentState: p.residentState,
    license503a: p.license503a,
    nabpNumber: p.nabpNumber,
    npi: p.npi,
    contactName: p.contactName,
    email: p.email,
    phone: p.phone,
    addressLine1: p.addressLine1,
    city: p.city,
    postalCode: p.postalCode,
    shippingCents: p.shippingCents,
    coldChainFeeCents: p.coldChainFeeCents,
    turnaroundDays: p.turnaroundDays,
    active: p.active,
    createdAt: p.createdAt.toISOString(),
    connection: {
      kind: p.connectionKind,
      endpoint: p.connectionSettings.endpoint ?? null,
      feedUrl: p.connectionSettings.feedUrl ?? null,
      hasFeedKey: Boolean(p.connectionSettings.feedKey),
      secretHint: secretHint(p.webhookSecret),
      secretRotatedAt: p.secretRotatedAt ? p.secretRotatedAt.toISOString() : null,
      previousSecretHint: overlapEnds && p.previousWebhookSecret ? secretHint(p.previousWebhookSecret) : null,
      overlapEndsAt: overlapEnds,
    },
    payouts: {
      state: payoutsState(p),
      accountId: p.stripeAccountId,
      chargesEnabled: p.stripeChargesEnabled,
      payoutsEnabled: p.stripePayoutsEnabled,
      checkedAt: p.stripeAccountCheckedAt ? p.stripeAccountCheckedAt.toISOString() : null,
    },
    licenses: licenses.map((l) => ({ ...l, expired: l.expiresOn < today })),
    pharmacists: pharmacists.map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      status: u.active ? 'active' : u.deactivatedAt ? 'deactivated' : 'invited',
      lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
    })),
    imports: imports.map((i) => ({ ...i, createdAt: i.createdAt.toISOString(), finishedAt: i.finishedAt ? i.finishedAt.toISOString() : null })),
  };
}

function columns(input: PharmacyInput) {
  return {
    name: input.name,
    slug: input.slug,
    residentState: input.residentState,
    license503a: input.license503a,
    nabpNumber: input.nabpNumber,
    npi: input.npi,
    contactName: input.contactName,
    email: input.email,
    phone: input.phone,
    addressLine1: input.addressLine1,
    city: input.city,
    postalCode: input.postalCode,
    shippingCents: input.shippingCents,
    coldChainFeeCents: input.coldChainFeeCents,
    turnaroundDays: input.turnaroundDays,
  };
}

function checkState(state: string, field: string): void {
  if (!isUsStateCode(state)) throw new DomainError('bad_request', `${state || 'That'} is not a USPS state code.`, { [field]: 'Use a USPS state code such as CA.' });
}

/**
 * Creates a pharmacy (inactive until the admin activates it, so it offers nothing before its
 * licences and catalog are in) with its connection and a new signing secret, answered once:
 * only its last characters are ever shown again. A taken slug is a 400 on `slug`, nothing created.
 */
export async function createPharmacy(principal: Principal, input: PharmacyInput, connection: ConnectionInput): Promise<{ pharmacyId: string; signingSecret: string }> {
  requireAdmin(principal, 'pharmacies');
  checkState(input.residentState, 'residentState');
  const endpoint = connection.kind === 'rest' ? checkEndpoint(connection.endpoint) : null;
  const signingSecret = newSigningSecret();
  try {
    return await getDb()
      .transaction()
      .execute(async (tx) => {
        if (await slugTaken(tx, input.slug)) throw new DomainError('bad_request', SLUG_TAKEN, { slug: SLUG_TAKEN });
        const at = now();
        const row = await tx
          .insertInto('pharmacies')
          .values({
            ...columns(input),
            connectionKind: connection.kind,
            connectionSettings: json(endpoint ? { endpoint } : {}),
            webhookSecret: signingSecret,
            active: false,
            createdAt: at,
            updatedAt: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit(tx, principal, { pharmacyId: row.id, action: 'pharmacy.created', subjectType: 'pharmacy', subjectId: row.id, detail: { name: input.name, slug: input.slug, connection: connection.kind } });
        return { pharmacyId: row.id, signingSecret };
      });
  } catch (error) {
    if (isUniqueViolation(error, 'pharmacies_slug_key')) throw new DomainError('bad_request', SLUG_TAKEN, { slug: SLUG_TAKEN });
    throw error;
  }
}

/** Saves a pharmacy's details, fees and turnaround; audited with what changed. */
export async function updatePharmacy(principal: Principal, pharmacyId: string, input: PharmacyInput): Promise<void> {
  requireAdmin(principal, 'pharmacies');
  checkState(input.residentState, 'residentState');
  try {
    await getDb()
      .transaction()
      .execute(async (tx) => {
        const before = await lockPharmacy(tx, pharmacyId);
        if (await slugTaken(tx, input.slug, pharmacyId)) throw new DomainError('bad_request', SLUG_TAKEN, { slug: SLUG_TAKEN });
        await tx.updateTable('pharmacies').set({ ...columns(input), updatedAt: now() }).where('id', '=', pharmacyId).execute();
        const was = before as unknown as Record<string, unknown>;
        const changed = Object.fromEntries(
          Object.entries(input)
            .filter(([k, v]) => JSON.stringify(was[k] ?? null) !== JSON.stringify(v))
            .map(([k, v]) => [k, { from: was[k] ?? null, to: v }]),
        );
        await audit(tx, principal, { pharmacyId, action: 'pharmacy.updated', subjectType: 'pharmacy', subjectId: pharmacyId, detail: { changed } });
      });
  } catch (error) {
    if (isUniqueViolation(error, 'pharmacies_slug_key')) throw new DomainError('bad_request', SLUG_TAKEN, { slug: SLUG_TAKEN });
    throw error;
  }
}

/** Adds or renews a ship-to licence (one per state). An expired one keeps validation from passing for its state (`pharmacy.ship_state`). */
export async function saveShipLicense(principal: Principal, pharmacyId: string, input: { state: string; licenseNumber: string; expiresOn: string }): Promise<void> {
  requireAdmin(principal, 'pharmacies');
  checkState(input.state, 'state');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      await lockPharmacy(tx, pharmacyId);
      const before = await tx.selectFrom('pharmacyShipLicenses').select(['licenseNumber', 'expiresOn']).where('pharmacyId', '=', pharmacyId).where('state', '=', input.state).executeTakeFirst();
      await tx
        .insertInto('pharmacyShipLicenses')
        .values({ pharmacyId, state: input.state, licenseNumber: input.licenseNumber, expiresOn: input.expiresOn })
        .onConflict((oc) => oc.columns(['pharmacyId', 'state']).doUpdateSet({ licenseNumber: input.licenseNumber, expiresOn: input.expiresOn }))
        .execute();
      await audit(tx, principal, { pharmacyId, action: before ? 'pharmacy.license_updated' : 'pharmacy.license_added', subjectType: 'pharmacy', subjectId: pharmacyId, detail: { ...input, before: before ?? null } });
    });
}

/** Removes a state's ship-to licence (the pharmacy stops shipping there). */
export async function removeShipLicense(principal: Principal, pharmacyId: string, state: string): Promise<void> {
  requireAdmin(principal, 'pharmacies');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      await lockPharmacy(tx, pharmacyId);
      const removed = await tx.deleteFrom('pharmacyShipLicenses').where('pharmacyId', '=', pharmacyId).where('state', '=', state).returning(['licenseNumber', 'expiresOn']).executeTakeFirst();
      if (!removed) throw notFound('Licence');
      await audit(tx, principal, { pharmacyId, action: 'pharmacy.license_removed', subjectType: 'pharmacy', subjectId: pharmacyId, detail: { state, ...removed } });
    });
}

/** How the pharmacy receives orders, and where its catalog feed is (the key stays unless a new one is given). */
export async function saveConnection(principal: Principal, pharmacyId: string, connection: ConnectionInput, feed: { feedUrl: string | null; feedKey: string | null }): Promise<void> {
  requireAdmin(principal, 'pharmacies');
  const endpoint = connection.kind === 'rest' ? checkEndpoint(connection.endpoint) : null;
  let feedUrl: string | null = null;
  if (feed.feedUrl) {
    try {
      feedUrl = new URL(feed.feedUrl).toString();
    } catch {
      throw new DomainError('bad_request', 'Enter the catalog feed as a full URL.', { feedUrl: 'Enter a full URL such as https://pharmacy.example/vialcart/catalog.json.' });
    }
  }
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const before = await lockPharmacy(tx, pharmacyId);
      const settings = { ...before.connectionSettings };
      delete settings.endpoint;
      delete settings.feedUrl;
      if (endpoint) settings.endpoint = endpoint;
      if (feedUrl) settings.feedUrl = feedUrl;
      if (feed.feedKey) settings.feedKey = feed.feedKey;
      if (!feedUrl) delete settings.feedKey;
      await tx.updateTable('pharmacies').set({ connectionKind: connection.kind, connectionSettings: json(settings), updatedAt: now() }).where('id', '=', pharmacyId).execute();
      await audit(tx, principal, {
        pharmacyId,
        action: 'pharmacy.connection_updated',
        subjectType: 'pharmacy',
        subjectId: pharmacyId,
        detail: { from: { kind: before.connectionKind, endpoint: before.connectionSettings.endpoint ?? null, feedUrl: before.connectionSettings.feedUrl ?? null }, to: { kind: connection.kind, endpoint, feedUrl, feedKeyChanged: !!feed.feedKey } },
      });
    });
}

/**
 * Rotates the pharmacy's signing secret: the new one (answered once) signs every order from now
 * on; the previous one still verifies the pharmacy's signed events for `overlapHours` (0: at
 * once), so the pharmacy can switch without a gap. A secret still in an earlier overlap is
 * dropped: at most two verify at any time.
 */
export async function rotateSigningSecret(principal: Principal, pharmacyId: string, overlapHours: number = DEFAULT_OVERLAP_HOURS): Promise<{ signingSecret: string; overlapEndsAt: string | null }> {
  requireAdmin(principal, 'pharmacies');
  if (!Number.isInteger(overlapHours) || overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS) {
    throw new DomainError('bad_request', `The overlap is 0 to ${MAX_OVERLAP_HOURS} hours.`, { overlapHours: `Use 0 to ${MAX_OVERLAP_HOURS} whole hours.` });
  }
  const signingSecret = newSigningSecret();
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const before = await lockPharmacy(tx, pharmacyId);
      const at = now();
      const ends = overlapHours > 0 ? new Date(at.getTime() + overlapHours * 3_600_000) : null;
      await tx
        .updateTable('pharmacies')
        .set({ webhookSecret: signingSecret, previousWebhookSecret: ends ? before.webhookSecret : null, previousSecretExpiresAt: ends, secretRotatedAt: at, updatedAt: at })
        .where('id', '=', pharmacyId)
        .execute();
      await audit(tx, principal, { pharmacyId, action: 'pharmacy.secret_rotated', subjectType: 'pharmacy', subjectId: pharmacyId, detail: { overlapHours, previousVerifiesUntil: ends?.toISOString() ?? null, newSecretEndsWith: secretHint(signingSecret) } });
      return { signingSecret, overlapEndsAt: ends?.toISOString() ?? null };
    });
}

/** What "send a test order" shows: the pharmacy's answer, or a specific reason it could not be reached. */
export type TestOrderResult = TestOrderAnswer & { endpoint: string; orderId: string; ok: boolean; message: string };

function unreachableMessage(answer: Extract<TestOrderAnswer, { kind: 'unreachable' }>, endpoint: string): string {
  const host = new URL(endpoint).host;
  switch (answer.reason) {
    case 'timeout':
      return `${host} did not answer within ${TEST_ORDER_TIMEOUT_MS / 1000} seconds.`;
    case 'refused':
      return `Nothing accepted the connection at ${host}: the server is down, or the address or port is wrong.`;
    case 'dns':
      return `${host} does not resolve: check the host name.`;
    case 'tls':
      return `The secure connection to ${host} failed (its certificate): ${answer.message}.`;
    default:
      return `${host} could not be reached: ${answer.message}.`;
  }
}

/**
 * Posts a sample `vialcart.order.v1` document marked `test: true`, signed with the current
 * secret, to the pharmacy's REST endpoint and reports its answer (status, time, the start of its
 * body). An unreachable endpoint is a result with a specific message, not an error; a pharmacy
 * without an endpoint is a 400. Audited, never an order.
 */
export async function sendTestOrder(principal: Principal, pharmacyId: string): Promise<TestOrderResult> {
  requireAdmin(principal, 'pharmacies');
  if (!isUuid(pharmacyId)) throw notFound('Pharmacy');
  const db = getDb();
  const p = await db.selectFrom('pharmacies').select(['id', 'slug', 'connectionKind', 'connectionSettings', 'webhookSecret']).where('id', '=', pharmacyId).executeTakeFirst();
  if (!p) throw notFound('Pharmacy');
  const endpoint = p.connectionSettings.endpoint;
  if (p.connectionKind !== 'rest' || !endpoint) throw new DomainError('bad_request', 'This pharmacy has no REST endpoint: it receives orders in the portal. Save an endpoint first.', { endpoint: 'Save a REST endpoint first.' });
  const orderId = `test-${randomUUID()}`;
  const doc = sampleTestOrder(p, { orderId, messageId: randomUUID() }, now());
  const answer = await postTestOrder(endpoint, p.webhookSecret, doc, { now, timeoutMs: TEST_ORDER_TIMEOUT_MS });
  const ok = answer.kind === 'answered' && answer.status >= 200 && answer.status < 300;
  const message =
    answer.kind === 'unreachable'
      ? unreachableMessage(answer, endpoint)
      : ok
        ? `The pharmacy accepted the test order (HTTP ${answer.status}) in ${answer.ms} ms.`
        : `The pharmacy answered HTTP ${answer.status} in ${answer.ms} ms: real orders would ${answer.status === 401 || answer.status === 403 ? 'be refused (does it have the current signing secret?)' : answer.status >= 500 || answer.status === 408 || answer.status === 429 ? 'be retried' : 'fail'}.`;
  await audit(db, principal, {
    pharmacyId,
    action: 'pharmacy.test_order_sent',
    subjectType: 'pharmacy',
    subjectId: pharmacyId,
    detail: { endpoint, orderId, ok, ...(answer.kind === 'answered' ? { status: answer.status, ms: answer.ms } : { reason: answer.reason, ms: answer.ms }) },
  });
  return { ...answer, endpoint, orderId, ok, message };
}

/** Invites a pharmacist (identity's invitation mechanism: a signed 72-hour link that sets their password). */
export async function invitePharmacist(principal: Principal, pharmacyId: string, input: { email: string; name?: string | null }): Promise<void> {
  requireAdmin(principal, 'pharmacies');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      await lockPharmacy(tx, pharmacyId);
      await inviteUser(tx, principal, { email: input.email, name: input.name ?? undefined, role: 'pharmacist', clinicId: null, pharmacyId });
    });
}

/**
 * Activates a pharmacy (its offers appear to clinics, its people and keys work) or deactivates
 * it (its people and keys are refused on their next request; its data and orders stay).
 * Activating needs a resident-state licence number and at least one ship-to licence in force.
 */
export async function setPharmacyActive(principal: Principal, pharmacyId: string, active: boolean): Promise<void> {
  requireAdmin(principal, 'pharmacies');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const p = await lockPharmacy(tx, pharmacyId);
      if (p.active === active) return;
      if (active) {
        const today = now().toISOString().slice(0, 10);
        const inForce = await tx.selectFrom('pharmacyShipLicenses').select('state').where('pharmacyId', '=', pharmacyId).where('expiresOn', '>=', today).executeTakeFirst();
        if (!inForce) throw new DomainError('unprocessable', 'Add a ship-to licence in force before activating the pharmacy: without one it cannot fill any order.');
        if (p.connectionKind === 'rest' && !p.connectionSettings.endpoint) throw new DomainError('unprocessable', 'Save the REST endpoint (or choose the portal) before activating the pharmacy.');
      }
      await tx.updateTable('pharmacies').set({ active, updatedAt: now() }).where('id', '=', pharmacyId).execute();
      await audit(tx, principal, { pharmacyId, action: active ? 'pharmacy.activated' : 'pharmacy.deactivated', subjectType: 'pharmacy', subjectId: pharmacyId, detail: {} });
    });
}

/** "Set up payouts": the pharmacy's Stripe Connect account (created once) and a fresh onboarding link back to its admin page. */
export async function startPayoutsOnboarding(principal: Principal, pharmacyId: string, pageUrl: string): Promise<{ url: string; created: boolean }> {
  requireAdmin(principal, 'pharmacies');
  if (!isUuid(pharmacyId)) throw notFound('Pharmacy');
  const page = new URL(pageUrl);
  const back = (state: string) => {
    const url = new URL(page.pathname, page.origin);
    url.searchParams.set('payouts', state);
    return url.toString();
  };
  if (!stripeConfigured()) throw new DomainError('unprocessable', 'Stripe is not configured on this server (STRIPE_SECRET_KEY): pharmacies are paid on account until it is.');
  try {
    const link = await setUpPayouts(getDb(), principal, pharmacyId, { refreshUrl: back('refresh'), returnUrl: back('return') });
    return { url: link.url, created: link.created };
  } catch (error) {
    if (error instanceof PaymentRefused) throw new DomainError('unprocessable', `Stripe refused to set up the account: ${error.message}`);
    if (error instanceof PaymentsUnavailable) throw new DomainError('payments_unavailable', 'Stripe cannot be reached right now: try again in a minute.');
    throw error;
  }
}
