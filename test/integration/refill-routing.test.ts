import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS } from '../../db/seed';
import { action as createAction, loader as listLoader } from '../../app/routes/api.v1.refill-requests';
import { loader as oneLoader } from '../../app/routes/api.v1.refill-requests.$id';
import { demoToday } from '../support/demo-day';
import { pendingJobs } from '../../app/services/platform/jobs.server';
import { call, request } from '../support/requests';
import { loadRxCases, pick, requestBody, type RxCase } from '../support/refill-cases';

// Every row of DESIGN.md's routing table, through POST /api/v1/refill-requests, on demo
// patients picked by querying the seed for each situation.

const key = DEMO_API_KEYS.riverside;
let cases: RxCase[];
const used = new Set<string>();

beforeAll(async () => {
  cases = await loadRxCases(getDb());
});

async function submit(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await call(createAction, request('/api/v1/refill-requests', { method: 'POST', apiKey: key, json: body, headers }));
  return { status: res.status, body: (await res.json()) as any };
}

type Row = {
  row: string;
  queue: string;
  targetMinutes: number | 'same_day';
  build: () => Record<string, unknown>;
  failed?: string[];
};

const ROWS: Row[] = [
  { row: 'routine chronic med, eligible', queue: 'tech_standard', targetMinutes: 240, build: () => requestBody(pick(cases, 'routine', demoToday(), used)[0]!, { dosesLeft: 20 }) },
  { row: 'running out today, eligible', queue: 'tech_urgent', targetMinutes: 120, build: () => requestBody(pick(cases, 'routine', demoToday(), used)[0]!, { urgency: 'today' }) },
  { row: 'running out in 1–2 days (doses left), eligible', queue: 'tech_urgent', targetMinutes: 120, build: () => requestBody(pick(cases, 'routine', demoToday(), used)[0]!, { dosesLeft: 1 }) },
  { row: 'controlled substance', queue: 'vet_review', targetMinutes: 120, failed: ['medication.controlled'], build: () => requestBody(pick(cases, 'controlled', demoToday(), used)[0]!) },
  { row: 'compounded', queue: 'vet_review', targetMinutes: 120, failed: ['medication.compounded'], build: () => requestBody(pick(cases, 'compounded', demoToday(), used)[0]!) },
  { row: 'recent dose change', queue: 'vet_review', targetMinutes: 120, failed: ['prescription.dose_change'], build: () => requestBody(pick(cases, 'dose_change', demoToday(), used)[0]!) },
  { row: 'prescription expired', queue: 'exception_prescription', targetMinutes: 'same_day', failed: ['prescription.active'], build: () => requestBody(pick(cases, 'expired', demoToday(), used)[0]!) },
  { row: 'no refills left', queue: 'exception_prescription', targetMinutes: 'same_day', failed: ['prescription.active'], build: () => requestBody(pick(cases, 'no_refills', demoToday(), used)[0]!) },
  { row: 'wellness exam overdue', queue: 'exception_exam', targetMinutes: 1440, failed: ['patient.wellness'], build: () => requestBody(pick(cases, 'exam_overdue', demoToday(), used)[0]!) },
  { row: 'owner not found', queue: 'front_desk', targetMinutes: 60, failed: ['match.owner'], build: () => ({ ownerName: 'Pat Nobody', ownerPhone: '+12025550199', patientName: 'Ghost', medication: 'methimazole' }) },
  {
    row: 'patient not found',
    queue: 'front_desk',
    targetMinutes: 60,
    failed: ['match.patient'],
    build: () => ({ ...requestBody(pick(cases, 'routine', demoToday(), used)[0]!), patientName: 'Zzyzx' }),
  },
  {
    row: 'prescription not found',
    queue: 'front_desk',
    targetMinutes: 60,
    failed: ['match.prescription'],
    build: () => ({ ...requestBody(pick(cases, 'routine', demoToday(), used)[0]!), medication: 'insulin glargine' }),
  },
];

