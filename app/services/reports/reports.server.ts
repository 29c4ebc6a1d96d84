import { sql, type RawBuilder } from 'kysely';
import { getDb } from '../../../db/client';
import { toCsv } from '../audit/audit-chain.server';
import { addDays, type IsoDate } from '../../../validators/vocabulary';
import { now } from '../platform/clock.server';
import { clinicToday } from '../records/clinics.server';
import { badRequest } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { CHANNELS, REPORTS, type ReportId } from '../../lib/reports';

// The manager's reports: each one SQL aggregate over one clinic and a date range, grouped in
// the clinic's time zone, served by the indexes of 2026_11_22_0701_add_report_indexes. Pages
// chart them; resource routes export the same rows as CSV.

export { CHANNELS, REPORT_TITLES, REPORTS, type ReportId } from '../../lib/reports';

/** A report's date range (inclusive, clinic-local dates). */
export type ReportRange = { from: string; to: string };

export type RequestsByDayRow = { day: string } & Record<(typeof CHANNELS)[number] | 'total', number>;
export type TurnaroundRow = { week: string; requests: number; approved: number; medianApprovalMinutes: number | null; shipped: number; medianShippedHours: number | null };
export type SlaRow = { week: string; requests: number; breached: number; breachRate: number };
export type SlaQueueRow = { queue: string; requests: number; breached: number; breachRate: number };
export type AckRow = { week: string; requests: number; acknowledged: number; medianSeconds: number | null; p90Seconds: number | null; within5Minutes: number };
export type SpendRow = { pharmacy: string; orders: number; lines: number; spendCents: number; savingsCents: number };
export type SavingsRow = { month: string; spendCents: number; mostExpensiveCents: number; savingsCents: number };

