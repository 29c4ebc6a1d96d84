import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { DataTable } from '~/components/data-table';
import { DateText, DateTimeText } from '~/components/date';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { StatusTabs } from '~/components/status-tabs';
import { orderStatusLook } from '~/lib/status';
import type { OrderStatus } from '../../validators/vocabulary';
import { requireUser } from '~/services/identity/auth.server';
import { listPharmacyOrders, pharmacyOrderCounts } from '~/services/orders/index.server';

export const meta: MetaFunction = () => [{ title: 'Orders — vialcart pharmacy portal' }];

/** The queue's tabs, in the order a pharmacy works them. */
const TABS: { status: OrderStatus; label: string }[] = [
  { status: 'submitted', label: 'New' },
  { status: 'accepted', label: 'Accepted' },
  { status: 'compounding', label: 'Compounding' },
  { status: 'shipped', label: 'Shipped' },
  { status: 'delivered', label: 'Delivered' },
  { status: 'rejected', label: 'Rejected' },
  { status: 'cancelled', label: 'Cancelled' },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'pharmacy' });
  const asked = new URL(request.url).searchParams.get('status');
  const status = TABS.find((t) => t.status === asked)?.status ?? 'submitted';
  const [orders, counts] = await Promise.all([listPharmacyOrders(user, { status, limit: 200 }), pharmacyOrderCounts(user)]);
  return json({
    status,
    counts,
    orders: orders.map((o) => ({
      id: o.id,
      clinicName: o.clinic?.name ?? '—',
      receivedAt: o.receivedAt ?? o.createdAt,
      patients: [...new Set(o.lines.map((l) => l.patient?.name ?? '?'))].join(', '),
      lineCount: o.lines.length,
      controlled: o.lines.some((l) => l.deaSchedule),
      shipTo: [...new Set(o.lines.map((l) => (l.shipTo?.kind === 'owner' ? `${l.shipTo.name} (owner)` : 'Clinic')))].join(', '),
      needBy: o.lines.map((l) => l.needByDate).filter(Boolean).sort()[0] ?? null,
      status: o.status,
    })),
  });
}

export default function PharmacyOrders() {
  const { status, counts, orders } = useLoaderData<typeof loader>();
  const current = TABS.find((t) => t.status === status)!;
  return (
    <div className="stack-lg">
      <PageHeader title="Orders" description="Orders routed to your pharmacy by vialcart clinics, by where they are in your work." />
      <StatusTabs label="Order status" current={status} tabs={TABS.map((t) => ({ code: t.status, label: t.label, count: counts[t.status] ?? 0 }))} />
      <DataTable
        caption={`${current.label} orders (${orders.length})`}
        rows={orders}
        getRowKey={(o) => o.id}
        empty={<EmptyState title={`No ${orderStatusLook(status).label.toLowerCase()} orders`} description="Orders appear here as clinics pay for them." headingLevel={3} />}
        columns={[
          { key: 'id', header: 'Order', rowHeader: true, cell: (o) => <Link to={`/pharmacy/orders/${o.id}`} className="mono">{o.id.slice(0, 8)}</Link> },
          { key: 'clinicName', header: 'Clinic', sortable: true, cell: (o) => o.clinicName },
          { key: 'receivedAt', header: 'Received', sortable: true, cell: (o) => <DateTimeText value={o.receivedAt} /> },
          { key: 'patients', header: 'Patients', cell: (o) => o.patients },
          { key: 'lineCount', header: 'Lines', align: 'end', cell: (o) => (<>{o.lineCount}{o.controlled ? <span className="muted"> · C</span> : null}</>) },
          { key: 'shipTo', header: 'Ship to', cell: (o) => o.shipTo },
          { key: 'needBy', header: 'Need by', sortable: true, cell: (o) => (o.needBy ? <DateText value={o.needBy} /> : '—') },
          { key: 'status', header: 'Status', cell: (o) => <StatusBadge kind="order" code={o.status} /> },
        ]}
      />
    </div>
  );
}
