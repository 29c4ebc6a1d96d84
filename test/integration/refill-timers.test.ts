import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import { action as createAction } from '../../app/routes/api.v1.refill-requests';
import { manualClock, setClock } from '../../app/services/platform/clock.server';
import { demoToday } from '../support/demo-day';
import { drainJobs, pendingJobs, startWorker } from '../../app/services/platform/jobs.server';
import { assignToMe, enqueueSlaSweep } from '../../app/services/requests/index.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import type { UserPrincipal } from '../../app/services/identity/principal';
import { call, request } from '../support/requests';
import { loadRxCases, pick, requestBody, type RxCase } from '../support/refill-cases';

// SLA timers run on the job queue against the injectable clock: the reminder at the target
// (30 min for urgent), the escalation to the manager at 4 h, each once, each in the audit —
// and none lost when the worker restarts or its jobs vanish.

const MIN = 60_000;
// Simulated time runs ahead of the database's clock, so drainJobs can bring due jobs forward.
const clock = manualClock(new Date(Math.ceil(Date.now() / MIN) * MIN + 10 * MIN));
let cases: RxCase[];
const used = new Set<string>();

beforeAll(async () => {
  registerAllTasks();
  setClock(clock);
  cases = await loadRxCases(getDb());
});
afterAll(() => setClock(undefined));

async function submit(body: Record<string, unknown>) {
  const res = await call(createAction, request('/api/v1/refill-requests', { method: 'POST', apiKey: DEMO_API_KEYS.riverside, json: body }));
  expect(res.status).toBe(201);
  return ((await res.json()) as any).request as { id: string; queue: string; dueAt: string };
}

async function timerEvents(id: string) {
  const rows = await getDb()
    .selectFrom('auditEvents')
    .select(['action', 'at', 'detail'])
    .where('subjectId', '=', id)
    .where('action', 'in', ['refill_request.reminded', 'refill_request.escalated'])
    .orderBy('at')
    .execute();
  return rows.map((r) => ({ action: r.action.replace('refill_request.', ''), minutes: 0, at: r.at, detail: r.detail as Record<string, any> }));
}

async function row(id: string) {
  return getDb().selectFrom('refillRequests').select(['remindedAt', 'escalatedAt', 'remindAt', 'escalateAt']).where('id', '=', id).executeTakeFirstOrThrow();
}

describe('SLA timers', () => {
  it('remind at the target (30 min for urgent) and escalate to the manager at 4 h, once each', async () => {
    const start = clock.now();
    const urgent = await submit(requestBody(pick(cases, 'routine', demoToday(), used)[0]!, { urgency: 'today' }));
    const standard = await submit(requestBody(pick(cases, 'routine', demoToday(), used)[0]!));
    const desk = await submit({ ownerName: 'Pat Nobody', ownerPhone: '+12025550111', patientName: 'Ghost', medication: 'carprofen' });
    expect([urgent.queue, standard.queue, desk.queue]).toEqual(['tech_urgent', 'tech_standard', 'front_desk']);
    const tech: UserPrincipal = { kind: 'user', userId: DEMO_IDS.user('tech@riverside.example'), name: 'Tina Morales', email: 'tech@riverside.example', role: 'technician', clinicId: DEMO_IDS.riverside, pharmacyId: null };
    await assignToMe(tech, urgent.id);

    const at = async (minutes: number) => {
      clock.set(new Date(start.getTime() + minutes * MIN));
      await drainJobs();
    };
    await at(29);
    expect((await row(urgent.id)).remindedAt).toBeNull();
    await at(30);
    expect((await row(urgent.id)).remindedAt?.getTime()).toBe(start.getTime() + 30 * MIN);
    const reminded = await timerEvents(urgent.id);
    expect(reminded.map((e) => e.action)).toEqual(['reminded']);
    expect(reminded[0]!.detail.to).toMatchObject({ userId: tech.userId });

    await at(59);
    expect((await row(desk.id)).remindedAt).toBeNull();
    await at(60);
    expect((await row(desk.id)).remindedAt).not.toBeNull();
    await at(120);
    expect((await timerEvents(urgent.id)).map((e) => e.action)).toEqual(['reminded']); // once, not again at the target
    await at(239);
    expect((await row(standard.id)).remindedAt).toBeNull();
    expect((await row(urgent.id)).escalatedAt).toBeNull();
    await at(240);
    for (const id of [urgent.id, standard.id, desk.id]) {
      const r = await row(id);
      expect(r.escalatedAt?.getTime()).toBe(start.getTime() + 240 * MIN);
      const events = await timerEvents(id);
      expect(events.map((e) => e.action)).toEqual(['reminded', 'escalated']);
      expect(events[1]!.detail.to).toMatchObject({ userId: DEMO_IDS.user('manager@riverside.example') });
    }
    await at(600);
    expect((await timerEvents(urgent.id)).length).toBe(2);
  });

  it('survive a worker restart, and a lost job is caught by the sweep', async () => {
    const start = clock.now();
    const kept = await submit(requestBody(pick(cases, 'routine', demoToday(), used)[0]!));
    const orphan = await submit(requestBody(pick(cases, 'routine', demoToday(), used)[0]!));
    // A worker starts and stops (a deploy) while the timers are hours away.
    const worker = await startWorker({ pollInterval: 50 });
    await new Promise((r) => setTimeout(r, 300));
    await worker.stop();
    // The orphan's jobs are lost (a queue restored from an old backup, an operator's delete).
    await sql`delete from graphile_worker._private_jobs where payload->>'requestId' = ${orphan.id}`.execute(getDb());
    expect((await pendingJobs('refill.remind')).some((j) => (j.payload as { requestId: string }).requestId === kept.id)).toBe(true);

    clock.set(new Date(start.getTime() + 241 * MIN));
    await drainJobs(); // a new worker: the kept request's jobs fire
    expect((await row(kept.id)).remindedAt).not.toBeNull();
    expect((await row(kept.id)).escalatedAt).not.toBeNull();
    expect((await row(orphan.id)).remindedAt).toBeNull();
    await enqueueSlaSweep(); // the periodic sweep (registerCron, every minute)
    await drainJobs();
    const o = await row(orphan.id);
    expect(o.remindedAt).not.toBeNull();
    expect(o.escalatedAt).not.toBeNull();
    expect((await timerEvents(orphan.id)).map((e) => e.action)).toEqual(['reminded', 'escalated']);
  });
});
