import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { useEffect, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DataTable } from '~/components/data-table';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { formatMoney, formatNumber, humanize } from '~/lib/format';
import { requireUser } from '~/services/identity/auth.server';
import { DomainError } from '~/services/platform/errors';
import { CHANNELS, REPORT_TITLES, type ReportId } from '~/lib/reports';
import { getAllReports, reportRange, type ReportRange } from '~/services/reports/reports.server';

export const meta: MetaFunction = () => [{ title: 'Reports — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const params = new URL(request.url).searchParams;
  let range: ReportRange;
  let rangeErrors: Record<string, string> | null = null;
  try {
    range = await reportRange(user, params);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    rangeErrors = error.fields ?? null;
    range = await reportRange(user, new URLSearchParams());
  }
  const reports = await getAllReports(user, range);
  return json({ range, rangeErrors, typed: { from: params.get('from') ?? range.from, to: params.get('to') ?? range.to }, reports });
}

const PALETTE = ['#1f5fbf', '#b3541e', '#2f7d32', '#7b3fa0', '#8a6d00', '#0f7b7b'];
const hours = (minutes: number | null) => (minutes === null ? null : Math.round((minutes / 60) * 10) / 10);
const minutes = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / 60) * 10) / 10);
const dollars = (cents: number) => Math.round(cents) / 100;

// Charts measure their box in the browser; the server sends the data table, and the chart
// draws after hydration (the table stays, for screen readers and for printing).
function Chart({ label, children }: { label: string; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <div className="report-chart" role="img" aria-label={label} style={{ width: '100%', height: 260 }}>
      {mounted ? (
        <ResponsiveContainer width="100%" height="100%">
          {children as React.ReactElement}
        </ResponsiveContainer>
      ) : null}
    </div>
  );
}

