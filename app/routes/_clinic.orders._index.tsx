import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { DataTable } from '~/components/data-table';
import { DateText } from '~/components/date';
import { EmptyState } from '~/components/empty-state';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { StatusTabs, type StatusTab } from '~/components/status-tabs';
import { formatMoney } from '~/lib/format';
import { orderStatusLook } from '~/lib/status';
import { ORDER_STATUSES } from '../../validators/vocabulary';
import { requireUser } from '~/services/identity/auth.server';
import { listCheckoutsWithOrders, orderStatusCounts } from '~/services/orders/index.server';

export const meta: MetaFunction = () => [{ title: 'Orders — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const asked = new URL(request.url).searchParams.get('status');
  const status = ORDER_STATUSES.find((s) => s === asked);
  const [checkouts, counts] = await Promise.all([listCheckoutsWithOrders(user, { status, limit: 300 }), orderStatusCounts(user)]);
  const rows = checkouts.flatMap((c) =>
    c.orders.map((o) => ({
      id: o.id,
      checkoutId: c.id,
      pharmacyName: o.pharmacyName,
      status: o.status,
      totalCents: o.totalCents,
      patients: [...new Set(o.lines.map((l) => l.patientName))].join(', '),
      lineCount: o.lines.length,
      carrier: o.carrier,
      trackingNumber: o.trackingNumber,
      trackingUrl: o.trackingUrl,
      expectedDelivery: o.expectedDelivery,
      lastDeliveryError: o.delivery.lastError,
    })),
  );
  const groups = Object.fromEntries(checkouts.map((c) => [c.id, { paidAt: c.paidAt, amountCents: c.amountCents, refundedCents: c.refundedCents, invoiceNumber: c.invoiceNumber, count: c.orders.length }]));
  return json({ status: status ?? null, counts, rows, groups });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['rows'][number];

export default function OrdersPage() {
  const { status, counts, rows, groups } = useLoaderData<typeof loader>();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const tabs: StatusTab[] = [
    { code: null, label: 'All', count: total },
    ...ORDER_STATUSES.filter((s) => counts[s]).map((s) => ({ code: s, label: orderStatusLook(s).label, count: counts[s] ?? 0 })),
  ];
  return (
    <div className="stack-lg">
      <PageHeader title="Orders" description="Each refill day’s checkout, split into one order per pharmacy, with status and tracking." />
      <StatusTabs label="Filter by status" current={status} tabs={tabs} />
      <DataTable<Row>
        caption={status ? `${orderStatusLook(status).label} orders` : 'Orders by checkout'}
        rows={rows}
        getRowKey={(r) => r.id}
        groupBy={(r) => r.checkoutId}
        groupHeader={(g) => {
          const c = groups[g.key]!;
          return (
            <span className="split">
              <span>
                Refill day {c.paidAt ? <DateText value={c.paidAt} /> : null} · <Link to={`/checkouts/${g.key}`}>checkout</Link>
                {c.invoiceNumber ? <span className="muted"> · invoice {c.invoiceNumber}</span> : null}
              </span>
              <span className="num">
                {c.count} order{c.count === 1 ? '' : 's'} · {formatMoney(c.amountCents)}
                {c.refundedCents ? ` · ${formatMoney(c.refundedCents)} refunded` : ''}
              </span>
            </span>
          );
        }}
        empty={<EmptyState title="No orders yet" description="Orders appear here once a refill day is paid." headingLevel={3} />}
        columns={[
          { key: 'pharmacyName', header: 'Pharmacy', rowHeader: true, cell: (r) => <Link to={`/orders/${r.id}`}>{r.pharmacyName}</Link> },
          { key: 'patients', header: 'Patients', cell: (r) => <span className="truncate">{r.patients}</span> },
          { key: 'lineCount', header: 'Lines', align: 'end', cell: (r) => r.lineCount },
          { key: 'totalCents', header: 'Amount', align: 'end', cell: (r) => <Money cents={r.totalCents} /> },
          {
            key: 'status',
            header: 'Status',
            cell: (r) => (
              <>
                <StatusBadge kind="order" code={r.status} />
                {r.status === 'delivery_failed' && r.lastDeliveryError ? <div className="text-sm">{r.lastDeliveryError}</div> : null}
              </>
            ),
          },
          {
            key: 'tracking',
            header: 'Tracking',
            cell: (r) =>
              r.trackingNumber ? (
                r.trackingUrl ? (
                  <a href={r.trackingUrl} target="_blank" rel="noreferrer">
                    {r.carrier} {r.trackingNumber}
                  </a>
                ) : (
                  `${r.carrier ?? ''} ${r.trackingNumber}`
                )
              ) : (
                '—'
              ),
          },
          { key: 'expectedDelivery', header: 'Expected', cell: (r) => (r.expectedDelivery && ['shipped', 'compounding', 'accepted'].includes(r.status) ? <DateText value={r.expectedDelivery} /> : r.status === 'delivered' ? 'Delivered' : '—') },
        ]}
      />
      {rows.length >= 300 ? <p className="muted text-sm">Showing the latest 300 orders; filter by status to find older ones.</p> : null}
    </div>
  );
}
