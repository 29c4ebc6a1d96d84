import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import { getAllReports, getReport } from '../../app/services/reports/reports.server';
import { getDashboard } from '../../app/services/reports/dashboard.server';
import { ownerTracking, unsubscribeOwner } from '../../app/services/owners/owners.server';
import { trackingPath, unsubscribePath } from '../../app/services/owners/owner-links.server';
import type { Principal } from '../../app/services/identity/principal';
import { loader as csvLoader } from '../../app/routes/reports.csv.$report';
import { loader as chainCsvLoader } from '../../app/routes/orders.chain[.csv]';
import { call, request, signIn } from '../support/requests';
import { generateRequestHistory } from '../support/report-data';

const riverside: Principal = { kind: 'clinic_key', keyId: 'test', clinicId: DEMO_IDS.riverside };
const lakeside: Principal = { kind: 'clinic_key', keyId: 'test', clinicId: DEMO_IDS.lakeside };
const year = { from: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) };

beforeAll(async () => {
  await generateRequestHistory(getDb(), DEMO_IDS.riverside, { perDay: 10 });
});

describe('reports', () => {
  it('aggregates a year of requests and orders for the clinic only', async () => {
    const r = await getAllReports(riverside, year);
    expect(r['requests-by-day'].rows).toHaveLength(366);
    expect(r['requests-by-day'].total).toBeGreaterThan(3000);
    expect(r['requests-by-day'].rows.reduce((s, d) => s + d.web + d.sms + d.pims + d.api + d.phone + d.reminder, 0)).toBe(r['requests-by-day'].total);
    expect(r.turnaround.overall.medianApprovalMinutes).toBeGreaterThan(0);
    expect(r.turnaround.overall.shipped).toBeGreaterThan(0);
    expect(r.turnaround.overall.medianShippedHours).toBeGreaterThan(0);
    expect(r.sla.overall.breached).toBeGreaterThan(0);
    expect(r.sla.overall.breached).toBeLessThan(r.sla.overall.requests);
    expect(r.sla.byQueue.map((q) => q.queue)).toContain('vet_review');
    expect(r.acknowledgement.overall.within5Minutes).toBeGreaterThan(r.acknowledgement.overall.requests / 2);
    expect(r['spend-by-pharmacy'].rows.length).toBeGreaterThan(1);
    const lines = await getDb().selectFrom('orderLines').innerJoin('orders', 'orders.id', 'orderLines.orderId').select((eb) => eb.fn.sum<string>('orderLines.lineTotalCents').as('s')).where('orderLines.clinicId', '=', DEMO_IDS.riverside).where('orders.status', 'not in', ['rejected', 'cancelled']).where('orderLines.createdAt', '>=', new Date(`${year.from}T00:00:00Z`)).executeTakeFirstOrThrow();
    expect(Math.abs(r['spend-by-pharmacy'].totalCents - Number(lines.s))).toBeLessThan(Number(lines.s) * 0.02);
    expect(r.savings.overall.savingsCents).toBeGreaterThanOrEqual(0);
    expect(r.savings.overall.mostExpensiveCents).toBe(r.savings.overall.spendCents + r.savings.overall.savingsCents);

    const other = await getReport(lakeside, 'requests-by-day', year);
    expect(other.total).toBe(0);
  });

  it('exports each report and the authorization chains as CSV, and names a bad range', async () => {
    const cookie = await signIn('manager@riverside.example');
    const res = (await call(csvLoader, request(`/reports/csv/sla?from=${year.from}&to=${year.to}`, { cookie }), { report: 'sla' })) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe('week,requests,breached,breachRate');
    expect(text).toContain('queue:vet_review');
    const bad = (await call(csvLoader, request('/reports/csv/sla?from=2026-13-01', { cookie }), { report: 'sla' })) as Response;
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fields.from).toBeTruthy();
    const unknown = (await call(csvLoader, request('/reports/csv/nope', { cookie }), { report: 'nope' })) as Response;
    expect(unknown.status).toBe(400);
    const chains = (await call(chainCsvLoader, request(`/orders/chain.csv?from=${year.from}&to=${year.to}`, { cookie }), {})) as Response;
    expect(chains.status).toBe(200);
    expect(await chains.text()).toContain('refill_request.input');
  });
});

describe('dashboard', () => {
  it('counts open requests per queue with their SLA state and orders in flight', async () => {
    const d = await getDashboard(riverside);
    expect(d.queues.reduce((s, q) => s + q.open, 0)).toBeGreaterThan(0);
    for (const q of d.queues) expect(['on_track', 'due_soon', 'overdue']).toContain(q.state);
    expect(d.ordersInFlight.every((o) => !['delivered', 'cancelled'].includes(o.status))).toBe(true);
    expect(d.refillDay.totalCents).toBeGreaterThanOrEqual(0);
  });
});

describe('owner links', () => {
  it('shows an owner only their pets on the tracking page, and unsubscribes in one POST', async () => {
    const line = await getDb()
      .selectFrom('orderLines')
      .innerJoin('patients', 'patients.id', 'orderLines.patientId')
      .innerJoin('orders', 'orders.id', 'orderLines.orderId')
      .select(['orderLines.orderId', 'patients.clientId', 'patients.name'])
      .where('orders.clinicId', '=', DEMO_IDS.riverside)
      .where('orders.status', '=', 'delivered')
      .executeTakeFirstOrThrow();
    const token = trackingPath({ orderId: line.orderId, clientId: line.clientId }).split('/').pop()!;
    const t = await ownerTracking(token);
    expect(t.lines.map((l) => l.petName)).toContain(line.name);
    expect(t.timeline.find((s) => s.step === 'delivered')!.at).not.toBeNull();
    await expect(ownerTracking(token.slice(0, -2) + 'xx')).rejects.toMatchObject({ code: 'not_found' });
    // A token for another purpose does not open the page.
    await expect(ownerTracking(unsubscribePath(line.clientId).split('/').pop()!)).rejects.toMatchObject({ code: 'not_found' });

    await unsubscribeOwner(unsubscribePath(line.clientId).split('/').pop()!);
    await unsubscribeOwner(unsubscribePath(line.clientId).split('/').pop()!);
    const client = await getDb().selectFrom('clients').select('unsubscribedAt').where('id', '=', line.clientId).executeTakeFirstOrThrow();
    expect(client.unsubscribedAt).not.toBeNull();
    const audits = await getDb().selectFrom('auditEvents').select('action').where('subjectId', '=', line.clientId).where('action', '=', 'client.unsubscribed').execute();
    expect(audits).toHaveLength(1);
  });
});
