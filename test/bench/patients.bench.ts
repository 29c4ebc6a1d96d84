import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Insertable, type Kysely } from 'kysely';
import { setDb } from '../../db/client';
import type { Database } from '../../db/schema';
import { CAT_BREEDS, DOG_BREEDS, FIRST_NAMES, LAST_NAMES, PET_NAMES } from '../../db/seed-data';
import type { UserPrincipal } from '../../app/services/identity/principal';
import { listPatients, searchPatients, type PatientSearch } from '../../app/services/records/index.server';
import { benchDatabase, insertChunks, prng, r2, restoreEnv, summarize } from './support';
import type { Bench, BenchResult } from './types';

// The patient typeahead (refill day, catalog add) at a large clinic's scale: 50,000 patients of
// 30,000 owners, names drawn from the demo's lists with a number mixed into a fifth of them so
// the names are not all alike, real-looking phones and PIMS ids. What staff type: the first
// letters of a pet, a fragment of a pet or owner name, a pet and owner together, the last
// digits of a phone, a whole phone as typed, a PIMS id, and something that matches nothing.

const PATIENTS = 50_000;
const OWNERS = 30_000;
const RUNS = 600;

async function generate(db: Kysely<Database>) {
  const rnd = prng(23);
  const clinicId = randomUUID();
  await db.insertInto('clinics').values({ id: clinicId, slug: 'bench', name: 'Bench Clinic', addressLine1: '1 Main St', city: 'Sacramento', state: 'CA', postalCode: '95818', intakeSecret: 'x' }).execute();
  const userId = randomUUID();
  await db.insertInto('users').values({ id: userId, email: 'tech@bench.example', name: 'Bench Tech', passwordHash: 'x', role: 'technician', clinicId }).execute();
  const owners: Insertable<Database['clients']>[] = [];
  for (let i = 0; i < OWNERS; i++) {
    const last = rnd.pick(LAST_NAMES);
    owners.push({
      id: randomUUID(), clinicId, firstName: rnd.pick(FIRST_NAMES), lastName: i % 5 === 0 ? `${last}-${rnd.pick(LAST_NAMES)}` : last,
      phone: `+1${rnd.pick(['916', '530', '775', '707'])}${String(rnd.int(2_000_000, 9_999_999))}`,
      email: i % 3 === 0 ? null : `owner${i}@example.com`, state: 'CA', pimsId: `C${String(i).padStart(6, '0')}`,
    });
  }
  await insertChunks(db, 'clients', owners);
  const patients: Insertable<Database['patients']>[] = [];
  for (let i = 0; i < PATIENTS; i++) {
    const species = rnd.next() < 0.55 ? 'dog' : 'cat';
    const base = rnd.pick(PET_NAMES);
    patients.push({
      id: randomUUID(), clinicId, clientId: owners[i < OWNERS ? i : rnd.int(0, OWNERS - 1)]!.id!, name: i % 5 === 0 ? `${base} ${rnd.int(2, 99)}` : base, species,
      breed: species === 'dog' ? rnd.pick(DOG_BREEDS) : rnd.pick(CAT_BREEDS), status: rnd.next() < 0.9 ? 'active' : 'inactive', weightKg: species === 'dog' ? 20 : 4.5,
      weightMeasuredOn: '2026-06-01', pimsId: `P${String(i).padStart(6, '0')}`,
    });
  }
  await insertChunks(db, 'patients', patients);
  const tech: UserPrincipal = { kind: 'user', userId, name: 'Bench Tech', email: 'tech@bench.example', role: 'technician', clinicId, pharmacyId: null };
  return { tech, owners, patients };
}

export default {
  title: 'Patients: typeahead search over 50,000 patients',
  async run() {
    const { db, url, close } = await benchDatabase('patients');
    const previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    setDb(db);
    try {
      const { tech, owners, patients } = await generate(db);
      await sql`analyze`.execute(db);
      const phone = owners[1234]!.phone!;
      const queries: PatientSearch[] = [
        { q: 'be' },
        { q: 'bel' },
        { q: 'bella' },
        { q: 'ella' },
        { q: 'garc' },
        { q: `${String(patients[777]!.name).split(' ')[0]} ${owners[777]!.lastName}` },
        { q: phone.slice(-4) },
        { q: `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}` },
        { q: 'P0123' },
        { q: 'zzqx' },
      ].map((s) => ({ ...s, status: 'active' as const, limit: 10 }));
      for (let i = 0; i < 50; i++) await searchPatients(tech, queries[i % queries.length]!);
      const samples: number[] = [];
      const perShape = new Map<string, number[]>();
      let found = 0;
      for (let i = 0; i < RUNS; i++) {
        const query = queries[i % queries.length]!;
        const t = performance.now();
        const rows = await searchPatients(tech, query);
        const ms = performance.now() - t;
        samples.push(ms);
        perShape.set(query.q!, [...(perShape.get(query.q!) ?? []), ms]);
        found += rows.length;
      }
      const typeahead = summarize(samples);
      const slowest = [...perShape.entries()].map(([q, s]) => ({ q, p95: summarize(s).p95 })).sort((a, b) => b.p95 - a.p95)[0]!;
      // The patients page: a page of 50 with the total count.
      const pageSamples: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await listPatients(tech, { q: queries[i % queries.length]!.q, limit: 50 });
        pageSamples.push(performance.now() - t);
      }
      const page = summarize(pageSamples);
      const note = `${PATIENTS.toLocaleString('en-US')} patients of ${OWNERS.toLocaleString('en-US')} owners, ${queries.length} query shapes (pet prefix, fragment, pet + owner, phone digits, phone as typed, PIMS id, no match), ${RUNS} runs, ${r2(found / RUNS)} rows per answer`;
      const results: BenchResult[] = [
        { name: 'patient typeahead search p50 (50,000 patients)', value: r2(typeahead.p50), unit: 'ms', note },
        { name: 'patient typeahead search p95 (50,000 patients)', value: r2(typeahead.p95), unit: 'ms', target: '≤ 30 ms', ok: typeahead.p95 <= 30, note: `max ${r2(typeahead.max)} ms; slowest shape "${slowest.q}" p95 ${r2(slowest.p95)} ms` },
        { name: 'patients page search with total p95 (50,000 patients)', value: r2(page.p95), unit: 'ms', note: `page of 50 and the count, p50 ${r2(page.p50)} ms` },
      ];
      return results;
    } finally {
      setDb(undefined);
      restoreEnv('DATABASE_URL', previousUrl);
      await close();
    }
  },
} satisfies Bench;
