import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Insertable, type Kysely } from 'kysely';
import { setDb } from '../../db/client';
import type { Database } from '../../db/schema';
import { ALL_STATES, MEDICATIONS } from '../../db/seed-data';
import { getImport, registerCatalogImportTasks, startCsvImport } from '../../app/services/catalog/catalog-import.server';
import { searchCatalog, type CatalogQuery } from '../../app/services/catalog/catalog.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import type { UserPrincipal } from '../../app/services/identity/principal';
import { benchDatabase, insertChunks, prng, r2, summarize, restoreEnv } from './support';
import type { Bench, BenchResult } from './types';

// The catalog at the scale: 2,500 medications × 8 pharmacies = 20,000 offers, a clinic
// whose open cart already holds 60 lines (so every quote joins real shipments), and a
// 20,000-row CSV price list imported into a ninth pharmacy, then imported again with a fifth of
// the prices and stock changed.

const MEDS = 2_500;
const PHARMACIES = 8;
const FEED_ROWS = 20_000;
const SEARCH_RUNS = 400;

const addDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const STRENGTHS = ['0.5 mg/mL', '1 mg/mL', '2.5 mg/mL', '5 mg/mL', '10 mg/mL', '25 mg/mL', '50 mg/mL', '100 mg/mL', '5 mg', '10 mg', '25 mg', '50 mg', '0.1%', '0.5%'];
const FORMS = ['oral suspension', 'oral solution', 'capsule', 'chewable treat', 'transdermal gel', 'ophthalmic solution', 'otic suspension', 'injectable'];

/** 2,500 distinct medications: the demo's real names, each in many strengths and forms. */
function medicationsOf(rnd: ReturnType<typeof prng>) {
  const names = [...new Map(MEDICATIONS.map((m) => [m.name, m])).values()];
  const meds: Array<Insertable<Database['medications']> & { id: string }> = [];
  const seen = new Set<string>();
  for (let i = 0; meds.length < MEDS; i++) {
    const base = names[i % names.length]!;
    const strength = STRENGTHS[Math.floor(i / names.length) % STRENGTHS.length]!;
    const form = FORMS[Math.floor(i / (names.length * STRENGTHS.length)) % FORMS.length]!;
    const name = i < names.length * STRENGTHS.length * FORMS.length ? base.name : `${base.name} ${Math.floor(i / 1000)}`;
    const key = `${name}|${strength}|${form}`;
    if (seen.has(key)) continue;
    seen.add(key);
    meds.push({
      id: randomUUID(), name, strength, form, controlledSchedule: base.schedule ?? null, compounded: true, coldChain: rnd.next() < 0.1,
      speciesUse: base.species, synonyms: base.synonyms ?? [], ingredients: base.ingredients ?? [],
    });
  }
  return meds;
}

