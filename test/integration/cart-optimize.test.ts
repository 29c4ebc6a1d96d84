import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as apiCart from '../../app/routes/api.v1.carts.current';
import * as apiLines from '../../app/routes/api.v1.carts.current.lines';
import * as apiOptimize from '../../app/routes/api.v1.carts.current.optimize';
import * as apiUndo from '../../app/routes/api.v1.carts.current.optimize.undo';
import * as refillDay from '../../app/routes/_clinic.refill-day/route';
import { loadOptimizerInputIn } from '../../app/services/cart/index.server';
import type { Principal } from '../../app/services/identity/principal';
import { call, request, signIn } from '../support/requests';

const RIVERSIDE = DEMO_API_KEYS.riverside;
const LAKESIDE = DEMO_API_KEYS.lakeside;
const riversideKey: Principal = { kind: 'clinic_key', keyId: 'riverside-test', clinicId: DEMO_IDS.riverside };

type Json = Record<string, any>;
const body = async (res: Response): Promise<Json> => (await res.json()) as Json;

let patients: { id: string }[];
let prescriberId: string;
/** For medications with several offers that ship to the clinic's state: the dearest offer first. */
let dearOffers: { id: string; medicationId: string }[];

async function emptyCart(clinicId = DEMO_IDS.riverside) {
  const db = getDb();
  const ids = (await db.selectFrom('carts').select('id').where('clinicId', '=', clinicId).where('status', '=', 'open').execute()).map((c) => c.id);
  if (ids.length === 0) return;
  await db.deleteFrom('acknowledgements').where('cartLineId', 'in', db.selectFrom('cartLines').select('id').where('cartId', 'in', ids)).execute();
  await db.deleteFrom('cartLines').where('cartId', 'in', ids).execute();
  await db.deleteFrom('cartOptimizations').where('cartId', 'in', ids).execute();
}

async function getCart(apiKey = RIVERSIDE) {
  return (await body(await call(apiCart.loader, request('/api/v1/carts/current', { apiKey })))).cart as Json;
}

function optimize(json: Json, apiKey = RIVERSIDE) {
  return call(apiOptimize.action, request('/api/v1/carts/current/optimize', { method: 'POST', apiKey, json }));
}

/** Twelve clinic lines, each on the dearest offer of its medication: the optimizer has room to save. */
async function fillCart() {
  await emptyCart();
  const lines = Array.from({ length: 12 }, (_, i) => ({
    patientId: patients[i % patients.length]!.id,
    offerId: dearOffers[i % dearOffers.length]!.id,
    quantity: 1,
    sig: 'Give 1 ml by mouth BID for 30 days',
    prescriberId,
    shipTo: 'clinic',
  }));
  const res = await call(apiLines.action, request('/api/v1/carts/current/lines', { method: 'POST', apiKey: RIVERSIDE, json: { lines } }));
  expect(res.status).toBe(201);
}