function ReportCard({ id, range, summary, chart, table }: { id: ReportId; range: ReportRange; summary: ReactNode; chart: ReactNode; table: ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-heading`} data-report={id}>
      <div className="card__header split">
        <h2 id={`${id}-heading`}>{REPORT_TITLES[id]}</h2>
        <a href={`/reports/csv/${id}?from=${range.from}&to=${range.to}`} download className="no-print">
          Download CSV
        </a>
      </div>
      <div className="card__body stack">
        <p className="text-sm">{summary}</p>
        {chart}
        <details>
          <summary>Show the numbers</summary>
          {table}
        </details>
      </div>
    </section>
  );
}

export default function ReportsPage() {
  const { range, rangeErrors, typed, reports } = useLoaderData<typeof loader>();
  const requests = reports['requests-by-day'];
  const turnaround = reports.turnaround;
  const sla = reports.sla;
  const ack = reports.acknowledgement;
  const spend = reports['spend-by-pharmacy'];
  const savings = reports.savings;
  return (
    <div className="stack-lg">
      <PageHeader
        title="Reports"
        description={`Requests, turnaround, SLA breaches, owner acknowledgement and spend from ${range.from} to ${range.to}.`}
        actions={
          <a href={`/orders/chain.csv?from=${range.from}&to=${range.to}`} download>
            Authorization chains (CSV)
          </a>
        }
      />
      <Form method="get" className="toolbar no-print" aria-label="Date range">
        <label className="stack-sm">
          <span>From</span>
          <input className="input" type="date" name="from" defaultValue={typed.from} aria-invalid={rangeErrors?.from ? true : undefined} aria-describedby={rangeErrors?.from ? 'from-error' : undefined} />
          {rangeErrors?.from ? (
            <span id="from-error" className="form-error">
              {rangeErrors.from}
            </span>
          ) : null}
        </label>
        <label className="stack-sm">
          <span>To</span>
          <input className="input" type="date" name="to" defaultValue={typed.to} aria-invalid={rangeErrors?.to ? true : undefined} aria-describedby={rangeErrors?.to ? 'to-error' : undefined} />
          {rangeErrors?.to ? (
            <span id="to-error" className="form-error">
              {rangeErrors.to}
            </span>
          ) : null}
        </label>
        <button type="submit" className="button button--secondary">
          Show
        </button>
      </Form>

      <ReportCard
        id="requests-by-day"
        range={range}
        summary={`${formatNumber(requests.total)} requests in the period.`}
        chart={
          <Chart label={`Requests per day by channel: ${formatNumber(requests.total)} in all`}>
            <BarChart data={requests.rows}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" minTickGap={24} />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              {CHANNELS.map((c, i) => (
                <Bar key={c} dataKey={c} name={humanize(c)} stackId="channel" fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </Chart>
        }
        table={
          <DataTable
            caption="Requests per day by channel"
            rows={requests.rows.filter((r) => r.total > 0)}
            getRowKey={(r) => r.day}
            columns={[
              { key: 'day', header: 'Day', rowHeader: true, cell: (r) => r.day },
              ...CHANNELS.map((c) => ({ key: c, header: humanize(c), align: 'end' as const, cell: (r: (typeof requests.rows)[number]) => formatNumber(r[c]) })),
              { key: 'total', header: 'Total', align: 'end', cell: (r) => formatNumber(r.total) },
            ]}
          />
        }
      />

      <ReportCard
        id="turnaround"
        range={range}
        summary={`Median request → approval: ${hours(turnaround.overall.medianApprovalMinutes) ?? '—'} h over ${formatNumber(turnaround.overall.approved)} approvals; request → shipped: ${turnaround.overall.medianShippedHours ?? '—'} h over ${formatNumber(turnaround.overall.shipped)} shipments.`}
        chart={
          <Chart label="Median hours from request to approval and to shipped, per week">
            <LineChart data={turnaround.rows.map((r) => ({ week: r.week, approval: hours(r.medianApprovalMinutes), shipped: r.medianShippedHours }))}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="week" minTickGap={24} />
              <YAxis unit=" h" />
              <Tooltip />
              <Legend />
              <Line dataKey="approval" name="Request → approval (h)" stroke={PALETTE[0]} dot={false} connectNulls isAnimationActive={false} />
              <Line dataKey="shipped" name="Request → shipped (h)" stroke={PALETTE[1]} dot={false} connectNulls isAnimationActive={false} />
            </LineChart>
          </Chart>
        }
        table={
          <DataTable
            caption="Turnaround per week"
            rows={turnaround.rows}
            getRowKey={(r) => r.week}
            columns={[
              { key: 'week', header: 'Week of', rowHeader: true, cell: (r) => r.week },
              { key: 'requests', header: 'Requests', align: 'end', cell: (r) => formatNumber(r.requests) },
              { key: 'approved', header: 'Approved', align: 'end', cell: (r) => formatNumber(r.approved) },
              { key: 'approval', header: 'Median to approval (h)', align: 'end', cell: (r) => hours(r.medianApprovalMinutes) ?? '—' },
              { key: 'shipped', header: 'Shipped', align: 'end', cell: (r) => formatNumber(r.shipped) },
              { key: 'ship', header: 'Median to shipped (h)', align: 'end', cell: (r) => r.medianShippedHours ?? '—' },
            ]}
          />
        }
      />

      <ReportCard
        id="sla"
        range={range}
        summary={`${formatNumber(sla.overall.breached)} of ${formatNumber(sla.overall.requests)} requests missed their target (${Math.round(sla.overall.breachRate * 1000) / 10}%). By queue: ${
          sla.byQueue.map((q) => `${humanize(q.queue)} ${formatNumber(q.breached)}/${formatNumber(q.requests)}`).join(', ') || 'none'
        }.`}
        chart={
          <Chart label="Requests and SLA breaches per week">
            <BarChart data={sla.rows}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="week" minTickGap={24} />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              <Bar dataKey="requests" name="Requests" fill={PALETTE[0]} isAnimationActive={false} />
              <Bar dataKey="breached" name="Missed target" fill={PALETTE[1]} isAnimationActive={false} />
            </BarChart>
          </Chart>
        }
        table={
          <DataTable
            caption="SLA breaches per week"
            rows={sla.rows}
            getRowKey={(r) => r.week}
            columns={[
              { key: 'week', header: 'Week of', rowHeader: true, cell: (r) => r.week },
              { key: 'requests', header: 'Requests', align: 'end', cell: (r) => formatNumber(r.requests) },
              { key: 'breached', header: 'Missed target', align: 'end', cell: (r) => formatNumber(r.breached) },
              { key: 'rate', header: 'Rate', align: 'end', cell: (r) => `${Math.round(r.breachRate * 1000) / 10}%` },
            ]}
          />
        }
      />

      <ReportCard
        id="acknowledgement"
        range={range}
        summary={`Owners were acknowledged in a median of ${minutes(ack.overall.medianSeconds) ?? '—'} min (90th percentile ${minutes(ack.overall.p90Seconds) ?? '—'} min); ${formatNumber(ack.overall.within5Minutes)} of ${formatNumber(ack.overall.requests)} within 5 minutes.`}
        chart={
          <Chart label="Owner acknowledgement time per week, median and 90th percentile, in minutes">
            <LineChart data={ack.rows.map((r) => ({ week: r.week, median: minutes(r.medianSeconds), p90: minutes(r.p90Seconds) }))}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="week" minTickGap={24} />
              <YAxis unit=" min" />
              <Tooltip />
              <Legend />
              <Line dataKey="median" name="Median (min)" stroke={PALETTE[2]} dot={false} connectNulls isAnimationActive={false} />
              <Line dataKey="p90" name="90th percentile (min)" stroke={PALETTE[3]} dot={false} connectNulls isAnimationActive={false} />
            </LineChart>
          </Chart>
        }
        table={
          <DataTable
            caption="Owner acknowledgement per week"
            rows={ack.rows}
            getRowKey={(r) => r.week}
            columns={[
              { key: 'week', header: 'Week of', rowHeader: true, cell: (r) => r.week },
              { key: 'requests', header: 'Requests', align: 'end', cell: (r) => formatNumber(r.requests) },
              { key: 'median', header: 'Median (min)', align: 'end', cell: (r) => minutes(r.medianSeconds) ?? '—' },
              { key: 'p90', header: '90th percentile (min)', align: 'end', cell: (r) => minutes(r.p90Seconds) ?? '—' },
              { key: 'within', header: 'Within 5 min', align: 'end', cell: (r) => formatNumber(r.within5Minutes) },
            ]}
          />
        }
      />

      <ReportCard
        id="spend-by-pharmacy"
        range={range}
        summary={<>Spent <Money cents={spend.totalCents} /> with {formatNumber(spend.rows.length)} pharmacies.</>}
        chart={
          <Chart label={`Spend by pharmacy: ${spend.rows.map((r) => `${r.pharmacy} ${formatMoney(r.spendCents)}`).join(', ')}`}>
            <BarChart data={spend.rows.map((r) => ({ pharmacy: r.pharmacy, spend: dollars(r.spendCents), savings: dollars(r.savingsCents) }))} layout="vertical" margin={{ left: 24 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" unit=" $" />
              <YAxis type="category" dataKey="pharmacy" width={180} />
              <Tooltip />
              <Legend />
              <Bar dataKey="spend" name="Spend ($)" fill={PALETTE[0]} isAnimationActive={false} />
              <Bar dataKey="savings" name="Saved vs dearest offer ($)" fill={PALETTE[2]} isAnimationActive={false} />
            </BarChart>
          </Chart>
        }
        table={
          <DataTable
            caption="Spend by pharmacy"
            rows={spend.rows}
            getRowKey={(r) => r.pharmacy}
            columns={[
              { key: 'pharmacy', header: 'Pharmacy', rowHeader: true, cell: (r) => r.pharmacy },
              { key: 'orders', header: 'Orders', align: 'end', cell: (r) => formatNumber(r.orders) },
              { key: 'lines', header: 'Lines', align: 'end', cell: (r) => formatNumber(r.lines) },
              { key: 'spend', header: 'Spend', align: 'end', cell: (r) => <Money cents={r.spendCents} /> },
              { key: 'savings', header: 'Saved', align: 'end', cell: (r) => <Money cents={r.savingsCents} /> },
            ]}
          />
        }
      />

      <ReportCard
        id="savings"
        range={range}
        summary={
          <>
            Paid <Money cents={savings.overall.spendCents} /> landed; the most expensive offer for each line would have cost <Money cents={savings.overall.mostExpensiveCents} />, a saving of{' '}
            <Money cents={savings.overall.savingsCents} />. (The dearest offer is priced with the same shipping and fees per vial as the line carried.)
          </>
        }
        chart={
          <Chart label="Landed cost paid and the most expensive offer's cost, per month">
            <BarChart data={savings.rows.map((r) => ({ month: r.month, paid: dollars(r.spendCents), dearest: dollars(r.mostExpensiveCents) }))}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="month" />
              <YAxis unit=" $" />
              <Tooltip />
              <Legend />
              <Bar dataKey="dearest" name="Most expensive offer ($)" fill={PALETTE[1]} isAnimationActive={false} />
              <Bar dataKey="paid" name="Paid, landed ($)" fill={PALETTE[0]} isAnimationActive={false} />
            </BarChart>
          </Chart>
        }
        table={
          <DataTable
            caption="Savings per month"
            rows={savings.rows}
            getRowKey={(r) => r.month}
            columns={[
              { key: 'month', header: 'Month', rowHeader: true, cell: (r) => r.month },
              { key: 'paid', header: 'Paid', align: 'end', cell: (r) => <Money cents={r.spendCents} /> },
              { key: 'dearest', header: 'Most expensive', align: 'end', cell: (r) => <Money cents={r.mostExpensiveCents} /> },
              { key: 'saved', header: 'Saved', align: 'end', cell: (r) => <Money cents={r.savingsCents} /> },
            ]}
          />
        }
      />
    </div>
  );
}