async function generate(db: Kysely<Database>) {
  const rnd = prng(11);
  const clinicId = randomUUID();
  await db.insertInto('clinics').values({ id: clinicId, slug: 'bench', name: 'Bench Clinic', addressLine1: '1 Main St', city: 'Sacramento', state: 'CA', postalCode: '95818', intakeSecret: 'x', platformFeeCents: 35 }).execute();
  const techId = randomUUID();
  const vetUserId = randomUUID();
  const adminId = randomUUID();
  await insertChunks(db, 'users', [
    { id: techId, email: 'tech@bench.example', name: 'Bench Tech', passwordHash: 'x', role: 'technician', clinicId },
    { id: vetUserId, email: 'vet@bench.example', name: 'Dr. Bench', passwordHash: 'x', role: 'veterinarian', clinicId },
    { id: adminId, email: 'admin@bench.example', name: 'Bench Admin', passwordHash: 'x', role: 'admin' },
  ]);
  const prescriberId = randomUUID();
  await db.insertInto('prescribers').values({ id: prescriberId, clinicId, userId: vetUserId, name: 'Dr. Bench' }).execute();

  const pharmacyIds = Array.from({ length: PHARMACIES + 1 }, () => randomUUID());
  await insertChunks(db, 'pharmacies', pharmacyIds.map((id, i) => ({
    id, slug: `bench-${i}`, name: `Bench Pharmacy ${i}`, residentState: ALL_STATES[i * 5]!, webhookSecret: 'x', shippingCents: 900 + i * 150, coldChainFeeCents: 1_200, turnaroundDays: 2 + (i % 4),
  })));
  await insertChunks(db, 'pharmacyShipLicenses', pharmacyIds.flatMap((pharmacyId, i) =>
    ALL_STATES.filter((_, s) => (s + i) % 3 !== 0).map((state) => ({ pharmacyId, state, licenseNumber: `L-${state}`, expiresOn: addDays(i === 3 ? -5 : 200) })),
  ));

  const meds = medicationsOf(rnd);
  await insertChunks(db, 'medications', meds);
  const offers = meds.flatMap((m, mi) =>
    pharmacyIds.slice(0, PHARMACIES).map((pharmacyId, pi) => ({
      id: randomUUID(), pharmacyId, medicationId: m.id, sku: `B${pi}-${mi}`, packageDescription: '30 mL bottle', unitPriceCents: 1_500 + rnd.int(0, 6_000),
      stockOnHand: rnd.next() < 0.1 ? 0 : rnd.int(1, 200), turnaroundDays: 1 + rnd.int(0, 6), shipStates: rnd.next() < 0.1 ? ['CA', 'NV', 'OR'] : null,
      flavors: rnd.next() < 0.4 ? ['chicken', 'tuna'] : [],
    })),
  );
  await insertChunks(db, 'offers', offers);

  // A refill-day cart already holding 60 lines from every pharmacy, to the clinic and to owners.
  const clientId = randomUUID();
  const patientId = randomUUID();
  await db.insertInto('clients').values({ id: clientId, clinicId, firstName: 'Olive', lastName: 'Owner', state: 'CA' }).execute();
  await db.insertInto('patients').values({ id: patientId, clinicId, clientId, name: 'Biscuit', species: 'dog' }).execute();
  const cartId = randomUUID();
  await db.insertInto('carts').values({ id: cartId, clinicId }).execute();
  await insertChunks(db, 'cartLines', Array.from({ length: 60 }, (_, i) => {
    const offer = offers[rnd.int(0, offers.length - 1)]!;
    return {
      cartId, clinicId, patientId, offerId: offer.id, quantity: rnd.int(1, 4), sig: 'Give 1 ml by mouth BID', prescriberId, shipTo: i % 5 === 0 ? ('owner' as const) : ('clinic' as const),
      shipState: 'CA', unitPriceCentsAtAdd: offer.unitPriceCents, position: i,
    };
  }));

  const tech: UserPrincipal = { kind: 'user', userId: techId, name: 'Bench Tech', email: 'tech@bench.example', role: 'technician', clinicId, pharmacyId: null };
  const admin: UserPrincipal = { kind: 'user', userId: adminId, name: 'Bench Admin', email: 'admin@bench.example', role: 'admin', clinicId: null, pharmacyId: null };
  return { tech, admin, pharmacyIds, meds };
}

/** A 20,000-row price list: the 2,500 medications in 8 packages each; `changed` of every 5 rows moves price and stock. */
function feedCsv(meds: Array<{ name: string; strength: string; form: string }>, variant: number): string {
  const rows = ['sku,medication,strength,form,package,unit_price_cents,stock,turnaround_days,ship_states,flavors'];
  const packages = ['10 mL bottle', '15 mL bottle', '30 mL bottle', '60 mL bottle', '90 mL bottle', '120 mL bottle', '30 capsules', '90 capsules'];
  for (let r = 0; r < FEED_ROWS; r++) {
    const m = meds[r % meds.length]!;
    const moved = variant > 0 && r % 5 === 0;
    const price = 1_000 + ((r * 37) % 5_000) + (moved ? 150 : 0);
    const stock = ((r * 13) % 200) + (moved ? 3 : 0);
    const states = r % 7 === 0 ? '"CA;NV;OR"' : '';
    rows.push(`FEED-${r},${m.name},${m.strength},${m.form},${packages[Math.floor(r / meds.length) % packages.length]},${price},${stock},${2 + (r % 5)},${states},chicken;tuna`);
  }
  return rows.join('\n') + '\n';
}

