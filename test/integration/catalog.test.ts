import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as apiCatalog from '../../app/routes/api.v1.catalog';
import { addCartLines } from '../../app/services/cart/index.server';
import { searchCatalog, type CatalogMedication } from '../../app/services/catalog/catalog.server';
import type { Principal } from '../../app/services/identity/principal';
import { call, request } from '../support/requests';

const riverside: Principal = { kind: 'clinic_key', keyId: 'test-riverside', clinicId: DEMO_IDS.riverside };
const lakeside: Principal = { kind: 'clinic_key', keyId: 'test-lakeside', clinicId: DEMO_IDS.lakeside };
const pacific = DEMO_IDS.pharmacy('pacific');
const lonestar = DEMO_IDS.pharmacy('lonestar');

async function fees() {
  const rows = await getDb().selectFrom('pharmacies').select(['id', 'shippingCents', 'coldChainFeeCents']).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

function offerOf(med: CatalogMedication, pharmacyId: string) {
  const offer = med.offers.find((o) => o.pharmacyId === pharmacyId);
  if (!offer) throw new Error(`no offer of ${med.name} from ${pharmacyId}`);
  return offer;
}

describe('catalog search', () => {
  it('finds a medication by a brand name and compares every pharmacy, landed cost per vial included', async () => {
    const page = await searchCatalog(riverside, { q: 'felimazole' });
    expect(page.medications.length).toBeGreaterThanOrEqual(3);
    expect(page.medications.every((m) => m.name === 'Methimazole')).toBe(true);
    expect(page.hasMore).toBe(false);

    const gel = page.medications.find((m) => m.strength === '5 mg/0.1 mL')!;
    // A refill-day staple: all four partners carry it.
    expect(new Set(gel.offers.map((o) => o.pharmacyName)).size).toBe(4);
    const feeOf = await fees();
    for (const offer of gel.offers) {
      // Empty cart, one vial to the clinic: the vial carries its shipment's whole shipping fee.
      expect(offer.landedCostCents).toBe(offer.unitPriceCents + feeOf.get(offer.pharmacyId)!.shippingCents);
      expect(offer.sku).toMatch(/^[A-Z]{3}-\d+$/);
      expect(offer.package).toBe('10 mL syringe (100 clicks)');
    }
    // Sorted by landed cost; exactly one cheapest (the first) and one fastest (the shortest turnaround).
    expect(gel.offers.map((o) => o.landedCostCents)).toEqual([...gel.offers.map((o) => o.landedCostCents)].sort((a, b) => a - b));
    expect(gel.offers.filter((o) => o.cheapest)).toEqual([gel.offers[0]]);
    const fastest = gel.offers.filter((o) => o.fastest);
    expect(fastest).toHaveLength(1);
    expect(fastest[0]!.turnaroundDays).toBe(Math.min(...gel.offers.map((o) => o.turnaroundDays)));
  });

  it('matches every word of a search across name, strength, form and species', async () => {
    const page = await searchCatalog(riverside, { q: 'methimazole oral' });
    expect(page.medications.map((m) => `${m.name} ${m.form}`)).toEqual(['Methimazole oral suspension']);
    const horse = await searchCatalog(riverside, { q: 'horse' });
    expect(horse.medications.length).toBeGreaterThan(0);
    expect(horse.medications.every((m) => m.speciesUse.includes('horse'))).toBe(true);
    expect((await searchCatalog(riverside, { q: 'no such drug xyzzy' })).medications).toEqual([]);
    // LIKE wildcards in a search are text, not patterns: '%' finds the strengths written in per cent.
    const percent = await searchCatalog(riverside, { q: '%' });
    expect(percent.medications.length).toBeGreaterThan(0);
    expect(percent.medications.every((m) => m.strength.includes('%'))).toBe(true);
  });

  it('adds the cold-chain fee to a cold-chain medication and filters by cold chain and controlled', async () => {
    const cold = await searchCatalog(riverside, { coldChain: true, limit: 200 });
    expect(cold.medications.length).toBeGreaterThan(0);
    expect(cold.medications.every((m) => m.coldChain)).toBe(true);
    const feeOf = await fees();
    const offer = cold.medications[0]!.offers[0]!;
    const f = feeOf.get(offer.pharmacyId)!;
    expect(offer.landedCostCents).toBe(offer.unitPriceCents + f.shippingCents + f.coldChainFeeCents);

    const controlled = await searchCatalog(riverside, { controlled: true, limit: 200 });
    expect(controlled.medications.length).toBeGreaterThan(0);
    expect(controlled.medications.every((m) => m.controlledSchedule !== null)).toBe(true);
    const notControlled = await searchCatalog(riverside, { controlled: false, limit: 200 });
    expect(notControlled.medications.every((m) => m.controlledSchedule === null)).toBe(true);
    expect(controlled.medications.length + notControlled.medications.length).toBe((await searchCatalog(riverside, { limit: 200 })).medications.length);
  });

  it('shows only pharmacies licensed for the ship-to state, with their current licences as ship-to states', async () => {
    const tx = await searchCatalog(riverside, { q: 'gabapentin 50', shipState: 'TX' });
    const gaba = tx.medications[0]!;
    expect(gaba.offers.map((o) => o.pharmacyName).sort()).toEqual(['Great Lakes Veterinary Compounding', 'Lone Star Animal Pharmacy']);
    expect(gaba.offers.every((o) => o.shipStates.includes('TX'))).toBe(true);

    // Pacific's Washington licence lapsed: it is not listed, and WA finds no Pacific offer.
    const all = await searchCatalog(riverside, { q: 'gabapentin 50' });
    expect(offerOf(all.medications[0]!, pacific).shipStates).toEqual(['AZ', 'CA', 'NV', 'OR']);
    const wa = await searchCatalog(riverside, { q: 'gabapentin 50', shipState: 'WA' });
    expect(wa.medications[0]!.offers.some((o) => o.pharmacyId === pacific)).toBe(false);

    // An offer's own list narrows the pharmacy's licences.
    const lonestarOffer = offerOf(all.medications[0]!, lonestar);
    await getDb().updateTable('offers').set({ shipStates: ['TX', 'OK', 'CA'] }).where('id', '=', lonestarOffer.id).execute();
    const after = await searchCatalog(riverside, { q: 'gabapentin 50' });
    expect(offerOf(after.medications[0]!, lonestar).shipStates).toEqual(['OK', 'TX']);
    const nm = await searchCatalog(riverside, { q: 'gabapentin 50', shipState: 'NM' });
    expect(nm.medications[0]!.offers.some((o) => o.pharmacyId === lonestar)).toBe(false);
  });

  it('filters by pharmacy and stock, hides withdrawn offers and sorts by turnaround', async () => {
    const only = await searchCatalog(riverside, { pharmacyId: lonestar, limit: 200 });
    expect(only.medications.every((m) => m.offers.every((o) => o.pharmacyId === lonestar))).toBe(true);

    const med = (await searchCatalog(riverside, { q: 'gabapentin 50' })).medications[0]!;
    const target = offerOf(med, pacific);
    // Everything on hand reserved: listed with no stock, left out when only stocked offers are wanted.
    await getDb().updateTable('offers').set({ stockOnHand: 10, reserved: 10 }).where('id', '=', target.id).execute();
    const listed = offerOf((await searchCatalog(riverside, { q: 'gabapentin 50' })).medications[0]!, pacific);
    expect(listed.stock).toBe(0);
    const stocked = await searchCatalog(riverside, { q: 'gabapentin 50', inStock: true });
    expect(stocked.medications[0]!.offers.some((o) => o.id === target.id)).toBe(false);
    await getDb().updateTable('offers').set({ reserved: 7 }).where('id', '=', target.id).execute();
    const low = offerOf((await searchCatalog(riverside, { q: 'gabapentin 50', inStock: true })).medications[0]!, pacific);
    expect(low).toMatchObject({ stock: 3, lowStock: true });

    await getDb().updateTable('offers').set({ available: false }).where('id', '=', target.id).execute();
    const withdrawn = await searchCatalog(riverside, { q: 'gabapentin 50' });
    expect(withdrawn.medications[0]!.offers.some((o) => o.id === target.id)).toBe(false);

    const byTurnaround = (await searchCatalog(riverside, { q: 'methimazole', sort: 'turnaround' })).medications[0]!;
    const days = byTurnaround.offers.map((o) => o.turnaroundDays);
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(byTurnaround.offers[0]!.fastest).toBe(true);
  });

  it('pages by medication', async () => {
    const first = await searchCatalog(riverside, { limit: 5 });
    const second = await searchCatalog(riverside, { limit: 5, offset: 5 });
    expect(first.medications).toHaveLength(5);
    expect(first.hasMore).toBe(true);
    expect(second.medications.map((m) => m.id).some((id) => first.medications.some((m) => m.id === id))).toBe(false);
    const past = await searchCatalog(riverside, { limit: 5, offset: 10_000 });
    expect(past).toMatchObject({ medications: [], hasMore: false });
    const all = await searchCatalog(riverside, { limit: 200 });
    const last = await searchCatalog(riverside, { limit: 5, offset: all.medications.length - 5 });
    expect(last.hasMore).toBe(false);
    expect(last.medications.map((m) => m.id)).toEqual(all.medications.slice(-5).map((m) => m.id));
  });
});

describe('landed cost if added to the cart', () => {
  it('joins the clinic shipment of the principal’s own cart, and only its own', async () => {
    const med = (await searchCatalog(riverside, { q: 'methimazole suspension' })).medications[0]!;
    const before = offerOf(med, pacific);
    const [patient, prescriber] = await Promise.all([
      getDb().selectFrom('patients').select('id').where('clinicId', '=', DEMO_IDS.riverside).where('status', '=', 'active').orderBy('name').limit(1).executeTakeFirstOrThrow(),
      getDb().selectFrom('prescribers').select('id').where('clinicId', '=', DEMO_IDS.riverside).orderBy('name').limit(1).executeTakeFirstOrThrow(),
    ]);
    // Three vials from Pacific already ship to the clinic: a fourth shares the shipping fee with them.
    await addCartLines(riverside, [{ patientId: patient.id, offerId: before.id, quantity: 3, sig: 'Give 0.5 ml by mouth BID', prescriberId: prescriber.id, shipTo: 'clinic' }]);
    const shipping = (await fees()).get(pacific)!.shippingCents;
    const after = offerOf((await searchCatalog(riverside, { q: 'methimazole suspension' })).medications[0]!, pacific);
    expect(before.landedCostCents).toBe(before.unitPriceCents + shipping);
    expect(after.landedCostCents).toBe(before.unitPriceCents + Math.round(shipping / 4));
    // Other pharmacies' offers start their own shipment, unchanged.
    const sierra = DEMO_IDS.pharmacy('sierra');
    expect(offerOf((await searchCatalog(riverside, { q: 'methimazole suspension' })).medications[0]!, sierra).landedCostCents).toBe(offerOf(med, sierra).landedCostCents);
    // Lakeside's catalog is quoted against Lakeside's (empty) cart.
    const theirs = offerOf((await searchCatalog(lakeside, { q: 'methimazole suspension' })).medications[0]!, pacific);
    expect(theirs.landedCostCents).toBe(before.unitPriceCents + shipping);
  });

  it('is for clinics only', async () => {
    const pharmacist: Principal = { kind: 'pharmacy_key', keyId: 'test-pharmacy', pharmacyId: pacific };
    await expect(searchCatalog(pharmacist, { q: 'gabapentin' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('GET /api/v1/catalog', () => {
  it('answers API.md’s shape for a clinic key', async () => {
    const res = await call(apiCatalog.loader, request('/api/v1/catalog?q=gabapentin&shipState=ca&inStock=1', { apiKey: DEMO_API_KEYS.riverside }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { medications: Array<Record<string, unknown> & { offers: Array<Record<string, unknown>> }> };
    expect(body.medications.length).toBeGreaterThan(0);
    const med = body.medications[0]!;
    expect(Object.keys(med).sort()).toEqual(['compounded', 'controlledSchedule', 'form', 'id', 'name', 'offers', 'strength']);
    expect(Object.keys(med.offers[0]!).sort()).toEqual(
      ['id', 'landedCostCents', 'package', 'pharmacyId', 'pharmacyName', 'shipStates', 'sku', 'stock', 'turnaroundDays', 'unitPriceCents'].sort(),
    );
    expect(med.offers.every((o) => (o.shipStates as string[]).includes('CA') && (o.stock as number) > 0)).toBe(true);
  });

  it('names a bad parameter, and wants a clinic key', async () => {
    const bad = await call(apiCatalog.loader, request('/api/v1/catalog?shipState=ZZ&inStock=maybe', { apiKey: DEMO_API_KEYS.riverside }));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { fields: Record<string, string> } };
    expect(Object.keys(body.error.fields).sort()).toEqual(['inStock', 'shipState']);
    expect((await call(apiCatalog.loader, request('/api/v1/catalog'))).status).toBe(401);
    expect((await call(apiCatalog.loader, request('/api/v1/catalog', { apiKey: DEMO_API_KEYS.pharmacy('pacific') }))).status).toBe(401);
  });
});
