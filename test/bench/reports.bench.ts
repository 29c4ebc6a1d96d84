import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { setDb } from '../../db/client';
import { DEMO_IDS, seedDemo } from '../../db/seed';
import { getReport, REPORTS } from '../../app/services/reports/reports.server';
import { scheduleReminders } from '../../app/services/requests/reminders.server';
import type { Principal } from '../../app/services/identity/principal';
import { benchDatabase, r2, time, restoreEnv } from './support';
import { cloneClinic, generateRequestHistory } from '../support/report-data';
import type { Bench, BenchResult } from './types';

// Reports over one year of a 20-clinic data set: the demo clinic with a year of owner
// requests (30 a day) over its seeded order history, copied 19 times with every id remapped.
// Each report is timed server-side (the service call, as the page loader makes it) for the
// busiest clinic. Then reminder scheduling: the sweep over ≥ 20,000 active prescriptions.

const CLINICS = 20;
const REQUESTS_PER_DAY = 30;
const RUNS = 15;
const TARGET_MS = 200;
const SWEEP_TARGET_MS = 2000;
const PRESCRIPTIONS = 20_000;

const bench: Bench = {
  title: 'Reports and refill reminders (issue 9)',
  async run() {
    const database = await benchDatabase('reports');
    setDb(database.db);
    const previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = database.url;
    try {
      const db = database.db;
      await seedDemo(db);
      await generateRequestHistory(db, DEMO_IDS.riverside, { perDay: REQUESTS_PER_DAY });
      const clinics = [DEMO_IDS.riverside];
      for (let k = 1; k < CLINICS; k++) clinics.push(await cloneClinic(db, DEMO_IDS.riverside, k));
      await sql`analyze`.execute(db);
      const counts = await sql<{ requests: number; lines: number; clinics: number }>`
        select (select count(*) from refill_requests)::int as requests, (select count(*) from order_lines)::int as lines, (select count(*) from clinics)::int as clinics`.execute(db);
      const { requests, lines } = counts.rows[0]!;
      const note = `${CLINICS} clinics, ${requests.toLocaleString('en-US')} requests, ${lines.toLocaleString('en-US')} order lines, one year; p95 of ${RUNS} runs`;

      const to = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10);
      const results: BenchResult[] = [];
      for (const id of REPORTS) {
        let i = 0;
        const timing = await time(async () => {
          const principal: Principal = { kind: 'clinic_key', keyId: 'bench', clinicId: clinics[i++ % clinics.length]! };
          await getReport(principal, id, { from, to });
        }, RUNS, 3);
        results.push({ name: `report ${id} p95`, value: r2(timing.p95), unit: 'ms', target: `≤ ${TARGET_MS} ms`, ok: timing.p95 <= TARGET_MS, note });
      }

      // Reminder scheduling: more copies until there are 20,000 active prescriptions.
      let active = 0;
      for (let k = CLINICS; ; k++) {
        active = (await sql<{ n: number }>`select count(*)::int as n from prescriptions where status = 'active'`.execute(db)).rows[0]!.n;
        if (active >= PRESCRIPTIONS) break;
        await cloneClinic(db, DEMO_IDS.riverside, k);
      }
      await sql`analyze`.execute(db);
      const start = performance.now();
      const swept = await scheduleReminders();
      const sweepMs = performance.now() - start;
      const again = performance.now();
      const second = await scheduleReminders();
      const againMs = performance.now() - again;
      results.push({
        name: 'reminder sweep (first run)',
        value: r2(sweepMs),
        unit: 'ms',
        target: `≤ ${SWEEP_TARGET_MS} ms`,
        ok: sweepMs <= SWEEP_TARGET_MS,
        note: `${active.toLocaleString('en-US')} active prescriptions; ${swept.scheduled} scheduled, ${swept.suppressed} suppressed`,
      });
      results.push({
        name: 'reminder sweep (again, nothing new)',
        value: r2(againMs),
        unit: 'ms',
        target: `≤ ${SWEEP_TARGET_MS} ms`,
        ok: againMs <= SWEEP_TARGET_MS && second.scheduled === 0,
        note: `${second.scheduled} scheduled the second time (once-only)`,
      });
      return results;
    } finally {
      setDb(undefined);
      restoreEnv('DATABASE_URL', previousUrl);
      await database.close();
    }
  },
};

export default bench;