describe('routing table (DESIGN.md) through POST /api/v1/refill-requests', () => {
  it.each(ROWS)('$row → $queue', async (row) => {
    const body = row.build();
    const before = Date.now();
    const res = await submit(body);
    expect(res.status).toBe(201);
    const r = res.body.request;
    expect(r.queue).toBe(row.queue);
    expect(r.status).toBe('open');
    const failed = r.eligibility.filter((c: { ok: boolean }) => !c.ok).map((c: { check: string }) => c.check);
    for (const f of row.failed ?? []) expect(failed).toContain(f);
    if (row.queue.startsWith('tech_')) expect(failed).toEqual([]);
    const due = Date.parse(r.dueAt);
    if (row.targetMinutes === 'same_day') {
      expect(due).toBeGreaterThan(before);
      expect(due - before).toBeLessThanOrEqual(25 * 3600_000);
    } else {
      expect(Math.round((due - before) / 60_000)).toBeGreaterThanOrEqual(row.targetMinutes - 1);
      expect(Math.round((due - before) / 60_000)).toBeLessThanOrEqual(row.targetMinutes + 1);
    }
    if (row.queue === 'front_desk' && row.row !== 'owner not found') expect(r.candidates.length).toBeGreaterThan(0);

    // The GET shows it in its queue with its SLA and the audit of its intake and routing.
    const one = await call(oneLoader, request(`/api/v1/refill-requests/${r.id}`, { apiKey: key }), { id: r.id });
    const detail = ((await one.json()) as any).request;
    expect(detail.queue).toBe(row.queue);
    expect(detail.sla.dueAt).toBe(r.dueAt);
    expect(detail.audit.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['refill_request.received', 'refill_request.routed']));
    const list = await call(listLoader, request(`/api/v1/refill-requests?queue=${row.queue}`, { apiKey: key }));
    expect(((await list.json()) as any).requests.map((x: { id: string }) => x.id)).toContain(r.id);
    // Its timers are on the job queue.
    const jobs = await pendingJobs('refill.remind');
    expect(jobs.some((j) => (j.payload as { requestId: string }).requestId === r.id)).toBe(true);
  });

  it('matches brand names and typos to the generic prescription, and never guesses between two', async () => {
    const felimazole = cases.find((c) => !used.has(c.patientId) && c.medicationName === 'Methimazole' && c.patientStatus === 'active');
    expect(felimazole).toBeDefined();
    used.add(felimazole!.patientId);
    const brand = await submit({ ...requestBody(felimazole!), medication: 'Felimazole' });
    expect(brand.body.request.prescriptionId).toBe(felimazole!.prescriptionId);
    const typo = await submit({ ...requestBody(felimazole!), medication: 'methimazol', patientName: felimazole!.petName.toUpperCase() });
    expect(typo.body.request.prescriptionId).toBe(felimazole!.prescriptionId);
    expect(typo.body.request.eligibility.find((c: { check: string }) => c.check === 'match.prescription').detail).toMatch(/asked for as "methimazol"/);
  });

  it('answers the first response again for a replayed Idempotency-Key, and 409 for the same key with another body', async () => {
    const c = pick(cases, 'routine', demoToday(), used)[0]!;
    const first = await submit(requestBody(c), { 'Idempotency-Key': 'pims-req-1' });
    const again = await submit(requestBody(c), { 'Idempotency-Key': 'pims-req-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.request.id).toBe(first.body.request.id);
    const other = await submit({ ...requestBody(c), dosesLeft: 3 }, { 'Idempotency-Key': 'pims-req-1' });
    expect(other.status).toBe(409);
    const n = await getDb().selectFrom('refillRequests').select((eb) => eb.fn.countAll<number>().as('n')).where('patientId', '=', c.patientId).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('keeps tenants apart: another clinic’s key gets 404 for this request', async () => {
    const c = pick(cases, 'routine', demoToday(), used)[0]!;
    const mine = await submit(requestBody(c));
    const theirs = await call(oneLoader, request(`/api/v1/refill-requests/${mine.body.request.id}`, { apiKey: DEMO_API_KEYS.lakeside }), { id: mine.body.request.id });
    expect(theirs.status).toBe(404);
  });

  it('names each bad field with a 400', async () => {
    const res = await submit({ ownerName: '<script>alert(1)</script>', patientName: "Robert'); DROP TABLE patients;--", medication: '' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(expect.arrayContaining(['ownerName', 'patientName', 'medication', 'ownerPhone']));
  });
});