export type ReportData = {
  'requests-by-day': { rows: RequestsByDayRow[]; total: number };
  turnaround: { rows: TurnaroundRow[]; overall: Omit<TurnaroundRow, 'week'> };
  sla: { rows: SlaRow[]; byQueue: SlaQueueRow[]; overall: Omit<SlaRow, 'week'> };
  acknowledgement: { rows: AckRow[]; overall: Omit<AckRow, 'week'> };
  'spend-by-pharmacy': { rows: SpendRow[]; totalCents: number };
  savings: { rows: SavingsRow[]; overall: Omit<SavingsRow, 'month'> };
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The range from the query string; default the last `defaultDays` days up to `today` (the clinic's day). */
export function parseRange(params: URLSearchParams, today: IsoDate, defaultDays = 90): ReportRange {
  const to = params.get('to') || today;
  const toIsDate = DATE.test(to) && !Number.isNaN(Date.parse(to));
  // Without a start, the range ends at `to`; a bad `to` is named below, not a crash here.
  const from = params.get('from') || (toIsDate ? addDays(to, -(defaultDays - 1)) : null);
  const fields: Record<string, string> = {};
  if (from !== null && (!DATE.test(from) || Number.isNaN(Date.parse(from)))) fields.from = 'Use a date like 2026-01-31';
  if (!toIsDate) fields.to = 'Use a date like 2026-01-31';
  if (from === null || fields.from || fields.to) throw badRequest('The date range is not valid', fields);
  if (from > to) fields.to = 'The end is before the start';
  if (!fields.to && Date.parse(to) - Date.parse(from) > 731 * 86_400_000) fields.from = 'At most two years at a time';
  if (Object.keys(fields).length) throw badRequest('The date range is not valid', fields);
  return { from, to };
}

/** The range a clinic user asked for, defaulting to the days up to the clinic's today. */
export async function reportRange(principal: Principal, params: URLSearchParams, defaultDays = 90): Promise<ReportRange> {
  return parseRange(params, await clinicToday(getDb(), clinicScope(principal)), defaultDays);
}

async function clinicZone(clinicId: string): Promise<string> {
  const c = await getDb().selectFrom('clinics').select('timezone').where('id', '=', clinicId).executeTakeFirstOrThrow();
  return c.timezone;
}

// Bounds as timestamptz in the clinic's zone, computed once by Postgres so indexes apply.
function bounds(range: ReportRange, tz: string): { lo: RawBuilder<unknown>; hi: RawBuilder<unknown> } {
  return {
    lo: sql`(${range.from}::date::timestamp at time zone ${tz})`,
    hi: sql`((${range.to}::date + 1)::timestamp at time zone ${tz})`,
  };
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);
const rate = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000);

/** One report's data for the principal's clinic. */
export async function getReport<R extends ReportId>(principal: Principal, id: R, range: ReportRange): Promise<ReportData[R]> {
  const clinicId = clinicScope(principal);
  const tz = await clinicZone(clinicId);
  return (await RUNNERS[id](clinicId, tz, range)) as ReportData[R];
}

const RUNNERS: { [K in ReportId]: (clinicId: string, tz: string, range: ReportRange) => Promise<ReportData[K]> } = {
  async 'requests-by-day'(clinicId, tz, range) {
    const { lo, hi } = bounds(range, tz);
    const r = await sql<{ day: string; channel: string; n: number }>`
      select to_char((created_at at time zone ${tz})::date, 'YYYY-MM-DD') as day, channel, count(*)::int as n
      from refill_requests
      where clinic_id = ${clinicId} and created_at >= ${lo} and created_at < ${hi}
      group by 1, 2 order by 1`.execute(getDb());
    const byDay = new Map<string, RequestsByDayRow>();
    // Every day of the range gets a row, so a chart shows quiet days as zero, not as a gap.
    for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= Date.parse(`${range.to}T00:00:00Z`); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      byDay.set(day, { day, web: 0, sms: 0, pims: 0, api: 0, phone: 0, reminder: 0, total: 0 });
    }
    let total = 0;
    for (const row of r.rows) {
      const d = byDay.get(row.day);
      if (!d) continue;
      d[row.channel as (typeof CHANNELS)[number]] += row.n;
      d.total += row.n;
      total += row.n;
    }
    return { rows: [...byDay.values()], total };
  },

  async turnaround(clinicId, tz, range) {
    const { lo, hi } = bounds(range, tz);
    // Shipments of the clinic's lines that came from requests, once, then a hash join: a
    // per-request lookup costs seconds over a year.
    const r = await sql<{ week: string | null; requests: number; approved: number; medianApproval: number | null; shipped: number; medianShipped: number | null }>`
      with shipped as materialized (
        select ol.cart_line_id, min(oe.at) as shipped_at
        from order_lines ol join order_events oe on oe.order_id = ol.order_id and oe.type = 'shipped'
        where ol.clinic_id = ${clinicId} and ol.cart_line_id is not null and ol.created_at >= ${lo} - interval '60 days'
        group by ol.cart_line_id
      )
      select to_char(date_trunc('week', rr.created_at at time zone ${tz}), 'YYYY-MM-DD') as week,
             count(*)::int as requests,
             count(*) filter (where rr.decided_at is not null and rr.status in ('approved', 'to_dispense', 'dispensed'))::int as approved,
             percentile_cont(0.5) within group (order by extract(epoch from rr.decided_at - rr.created_at) / 60)
               filter (where rr.decided_at is not null and rr.status in ('approved', 'to_dispense', 'dispensed')) as median_approval,
             count(s.shipped_at)::int as shipped,
             percentile_cont(0.5) within group (order by extract(epoch from s.shipped_at - rr.created_at) / 3600)
               filter (where s.shipped_at is not null) as median_shipped
      from refill_requests rr
      left join shipped s on s.cart_line_id = rr.cart_line_id
      where rr.clinic_id = ${clinicId} and rr.created_at >= ${lo} and rr.created_at < ${hi}
      group by grouping sets ((1), ())
      order by 1 nulls last`.execute(getDb());
    const shape = (x: (typeof r.rows)[number]) => ({
      requests: x.requests,
      approved: x.approved,
      medianApprovalMinutes: numOrNull(x.medianApproval),
      shipped: x.shipped,
      medianShippedHours: numOrNull(x.medianShipped),
    });
    const overall = r.rows.find((x) => x.week === null);
    return {
      rows: r.rows.filter((x) => x.week !== null).map((x) => ({ week: x.week!, ...shape(x) })),
      overall: overall ? shape(overall) : { requests: 0, approved: 0, medianApprovalMinutes: null, shipped: 0, medianShippedHours: null },
    };
  },

  async sla(clinicId, tz, range) {
    const { lo, hi } = bounds(range, tz);
    // Breached: decided after its target, or still undecided past it.
    const r = await sql<{ week: string | null; queue: string | null; requests: number; breached: number }>`
      select to_char(date_trunc('week', created_at at time zone ${tz}), 'YYYY-MM-DD') as week, queue,
             count(*)::int as requests,
             count(*) filter (where coalesce(decided_at, case when status = 'open' then ${now().toISOString()}::timestamptz end) > due_at)::int as breached
      from refill_requests
      where clinic_id = ${clinicId} and created_at >= ${lo} and created_at < ${hi}
      group by grouping sets ((1), (2), ())
      order by 1 nulls last, 2`.execute(getDb());
    const rows = r.rows.filter((x) => x.week !== null).map((x) => ({ week: x.week!, requests: x.requests, breached: x.breached, breachRate: rate(x.breached, x.requests) }));
    const byQueue = r.rows.filter((x) => x.week === null && x.queue !== null).map((x) => ({ queue: x.queue!, requests: x.requests, breached: x.breached, breachRate: rate(x.breached, x.requests) }));
    const o = r.rows.find((x) => x.week === null && x.queue === null);
    return { rows, byQueue, overall: { requests: o?.requests ?? 0, breached: o?.breached ?? 0, breachRate: rate(o?.breached ?? 0, o?.requests ?? 0) } };
  },

  async acknowledgement(clinicId, tz, range) {
    const { lo, hi } = bounds(range, tz);
    const r = await sql<{ week: string | null; requests: number; acknowledged: number; median: number | null; p90: number | null; within5: number }>`
      select to_char(date_trunc('week', created_at at time zone ${tz}), 'YYYY-MM-DD') as week,
             count(*)::int as requests,
             count(acknowledged_at)::int as acknowledged,
             percentile_cont(0.5) within group (order by extract(epoch from acknowledged_at - created_at)) filter (where acknowledged_at is not null) as median,
             percentile_cont(0.9) within group (order by extract(epoch from acknowledged_at - created_at)) filter (where acknowledged_at is not null) as p90,
             count(*) filter (where acknowledged_at - created_at <= interval '5 minutes')::int as within5
      from refill_requests
      where clinic_id = ${clinicId} and created_at >= ${lo} and created_at < ${hi}
      group by grouping sets ((1), ())
      order by 1 nulls last`.execute(getDb());
    const shape = (x: (typeof r.rows)[number]) => ({ requests: x.requests, acknowledged: x.acknowledged, medianSeconds: numOrNull(x.median), p90Seconds: numOrNull(x.p90), within5Minutes: x.within5 });
    const o = r.rows.find((x) => x.week === null);
    return {
      rows: r.rows.filter((x) => x.week !== null).map((x) => ({ week: x.week!, ...shape(x) })),
      overall: o ? shape(o) : { requests: 0, acknowledged: 0, medianSeconds: null, p90Seconds: null, within5Minutes: 0 },
    };
  },

  async 'spend-by-pharmacy'(clinicId, tz, range) {
    const { lo, hi } = bounds(range, tz);
    const r = await sql<{ pharmacy: string; orders: number; lines: number; spend: string; savings: string }>`
      with dearest as (select medication_id, max(unit_price_cents) as unit from offers group by medication_id)
      select ph.name as pharmacy, count(distinct o.id)::int as orders, count(*)::int as lines,
             sum(ol.line_total_cents) as spend,
             sum(greatest(0, coalesce(d.unit, ol.unit_price_cents) - ol.unit_price_cents) * ol.quantity) as savings
      from order_lines ol
      join orders o on o.id = ol.order_id
      join pharmacies ph on ph.id = o.pharmacy_id
      left join dearest d on d.medication_id = ol.medication_id
      where ol.clinic_id = ${clinicId} and ol.created_at >= ${lo} and ol.created_at < ${hi} and o.status not in ('rejected', 'cancelled')
      group by ph.name
      order by sum(ol.line_total_cents) desc`.execute(getDb());
    const rows = r.rows.map((x) => ({ pharmacy: x.pharmacy, orders: x.orders, lines: x.lines, spendCents: num(x.spend), savingsCents: num(x.savings) }));
    return { rows, totalCents: rows.reduce((s, x) => s + x.spendCents, 0) };
  },

  async savings(clinicId, tz, range) {
    const { lo, hi } = bounds(range, tz);
    // The dearest alternative is priced as its unit price plus the per-vial fees this line
    // actually carried (shipping, cold chain, platform), so the saving is the unit-price gap.
    const r = await sql<{ month: string | null; spend: string; dearest: string }>`
      with dearest as (select medication_id, max(unit_price_cents) as unit from offers group by medication_id)
      select to_char(date_trunc('month', ol.created_at at time zone ${tz}), 'YYYY-MM') as month,
             sum(ol.line_total_cents) as spend,
             sum(ol.line_total_cents + greatest(0, coalesce(d.unit, ol.unit_price_cents) - ol.unit_price_cents) * ol.quantity) as dearest
      from order_lines ol
      join orders o on o.id = ol.order_id
      left join dearest d on d.medication_id = ol.medication_id
      where ol.clinic_id = ${clinicId} and ol.created_at >= ${lo} and ol.created_at < ${hi} and o.status not in ('rejected', 'cancelled')
      group by grouping sets ((1), ())
      order by 1 nulls last`.execute(getDb());
    const shape = (x: (typeof r.rows)[number]) => ({ spendCents: num(x.spend), mostExpensiveCents: num(x.dearest), savingsCents: num(x.dearest) - num(x.spend) });
    const o = r.rows.find((x) => x.month === null);
    return {
      rows: r.rows.filter((x) => x.month !== null).map((x) => ({ month: x.month!, ...shape(x) })),
      overall: o ? shape(o) : { spendCents: 0, mostExpensiveCents: 0, savingsCents: 0 },
    };
  },
};

