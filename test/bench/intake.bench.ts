import os from 'node:os';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { DEMO_API_KEYS, DEMO_IDS, seedDemo } from '../../db/seed';
import type { DB } from '../../db/client';
import { startAppServer } from '../support/app-server';
import { benchDatabase, r2, summarize } from './support';
import type { Bench, BenchResult } from './types';

// Intake throughput on the API (issue 8): POST /api/v1/refill-requests against the real
// server (built app, its own job worker), each request matched by phone → pet → prescription,
// checked, routed and given its timers, the owner's acknowledgement queued. Run with the demo
// clinic (~480 patients) and with the clinic grown to 20,000 patients. Needs `npx remix build`.

const CONNECTIONS = 10;
const DURATION_SECONDS = 10;

/** Grows Riverside to `total` patients: synthetic owners with one or two pets, each with a prescription. */
async function growClinic(db: DB, total: number): Promise<void> {
  const clinicId = DEMO_IDS.riverside;
  const have = Number((await db.selectFrom('patients').select((eb) => eb.fn.countAll<number>().as('n')).where('clinicId', '=', clinicId).executeTakeFirstOrThrow()).n);
  const extra = total - have;
  if (extra <= 0) {
    await sql`analyze`.execute(db); // fresh statistics, as a running database has
    return;
  }
  const owners = Math.ceil(extra / 1.5);
  const meds = (await db.selectFrom('medications').select('id').orderBy('name').execute()).map((m) => m.id);
  const prescriber = (await db.selectFrom('prescribers').select('id').where('clinicId', '=', clinicId).orderBy('name').executeTakeFirstOrThrow()).id;
  await sql`
    insert into clients (clinic_id, first_name, last_name, phone, email, state)
    select ${clinicId}, 'Bench', 'Owner' || translate(g::text, '0123456789', 'abcdefghij'), '+1917' || lpad(g::text, 7, '0'), 'bench' || g || '@example.com', 'CA'
    from generate_series(1, ${owners}) g`.execute(db);
  await sql`
    with o as (select id, row_number() over (order by phone) as n from clients where clinic_id = ${clinicId} and last_name like 'Owner%')
    insert into patients (clinic_id, client_id, name, species, status, weight_kg, last_wellness_exam_on)
    select ${clinicId}, o.id, (array['Luna','Max','Bella','Milo','Daisy','Oreo','Mochi','Tofu','Ziggy','Kiwi'])[1 + (g % 10)] || ' ' || chr(65 + (g / ${owners}) % 26),
      case when g % 2 = 0 then 'dog' else 'cat' end, 'active', 5 + (g % 30), current_date - (g % 500)
    from generate_series(0, ${extra - 1}) g join o on o.n = 1 + (g % ${owners})`.execute(db);
  await sql`
    insert into prescriptions (clinic_id, patient_id, prescriber_id, medication_id, sig, quantity, refills_authorized, refills_used, written_on, expires_on, status)
    select ${clinicId}, p.id, ${prescriber}, (${meds}::uuid[])[1 + (row_number() over (order by p.id) % ${meds.length})], 'Give 1 ml by mouth BID', 1, 5, 1,
      current_date - 30, current_date + 300, 'active'
    from patients p join clients c on c.id = p.client_id where p.clinic_id = ${clinicId} and c.last_name like 'Owner%'`.execute(db);
  await sql`analyze`.execute(db);
}

/** Request bodies naming real owners, pets and medications (with some brand names and typos). */
async function bodies(db: DB, n: number): Promise<string[]> {
  const rows = await sql<{ ownerName: string; phone: string; petName: string; medication: string; synonyms: string[] }>`
    select c.first_name || ' ' || c.last_name as owner_name, c.phone, p.name as pet_name, m.name as medication, m.synonyms
    from prescriptions rx join patients p on p.id = rx.patient_id join clients c on c.id = p.client_id join medications m on m.id = rx.medication_id
    where rx.clinic_id = ${DEMO_IDS.riverside} and c.phone is not null
    order by md5(rx.id::text) limit ${n}`.execute(db);
  return rows.rows.map((r, i) => {
    const medication = i % 5 === 0 && r.synonyms[0] ? r.synonyms[0] : i % 7 === 0 ? r.medication.slice(0, -1) : r.medication;
    return JSON.stringify({ ownerName: r.ownerName, ownerPhone: r.phone, patientName: r.petName, medication, dosesLeft: i % 9 });
  });
}

async function measure(label: string, patients: number): Promise<BenchResult[]> {
  const bench = await benchDatabase(`intake_${patients}`);
  try {
    await seedDemo(bench.db);
    await growClinic(bench.db, patients);
    const count = Number((await bench.db.selectFrom('patients').select((eb) => eb.fn.countAll<number>().as('n')).where('clinicId', '=', DEMO_IDS.riverside).executeTakeFirstOrThrow()).n);
    const pool = await bodies(bench.db, 500);
    // INTAKE_BENCH_JOBS=0 measures intake alone, with the job worker in another process (none here).
    const server = await startAppServer(bench.url, process.env.INTAKE_BENCH_JOBS === '0' ? { JOBS: '0' } : {});
    try {
      // Warm up (first requests compile routes and fill the pool); these rows are not counted.
      for (let i = 0; i < 30; i++) {
        await fetch(`${server.url}/api/v1/refill-requests`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_API_KEYS.riverside}` }, body: pool[pool.length - 1 - i] });
      }
      const warm = Number((await bench.db.selectFrom('refillRequests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const load = os.loadavg()[0]!.toFixed(1);
      let next = 0;
      const times: number[] = [];
      const statuses = new Map<number, number>();
      const instance = autocannon({
        url: `${server.url}/api/v1/refill-requests`,
        connections: CONNECTIONS,
        duration: DURATION_SECONDS,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_API_KEYS.riverside}` },
            setupRequest: (req) => ({ ...req, body: pool[next++ % pool.length] }),
          },
        ],
      });
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        times.push(ms);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      });
      const result = await instance;
      const s = summarize(times);
      const created = statuses.get(201) ?? 0;
      const stored = -warm + Number((await bench.db.selectFrom('refillRequests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const byQueue = await bench.db.selectFrom('refillRequests').select(['queue', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('queue').orderBy('queue').execute();
      if (created === 0) throw new Error(`no request was created: ${JSON.stringify([...statuses])}`);
      const note = `${count.toLocaleString('en-US')} patients, ${CONNECTIONS} connections × ${DURATION_SECONDS} s, ${os.cpus().length} cores (load average ${load} at start), worker ${process.env.INTAKE_BENCH_JOBS === '0' ? 'off' : 'in process'}; ${created} created (${stored} stored), non-201: ${[...statuses].filter(([k]) => k !== 201).map(([k, v]) => `${k}×${v}`).join(', ') || 'none'}; queues ${byQueue.map((q) => `${q.queue} ${q.n}`).join(', ')}`;
      return [
        { name: `intake throughput, ${label}`, value: r2(result.requests.average), unit: 'req/s', note },
        { name: `intake latency p50, ${label}`, value: r2(s.p50), unit: 'ms' },
        { name: `intake latency p95, ${label}`, value: r2(s.p95), unit: 'ms' },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await bench.close();
  }
}

const bench: Bench = {
  title: 'Refill request intake (POST /api/v1/refill-requests, matching + routing)',
  async run() {
    return [...(await measure('demo clinic (~480 patients)', 450)), ...(await measure('20,000 patients', 20_000))];
  },
};

export default bench;