async function lineOffers() {
  const rows = await getDb().selectFrom('cartLines').select(['id', 'offerId', 'version']).where('clinicId', '=', DEMO_IDS.riverside).where('removedAt', 'is', null).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

beforeAll(async () => {
  const db = getDb();
  patients = await db.selectFrom('patients').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('status', '=', 'active').orderBy('id').limit(12).execute();
  prescriberId = (await db.selectFrom('prescribers').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('name', '=', 'Dr. Maria Alvarez').executeTakeFirstOrThrow()).id;
  const clinic = await db.selectFrom('clinics').select('state').where('id', '=', DEMO_IDS.riverside).executeTakeFirstOrThrow();
  const offers = await db
    .selectFrom('offers as o')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .innerJoin('pharmacyShipLicenses as sl', (j) => j.onRef('sl.pharmacyId', '=', 'o.pharmacyId').on('sl.state', '=', clinic.state))
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .select(['o.id', 'o.medicationId', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'o.shipStates', 'o.flavors', 'm.controlledSchedule'])
    .where('o.available', '=', true)
    .where('ph.active', '=', true)
    .where('sl.expiresOn', '>=', '2027-01-01')
    .where('m.controlledSchedule', 'is', null)
    .execute();
  const byMed = new Map<string, typeof offers>();
  for (const o of offers) {
    if (o.flavors.length > 0 || o.stockOnHand - o.reserved < 20 || (o.shipStates && !o.shipStates.includes(clinic.state))) continue;
    byMed.set(o.medicationId, [...(byMed.get(o.medicationId) ?? []), o]);
  }
  dearOffers = [...byMed.values()]
    .filter((list) => list.length >= 2)
    .map((list) => list.sort((a, b) => b.unitPriceCents - a.unitPriceCents)[0]!)
    .slice(0, 6);
  expect(dearOffers.length).toBeGreaterThanOrEqual(3);
});

describe('POST /api/v1/carts/current/optimize', () => {
  it('loads the cart as it prices: the total before is the cart total, in a fixed number of queries', async () => {
    await fillCart();
    const cart = await getCart();
    const res = await optimize({ dryRun: true });
    expect(res.status).toBe(200);
    const { proposal, cartVersion } = await body(res);
    expect(cartVersion).toBe(cart.version);
    expect(proposal.totalBeforeCents).toBe(cart.totalCents);
    expect(['highs', 'greedy']).toContain(proposal.solver);
    expect(proposal.moves.length).toBeGreaterThan(0);
    expect(proposal.totalAfterCents).toBeLessThan(proposal.totalBeforeCents);
    for (const m of proposal.moves) expect(['cheaper', 'consolidates', 'in_stock', 'meets_need_by', 'licensed']).toContain(m.reason);

    // The loader's input covers every line, each with its current offer among the offers.
    const db = getDb();
    const openCart = await db.selectFrom('carts').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('status', '=', 'open').executeTakeFirstOrThrow();
    let queries = 0;
    const counting = db.withPlugin({ transformQuery: (args) => ((queries += 1), args.node), transformResult: async (args) => args.result });
    const input = await loadOptimizerInputIn(counting, riversideKey, openCart.id);
    expect(input.lines).toHaveLength(12);
    const offerIds = new Set(input.offers.map((o) => o.id));
    for (const l of input.lines) expect(offerIds.has(l.currentOfferId)).toBe(true);
    const fixed = queries;
    // Doubling the lines does not add queries.
    const more = Array.from({ length: 12 }, (_, i) => ({ patientId: patients[i]!.id, offerId: dearOffers[(i + 1) % dearOffers.length]!.id, quantity: 2, sig: 'Give 1 ml by mouth BID for 30 days', prescriberId, shipTo: 'clinic' }));
    expect((await call(apiLines.action, request('/api/v1/carts/current/lines', { method: 'POST', apiKey: RIVERSIDE, json: { lines: more } }))).status).toBe(201);
    queries = 0;
    await loadOptimizerInputIn(counting, riversideKey, openCart.id);
    expect(queries).toBe(fixed);
  });

  it('a dry run changes nothing; applying moves the lines, bumps the cart version once and audits each move', async () => {
    await fillCart();
    const before = await getCart();
    const offersBefore = await lineOffers();
    const dry = await body(await optimize({}));
    expect((await getCart()).version).toBe(before.version);
    expect(await lineOffers()).toEqual(offersBefore);

    const res = await optimize({ dryRun: false, version: before.version });
    expect(res.status).toBe(200);
    const { cart, proposal } = await body(res);
    expect(cart.version).toBe(before.version + 1);
    expect(proposal.moves.map((m: Json) => [m.lineId, m.toOfferId])).toEqual(dry.proposal.moves.map((m: Json) => [m.lineId, m.toOfferId]));
    expect(cart.totalCents).toBe(proposal.totalAfterCents);
    const after = await lineOffers();
    for (const m of proposal.moves) {
      expect(after.get(m.lineId)!.offerId).toBe(m.toOfferId);
      expect(after.get(m.lineId)!.version).toBe(offersBefore.get(m.lineId)!.version + 1);
    }
    const audited = await getDb()
      .selectFrom('auditEvents')
      .select(['subjectId', 'detail'])
      .where('action', '=', 'cart.line_optimized')
      .where('subjectId', 'in', proposal.moves.map((m: Json) => m.lineId))
      .execute();
    expect(audited).toHaveLength(proposal.moves.length);
    for (const a of audited) expect(a.detail.reason).toBe(proposal.moves.find((m: Json) => m.lineId === a.subjectId).reason);

    // Optimising the optimised cart again moves nothing.
    const again = await body(await optimize({ dryRun: true }));
    expect(again.proposal.moves).toEqual([]);
  });

  it('a stale version is a 409 and nothing changes', async () => {
    await fillCart();
    const before = await getCart();
    const offersBefore = await lineOffers();
    const res = await optimize({ dryRun: false, version: before.version - 1 });
    expect(res.status).toBe(409);
    const { error } = await body(res);
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/changed/);
    expect((await getCart()).version).toBe(before.version);
    expect(await lineOffers()).toEqual(offersBefore);
    // Applying needs the version.
    const missing = await optimize({ dryRun: false });
    expect(missing.status).toBe(400);
    expect((await body(missing)).error.fields.version).toBeTruthy();
  });

  it('pinned lines never move', async () => {
    await fillCart();
    const dry = await body(await optimize({ dryRun: true }));
    const pinned = dry.proposal.moves.map((m: Json) => m.lineId);
    expect(pinned.length).toBeGreaterThan(0);
    const offersBefore = await lineOffers();
    const version = (await getCart()).version;
    const res = await optimize({ dryRun: false, version, pinnedLineIds: pinned });
    expect(res.status).toBe(200);
    const { proposal } = await body(res);
    for (const m of proposal.moves) expect(pinned).not.toContain(m.lineId);
    const after = await lineOffers();
    for (const id of pinned) expect(after.get(id)!.offerId).toBe(offersBefore.get(id)!.offerId);
  });

  it('a line no offer can take is reported, not dropped', async () => {
    await fillCart();
    const [first] = [...(await lineOffers()).keys()];
    // Needed yesterday: no offer arrives in time.
    await getDb().updateTable('cartLines').set({ needBy: '2020-01-01' }).where('id', '=', first!).execute();
    const { proposal } = await body(await optimize({ dryRun: true }));
    expect(proposal.unplaceable).toEqual([expect.objectContaining({ lineId: first, reason: 'need_by', staysOnOfferId: (await lineOffers()).get(first!)!.offerId })]);
    expect(proposal.moves.map((m: Json) => m.lineId)).not.toContain(first);
    const cart = await getCart();
    expect(proposal.totalBeforeCents).toBe(cart.totalCents);
  });

  it("tenancy: Lakeside's key cannot pin Riverside's lines and never sees them", async () => {
    await fillCart();
    const riversideLines = [...(await lineOffers()).keys()];
    const res = await optimize({ dryRun: true, pinnedLineIds: [riversideLines[0]] }, LAKESIDE);
    expect(res.status).toBe(404);
    expect((await body(res)).error.code).toBe('not_found');
    const version = (await getCart(LAKESIDE)).version;
    const applied = await optimize({ dryRun: false, version, pinnedLineIds: [riversideLines[0]] }, LAKESIDE);
    expect(applied.status).toBe(404);
    const own = await body(await optimize({ dryRun: true }, LAKESIDE));
    for (const m of own.proposal.moves) expect(riversideLines).not.toContain(m.lineId);
  });

  it('undoes through the API: the lines go back as one more change, once; another clinic gets 404', async () => {
    await fillCart();
    const offersBefore = await lineOffers();
    const version = (await getCart()).version;
    const applied = await body(await optimize({ dryRun: false, version }));
    expect(applied.optimizationId).toEqual(expect.any(String));
    expect(applied.proposal.moves.length).toBeGreaterThan(0);
    const undo = (json: Json, apiKey = RIVERSIDE) => call(apiUndo.action, request('/api/v1/carts/current/optimize/undo', { method: 'POST', apiKey, json }));

    const bad = await undo({ optimizationId: 'nope' });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.fields.optimizationId).toBeTruthy();
    const foreign = await undo({ optimizationId: applied.optimizationId }, LAKESIDE);
    expect(foreign.status).toBe(404);
    expect((await body(foreign)).error.code).toBe('not_found');

    const res = await undo({ optimizationId: applied.optimizationId });
    expect(res.status).toBe(200);
    const { cart, restored } = await body(res);
    expect(restored).toBe(applied.proposal.moves.length);
    expect(cart.version).toBe(version + 2);
    const after = await lineOffers();
    for (const [id, line] of offersBefore) expect(after.get(id)!.offerId).toBe(line.offerId);
    const again = await undo({ optimizationId: applied.optimizationId });
    expect(again.status).toBe(409);
    expect((await getCart()).version).toBe(version + 2);
  });

  it('is in the OpenAPI document', async () => {
    const { loader } = await import('../../app/routes/api.v1.openapi[.]json');
    const doc = await body(await call(loader, request('/api/v1/openapi.json')));
    expect(doc.paths['/api/v1/carts/current/optimize'].post).toBeTruthy();
    expect(doc.paths['/api/v1/carts/current/optimize/undo'].post).toBeTruthy();
  });
});