/** Every report for the page. */
export async function getAllReports(principal: Principal, range: ReportRange): Promise<ReportData> {
  const clinicId = clinicScope(principal);
  const tz = await clinicZone(clinicId);
  const [a, b, c, d, e, f] = await Promise.all([
    RUNNERS['requests-by-day'](clinicId, tz, range),
    RUNNERS.turnaround(clinicId, tz, range),
    RUNNERS.sla(clinicId, tz, range),
    RUNNERS.acknowledgement(clinicId, tz, range),
    RUNNERS['spend-by-pharmacy'](clinicId, tz, range),
    RUNNERS.savings(clinicId, tz, range),
  ]);
  return { 'requests-by-day': a, turnaround: b, sla: c, acknowledgement: d, 'spend-by-pharmacy': e, savings: f };
}

/** A report as CSV (one row per day, week, month or pharmacy; money in cents). */
export async function reportCsv(principal: Principal, id: string, range: ReportRange): Promise<string> {
  if (!(REPORTS as readonly string[]).includes(id)) throw badRequest(`Unknown report ${id}`, { report: `one of ${REPORTS.join(', ')}` });
  const data = await getReport(principal, id as ReportId, range);
  const rows = ('rows' in data ? data.rows : []) as Record<string, unknown>[];
  const header = rows[0] ? Object.keys(rows[0]) : ['none'];
  const extra: Record<string, unknown>[] = id === 'sla' ? (data as ReportData['sla']).byQueue.map((q) => ({ week: `queue:${q.queue}`, requests: q.requests, breached: q.breached, breachRate: q.breachRate })) : [];
  return toCsv(header, [...rows, ...extra].map((r) => header.map((h) => r[h])));
}