const bench: Bench = {
  title: 'Catalog: search over 20,000 offers and a 20,000-row feed import',
  async run() {
    const { db, url, close } = await benchDatabase('catalog');
    const previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    setDb(db);
    registerCatalogImportTasks();
    try {
      const { tech, admin, pharmacyIds, meds } = await generate(db);
      await sql`analyze`.execute(db);

      // A mix of what staff do on refill day: browse, type a name or brand, filter by state and stock.
      const queries: CatalogQuery[] = [
        {},
        { q: 'methimazole' },
        { q: 'felimazole', shipState: 'CA' },
        { q: 'gaba', inStock: true, shipState: 'CA' },
        { q: 'bup', controlled: true },
        { q: 'oral suspension 5 mg/ml', sort: 'turnaround' },
        { shipState: 'NV', inStock: true, coldChain: true },
        { pharmacyId: pharmacyIds[2], q: 'tacrolimus' },
        { q: 'cat transdermal', shipState: 'OR', inStock: true },
        { q: 'zzz-no-match' },
      ];
      for (let i = 0; i < 40; i++) await searchCatalog(tech, queries[i % queries.length]!);
      const samples: number[] = [];
      let offersShown = 0;
      for (let i = 0; i < SEARCH_RUNS; i++) {
        const t = performance.now();
        const page = await searchCatalog(tech, queries[i % queries.length]!);
        samples.push(performance.now() - t);
        offersShown += page.medications.reduce((n, m) => n + m.offers.length, 0);
      }
      const search = summarize(samples);
      const browse = await searchCatalog(tech, {});

      const importOnce = async (text: string) => {
        const t = performance.now();
        const { importId } = await startCsvImport(admin, { pharmacyId: pharmacyIds[PHARMACIES]!, fileName: 'bench.csv', text });
        await drainJobs();
        const ms = performance.now() - t;
        const result = await getImport(admin, importId);
        if (result.status !== 'succeeded') throw new Error(`import ${result.status}: ${result.error}`);
        return { ms, summary: result.report!.summary };
      };
      const first = await importOnce(feedCsv(meds, 0));
      const second = await importOnce(feedCsv(meds, 1));
      const same = await importOnce(feedCsv(meds, 1));

      const searchNote = `${MEDS.toLocaleString('en-US')} medications × ${PHARMACIES} pharmacies, cart of 60 lines, ${queries.length} query shapes, ${SEARCH_RUNS} runs, ${Math.round(offersShown / SEARCH_RUNS)} offers per page on average (browse page: ${browse.medications.length} medications)`;
      const results: BenchResult[] = [
        { name: 'catalog search p50 (20,000 offers)', value: r2(search.p50), unit: 'ms', note: searchNote },
        { name: 'catalog search p95 (20,000 offers)', value: r2(search.p95), unit: 'ms', target: '≤ 30 ms', ok: search.p95 <= 30, note: `max ${r2(search.max)} ms` },
        { name: 'import a 20,000-row CSV feed (all new offers)', value: r2(first.ms / 1000), unit: 's', target: '≤ 10 s', ok: first.ms <= 10_000, note: `${first.summary.inserted.toLocaleString('en-US')} inserted; queued → succeeded, parse and job included` },
        { name: 'import it again with a fifth of the rows changed', value: r2(second.ms / 1000), unit: 's', target: '≤ 10 s', ok: second.ms <= 10_000, note: `${second.summary.changed.toLocaleString('en-US')} changed, ${second.summary.flagged} flagged` },
        { name: 'import the same feed a third time (no change)', value: r2(same.ms / 1000), unit: 's', note: `${same.summary.unchanged.toLocaleString('en-US')} unchanged, ${same.summary.changed} changed` },
      ];
      return results;
    } finally {
      setDb(undefined);
      restoreEnv('DATABASE_URL', previousUrl);
      await close();
    }
  },
};

export default bench;
