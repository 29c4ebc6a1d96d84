import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { setDb } from '../../db/client';
import { seedDemo } from '../../db/seed';
import { startWorker, type WorkerHandle } from '../../app/services/platform/jobs.server';
import { enqueueOrderDeliveries, setDeliveryBackoff } from '../../app/services/orders/index.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { startPharmacySimulator } from '../support/pharmacy-simulator';
import { connectPharmacyByRest, createPendingOrders } from '../support/routing-fixtures';
import { benchDatabase, r2, summarize, restoreEnv } from './support';
import type { Bench, BenchResult } from './types';

// 5,000 paid orders (1,250 for each of the four demo pharmacies, all switched to the REST
// adapter against the simulator; each a whole refill day of ~25 lines) are enqueued as a
// checkout would, 500 per transaction (`enqueueOrderDeliveries`), while two workers (two graphile runners, 8 jobs each, in this process) deliver
// them. Latency is from the commit of an order's enqueue to its `delivered_to_pharmacy_at`.
// The second run makes the simulator answer 20 % of POSTs with HTTP 500 (seeded), with the
// back-off shortened to 100 ms × 2^n (cap 2 s) so the run measures the machinery, not the wait.
// The simulator, the workers and the database share this machine's cores.

const ORDERS = 5000;
const BATCH = 500;
const WORKERS = 2;
const CONCURRENCY = 8;
// Lone Star does not ship to California, so its orders come from the Nevada clinic.
const PHARMACIES = [
  { slug: 'pacific', clinic: 'riverside' },
  { slug: 'sierra', clinic: 'riverside' },
  { slug: 'greatlakes', clinic: 'riverside' },
  { slug: 'lonestar', clinic: 'lakeside' },
] as const;

type Db = Awaited<ReturnType<typeof benchDatabase>>['db'];

async function scenario(db: Db, failRate: number, label: string): Promise<BenchResult[]> {
  const secrets: Record<string, string> = {};
  const sim = await startPharmacySimulator({ secrets, failRate, seed: 11 });
  for (const p of PHARMACIES) secrets[p.slug] = await connectPharmacyByRest(db, p.slug, sim.endpointFor(p.slug), 5000);
  sim.configure({ secrets });

  const createdAt = new Date();
  const ids: string[] = [];
  for (const p of PHARMACIES) ids.push(...(await createPendingOrders(db, { pharmacySlug: p.slug, clinic: p.clinic, count: ORDERS / PHARMACIES.length, createdAt, enqueue: false })));
  // Interleave pharmacies, as a day of checkouts would.
  const order = ids.map((id, i) => ({ id, k: (i % (ORDERS / PHARMACIES.length)) * PHARMACIES.length + Math.floor(i / (ORDERS / PHARMACIES.length)) })).sort((a, b) => a.k - b.k).map((x) => x.id);

  const runners: WorkerHandle[] = [];
  for (let w = 0; w < WORKERS; w++) runners.push(await startWorker({ concurrency: CONCURRENCY, pollInterval: 100 }));
  const enqueuedAt = new Map<string, number>();
  const start = performance.now();
  const startWall = Date.now();
  for (let i = 0; i < order.length; i += BATCH) {
    const batch = order.slice(i, i + BATCH);
    await db.transaction().execute((tx) => enqueueOrderDeliveries(tx, batch));
    const committed = startWall + (performance.now() - start);
    for (const id of batch) enqueuedAt.set(id, committed);
  }
  const enqueueMs = performance.now() - start;
  for (;;) {
    const { n } = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('createdAt', '=', createdAt).where('status', '=', 'submitted').executeTakeFirstOrThrow();
    if (Number(n) === ORDERS) break;
    if (performance.now() - start > 15 * 60_000) throw new Error(`only ${n} of ${ORDERS} orders delivered after 15 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const totalMs = performance.now() - start;
  await Promise.all(runners.map((r) => r.stop()));
  await sim.close();

  const rows = await db.selectFrom('orders').select(['id', 'deliveredToPharmacyAt']).where('id', 'in', order).execute();
  const latency = summarize(rows.map((r) => r.deliveredToPharmacyAt!.getTime() - enqueuedAt.get(r.id)!));
  const { rows: events } = await sql<{ n: number; orders: number }>`
    select count(*)::int as n, count(distinct order_id)::int as orders from order_events where type = 'submitted' and order_id = any(${order}::uuid[])`.execute(db);
  const twice = [...sim.orders.values()].filter((o) => o.acknowledged > 1).length;
  const delivered = [...sim.orders.values()].filter((o) => o.acknowledged === 1).length;
  const ok = delivered === ORDERS && twice === 0 && events[0]!.n === ORDERS && events[0]!.orders === ORDERS;
  if (!ok) throw new Error(`${label}: ${delivered} delivered once, ${twice} twice, ${events[0]!.n} submitted events`);
  return [
    { name: `${label}: throughput (${ORDERS.toLocaleString('en-US')} orders, ${WORKERS} workers × ${CONCURRENCY})`, value: r2(ORDERS / (totalMs / 1000)), unit: 'orders/s', note: `enqueue took ${Math.round(enqueueMs)} ms in ${ORDERS / BATCH} transactions` },
    { name: `${label}: enqueue-to-delivered p95`, value: r2(latency.p95), unit: 'ms', note: `p50 ${Math.round(latency.p50)} ms, max ${Math.round(latency.max)} ms` },
    {
      name: `${label}: delivered exactly once`,
      value: delivered,
      unit: `of ${ORDERS.toLocaleString('en-US')}`,
      target: `${ORDERS.toLocaleString('en-US')}, none twice`,
      ok,
      note: `${sim.stats.posts.toLocaleString('en-US')} POSTs, ${sim.stats.failed.toLocaleString('en-US')} answered 500, ${twice} acknowledged twice, ${sim.stats.badSignatures} bad signatures`,
    },
  ];
}

const bench: Bench = {
  title: 'Routing: delivering orders to a REST pharmacy (simulator)',
  async run() {
    const { db, url, close } = await benchDatabase('routing');
    const previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = url;
    setDb(db);
    try {
      await seedDemo(db);
      registerAllTasks();
      setDeliveryBackoff({ baseMs: 100, capMs: 2000 });
      const results = [...(await scenario(db, 0, 'no failures')), ...(await scenario(db, 0.2, '20 % of POSTs fail'))];
      return results;
    } finally {
      setDeliveryBackoff();
      setDb(undefined);
      restoreEnv('DATABASE_URL', previousUrl);
      await close();
    }
  },
};

export default bench;