/** The refill-day page's action as a signed-in person posts it. */
async function page(cookie: string, form: Record<string, string>) {
  const res = await call(refillDay.action, request('/refill-day', { method: 'POST', cookie, form }));
  return { status: res.status, body: await body(res) };
}

async function pageData(cookie: string) {
  return body(await call(refillDay.loader, request('/refill-day', { cookie })));
}

describe('"Optimise pharmacies" on the refill-day page: pins, apply, undo', () => {
  let riverside: string;
  let lakeside: string;
  beforeAll(async () => {
    riverside = await signIn('tech@riverside.example');
    lakeside = await signIn('manager@lakeside.example');
  });

  it('proposes without changing anything, applies for the version shown, and undoes as one more change', async () => {
    await fillCart();
    const start = await pageData(riverside);
    expect(start.optimization).toBeNull();
    const offersBefore = await lineOffers();
    const pricesBefore = new Map((await getDb().selectFrom('cartLines').select(['id', 'unitPriceCentsAtAdd']).where('id', 'in', [...offersBefore.keys()]).execute()).map((r) => [r.id, r.unitPriceCentsAtAdd]));

    const proposed = await page(riverside, { intent: 'optimize', maxPharmacies: '' });
    expect(proposed.status).toBe(200);
    const proposal = proposed.body.proposal;
    expect(proposal.cartVersion).toBe(start.cart.version);
    expect(proposal.totalBeforeCents).toBe(start.cart.totalCents);
    expect(proposal.moves.length).toBeGreaterThan(0);
    for (const m of proposal.moves) expect(proposal.pharmacyNames[proposal.offerPharmacyIds[m.toOfferId]]).toBeTruthy();
    expect(await lineOffers()).toEqual(offersBefore);

    const applied = await page(riverside, { intent: 'optimize-apply', version: String(proposal.cartVersion), maxPharmacies: '', fingerprint: proposal.fingerprint });
    expect(applied.status).toBe(200);
    expect(applied.body.message).toMatch(/Optimised: \d+ lines? moved/);
    const afterApply = await pageData(riverside);
    expect(afterApply.cart.version).toBe(start.cart.version + 1);
    expect(afterApply.optimization).toEqual(expect.objectContaining({ moved: proposal.moves.length, savingsCents: proposal.totalBeforeCents - proposal.totalAfterCents }));
    const moved = await lineOffers();
    for (const m of proposal.moves) expect(moved.get(m.lineId)!.offerId).toBe(m.toOfferId);

    const undone = await page(riverside, { intent: 'optimize-undo', optimizationId: afterApply.optimization.id });
    expect(undone.status).toBe(200);
    const afterUndo = await pageData(riverside);
    expect(afterUndo.cart.version).toBe(start.cart.version + 2);
    expect(afterUndo.cart.totalCents).toBe(start.cart.totalCents);
    expect(afterUndo.optimization).toBeNull();
    const restored = await lineOffers();
    for (const [id, line] of offersBefore) expect(restored.get(id)!.offerId).toBe(line.offerId);
    for (const m of proposal.moves) expect(restored.get(m.lineId)!.version).toBe(offersBefore.get(m.lineId)!.version + 2);
    const restoredPrices = await getDb().selectFrom('cartLines').select(['id', 'unitPriceCentsAtAdd']).where('id', 'in', [...offersBefore.keys()]).execute();
    for (const r of restoredPrices) expect(r.unitPriceCentsAtAdd).toBe(pricesBefore.get(r.id));
    const audited = await getDb().selectFrom('auditEvents').select('subjectId').where('action', '=', 'cart.line_optimization_undone').where('subjectId', 'in', proposal.moves.map((m: Json) => m.lineId)).execute();
    expect(audited).toHaveLength(proposal.moves.length);

    // Once only.
    const twice = await page(riverside, { intent: 'optimize-undo', optimizationId: afterApply.optimization.id });
    expect(twice.status).toBe(409);
    expect((await getCart()).version).toBe(start.cart.version + 2);
  });

  it('a proposal for a cart that moved since is a 409 the page explains, and nothing changes', async () => {
    await fillCart();
    const proposal = (await page(riverside, { intent: 'optimize' })).body.proposal;
    const [first] = [...(await lineOffers()).keys()];
    // Someone else changes the cart meanwhile (a pin is a change of the cart).
    expect((await page(riverside, { intent: 'pin', lineId: first!, pinned: '1' })).status).toBe(200);
    const offersBefore = await lineOffers();
    const version = (await getCart()).version;
    const stale = await page(riverside, { intent: 'optimize-apply', version: String(proposal.cartVersion), fingerprint: proposal.fingerprint });
    expect(stale.status).toBe(409);
    expect(stale.body.conflict.message).toMatch(/Optimise pharmacies" again/);
    expect((await getCart()).version).toBe(version);
    expect(await lineOffers()).toEqual(offersBefore);
  });

  it('a proposal that prices or stock changed since (the cart did not) is a 409, and nothing changes', async () => {
    await fillCart();
    const proposal = (await page(riverside, { intent: 'optimize' })).body.proposal;
    expect(proposal.moves.length).toBeGreaterThan(0);
    // The first move's target pharmacy raises its price beyond every other offer.
    const target = proposal.moves[0].toOfferId as string;
    const db = getDb();
    const { unitPriceCents } = await db.selectFrom('offers').select('unitPriceCents').where('id', '=', target).executeTakeFirstOrThrow();
    await db.updateTable('offers').set({ unitPriceCents: 99_999 }).where('id', '=', target).execute();
    try {
      const offersBefore = await lineOffers();
      const refused = await page(riverside, { intent: 'optimize-apply', version: String(proposal.cartVersion), fingerprint: proposal.fingerprint });
      expect(refused.status).toBe(409);
      expect(refused.body.conflict.message).toMatch(/Prices or stock changed/);
      expect((await getCart()).version).toBe(proposal.cartVersion);
      expect(await lineOffers()).toEqual(offersBefore);
      // The API refuses the same way when it names the fingerprint; without one it applies the proposal as it is now.
      const api = await optimize({ dryRun: false, version: proposal.cartVersion, fingerprint: proposal.fingerprint });
      expect(api.status).toBe(409);
      const fresh = await body(await optimize({ dryRun: true }));
      expect(fresh.proposal.fingerprint).not.toBe(proposal.fingerprint);
      const applied = await optimize({ dryRun: false, version: proposal.cartVersion, fingerprint: fresh.proposal.fingerprint });
      expect(applied.status).toBe(200);
      expect((await body(applied)).proposal.moves.map((m: Json) => m.toOfferId)).not.toContain(target);
    } finally {
      await db.updateTable('offers').set({ unitPriceCents }).where('id', '=', target).execute();
    }
  });

  it('undo refuses while a moved line changed since, and nothing changes', async () => {
    await fillCart();
    const version = (await getCart()).version;
    const { proposal } = await body(await optimize({ dryRun: false, version }));
    expect(proposal.moves.length).toBeGreaterThan(0);
    const optimization = (await pageData(riverside)).optimization;
    // One moved line is edited afterwards.
    const edited = proposal.moves[0].lineId as string;
    const line = (await lineOffers()).get(edited)!;
    expect((await page(riverside, { intent: 'remove', lineId: edited, version: String(line.version), label: 'x' })).status).toBe(200);
    const offersBefore = await lineOffers();
    const cartVersion = (await getCart()).version;
    const refused = await page(riverside, { intent: 'optimize-undo', optimizationId: optimization.id });
    expect(refused.status).toBe(409);
    expect(refused.body.conflict.message).toMatch(/changed since/);
    expect((await getCart()).version).toBe(cartVersion);
    expect(await lineOffers()).toEqual(offersBefore);
  });

  it('lines pinned on the page never move, and their pin shows in the cart', async () => {
    await fillCart();
    const dry = await body(await optimize({ dryRun: true }));
    const wouldMove = dry.proposal.moves.map((m: Json) => m.lineId as string);
    expect(wouldMove.length).toBeGreaterThan(0);
    const version = (await getCart()).version;
    for (const id of wouldMove) expect((await page(riverside, { intent: 'pin', lineId: id, pinned: '1' })).status).toBe(200);
    const cart = await getCart();
    expect(cart.version).toBe(version + wouldMove.length);
    for (const l of cart.lines) expect(l.optimizerPinned).toBe(wouldMove.includes(l.id));
    // Pinning a pinned line again changes nothing.
    await page(riverside, { intent: 'pin', lineId: wouldMove[0]!, pinned: '1' });
    expect((await getCart()).version).toBe(cart.version);

    const offersBefore = await lineOffers();
    const { proposal } = await body(await optimize({ dryRun: false, version: cart.version }));
    for (const m of proposal.moves) expect(wouldMove).not.toContain(m.lineId);
    const after = await lineOffers();
    for (const id of wouldMove) expect(after.get(id)!.offerId).toBe(offersBefore.get(id)!.offerId);

    // Unpinned, they may move again.
    await page(riverside, { intent: 'pin', lineId: wouldMove[0]!, pinned: '0' });
    expect((await getCart()).lines.find((l: Json) => l.id === wouldMove[0])!.optimizerPinned).toBe(false);
  });

  it('a bad cap is a 400 naming the field', async () => {
    const bad = await page(riverside, { intent: 'optimize', maxPharmacies: '0' });
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors.maxPharmacies).toMatch(/at least 1/);
    expect(bad.body.values.maxPharmacies).toBe('0');
    const capped = await page(riverside, { intent: 'optimize', maxPharmacies: '1' });
    expect(capped.status).toBe(200);
    expect(new Set(capped.body.proposal.shipmentsAfter.map((s: Json) => s.pharmacyId)).size).toBeLessThanOrEqual(Math.max(1, new Set(capped.body.proposal.shipmentsBefore.map((s: Json) => s.pharmacyId)).size));
  });

  it("tenancy: Lakeside's people cannot pin Riverside's lines or undo Riverside's optimisation", async () => {
    await fillCart();
    const version = (await getCart()).version;
    await optimize({ dryRun: false, version });
    const optimization = (await pageData(riverside)).optimization;
    expect(optimization).toBeTruthy();
    const [first] = [...(await lineOffers()).keys()];
    const offersBefore = await lineOffers();
    const pin = await page(lakeside, { intent: 'pin', lineId: first!, pinned: '1' });
    expect(pin.status).toBe(404);
    const undo = await page(lakeside, { intent: 'optimize-undo', optimizationId: optimization.id });
    expect(undo.status).toBe(404);
    expect((await pageData(lakeside)).optimization).toBeNull();
    expect(await lineOffers()).toEqual(offersBefore);
    expect((await getCart()).lines.every((l: Json) => l.optimizerPinned === false)).toBe(true);
  });
});
