import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateText, RelativeTime } from '~/components/date';
import { EmptyState } from '~/components/empty-state';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { formatNumber, greetingName } from '~/lib/format';
import { ORDER_STATUSES, REQUEST_QUEUES } from '../../validators/vocabulary';
import { requireUser } from '~/services/identity/auth.server';
import { expiringCredentials, getClinic, renewalQueue } from '~/services/records/index.server';
import { getDashboard, type SlaState } from '~/services/reports/dashboard.server';

export const meta: MetaFunction = () => [{ title: 'Home — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const [clinic, dashboard, credentials, renewals] = await Promise.all([getClinic(user), getDashboard(user), expiringCredentials(user), renewalQueue(user)]);
  return json({ clinicName: clinic.name, userName: user.name, ...dashboard, credentials, renewals });
}

const SLA_LOOK: Record<SlaState, { label: string; tone: 'success' | 'warning' | 'danger' }> = {
  on_track: { label: 'On track', tone: 'success' },
  due_soon: { label: 'Due within 30 min', tone: 'warning' },
  overdue: { label: 'Overdue', tone: 'danger' },
};

// The clinic's home: today's refill day, the request queues against their targets, orders
// still on their way, and anything about owner messages that needs a look.
export default function Home() {
  const { clinicName, userName, now, refillDay, queues, ordersInFlight, notifications, credentials, renewals } = useLoaderData<typeof loader>();
  const renewalCount = renewals.reduce((n, b) => n + b.open, 0);
  const queueRank = (q: string) => REQUEST_QUEUES.indexOf(q as (typeof REQUEST_QUEUES)[number]);
  const statusRank = (s: string) => ORDER_STATUSES.indexOf(s as (typeof ORDER_STATUSES)[number]);
  const openRequests = queues.reduce((s, q) => s + q.open, 0);
  const overdue = queues.reduce((s, q) => s + q.overdue, 0);
  const inFlight = ordersInFlight.reduce((s, o) => s + o.count, 0);
  return (
    <div className="stack-lg">
      <PageHeader
        title={`Good to see you, ${greetingName(userName)}`}
        description={clinicName}
        actions={
          <ButtonLink to="/reports" variant="secondary">
            Reports
          </ButtonLink>
        }
      />

      <section aria-labelledby="refill-day-heading" className="card">
        <div className="card__header split">
          <h2 id="refill-day-heading">Today’s refill day</h2>
          <Link to="/refill-day">Open refill day</Link>
        </div>
        <div className="card__body">
          {refillDay.lines === 0 ? (
            <EmptyState title="The cart is empty" description="Add lines from approved requests, quickfill or reorder-all-due on the refill day page." headingLevel={3} />
          ) : (
            <div className="grid dashboard-stats" style={{ ['--grid-min' as string]: '10rem' }}>
              <Stat label="Cart lines" value={formatNumber(refillDay.lines)} />
              <Stat label="Patients" value={formatNumber(refillDay.patients)} />
              <Stat label="Pharmacies" value={formatNumber(refillDay.pharmacies)} />
              <Stat label="Total" value={<Money cents={refillDay.totalCents} />} />
              <Stat
                label="Blocking findings"
                value={formatNumber(refillDay.blockingCount)}
                badge={refillDay.blockingCount > 0 ? <Badge tone="danger">Checkout blocked</Badge> : <Badge tone="success">None</Badge>}
              />
              <Stat label="Warnings to acknowledge" value={formatNumber(refillDay.warningCount)} />
            </div>
          )}
        </div>
      </section>

      {credentials.length > 0 ? (
        <section aria-labelledby="credentials-heading" className="card card--padded stack-sm">
          <div className="split">
            <h2 id="credentials-heading">Licences and DEA registrations expiring within 60 days</h2>
            <Link to="/settings/prescribers">Prescribers</Link>
          </div>
          <ul className="stack-sm" role="list">
            {credentials.map((c) => (
              <li key={`${c.kind}:${c.id}`} className="cluster">
                <Badge tone={c.daysLeft <= 14 ? 'danger' : 'warning'}>{c.daysLeft === 0 ? 'Today' : `${c.daysLeft} days`}</Badge>
                <span>
                  {c.prescriberName}: {c.kind === 'dea' ? 'DEA registration' : 'licence'} {c.number} ({c.state}) expires <DateText value={c.expiresOn} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {renewalCount > 0 ? (
        <section aria-labelledby="renewals-heading" className="card card--padded split">
          <h2 id="renewals-heading">Prescription renewals</h2>
          <span className="cluster">
            <Badge tone={renewals.some((b) => b.sla.overdue) ? 'danger' : 'warning'}>{`${formatNumber(renewalCount)} waiting for ${renewals.length === 1 ? renewals[0]!.prescriberName : `${renewals.length} veterinarians`}`}</Badge>
            <Link to="/requests?queue=vet_review">Veterinarian review</Link>
          </span>
        </section>
      ) : null}

      <div className="grid" style={{ ['--grid-min' as string]: '24rem' }}>
        <section aria-labelledby="queues-heading" className="card">
          <div className="card__header split">
            <h2 id="queues-heading">Request queues</h2>
            <span className="cluster">
              <Badge tone={overdue > 0 ? 'danger' : 'neutral'}>{`${formatNumber(openRequests)} open · ${formatNumber(overdue)} overdue`}</Badge>
              <Link to="/requests">All requests</Link>
            </span>
          </div>
          <div className="card__body">
            <DataTable
              caption="Open requests by queue"
              captionHidden
              rows={[...queues].sort((a, b) => queueRank(a.queue) - queueRank(b.queue))}
              getRowKey={(q) => q.queue}
              columns={[
                { key: 'queue', header: 'Queue', rowHeader: true, cell: (q) => <StatusBadge kind="queue" code={q.queue} /> },
                { key: 'open', header: 'Open', align: 'end', cell: (q) => formatNumber(q.open) },
                { key: 'overdue', header: 'Overdue', align: 'end', cell: (q) => formatNumber(q.overdue) },
                { key: 'sla', header: 'SLA', cell: (q) => <Badge tone={SLA_LOOK[q.state].tone}>{SLA_LOOK[q.state].label}</Badge> },
                { key: 'next', header: 'Next target', cell: (q) => <RelativeTime value={q.nextDue} now={now} deadline /> },
              ]}
              empty={<EmptyState title="No open requests" description="Every owner request has been answered." headingLevel={3} />}
            />
          </div>
        </section>

        <section aria-labelledby="orders-heading" className="card">
          <div className="card__header split">
            <h2 id="orders-heading">Orders in flight</h2>
            <span className="cluster">
              <Badge tone="info">{`${formatNumber(inFlight)} orders`}</Badge>
              <Link to="/orders">All orders</Link>
            </span>
          </div>
          <div className="card__body">
            <DataTable
              caption="Orders not yet delivered, by status"
              captionHidden
              rows={[...ordersInFlight].sort((a, b) => statusRank(a.status) - statusRank(b.status))}
              getRowKey={(o) => o.status}
              columns={[
                { key: 'status', header: 'Status', rowHeader: true, cell: (o) => <StatusBadge kind="order" code={o.status} /> },
                { key: 'count', header: 'Orders', align: 'end', cell: (o) => <Link to={`/orders?status=${o.status}`}>{formatNumber(o.count)}</Link> },
                { key: 'oldest', header: 'Oldest', cell: (o) => <RelativeTime value={o.oldest} now={now} /> },
              ]}
              empty={<EmptyState title="Nothing in flight" description="Every order has been delivered." headingLevel={3} />}
            />
          </div>
        </section>
      </div>

      <section aria-labelledby="messages-heading" className="card card--padded split">
        <div className="stack-sm">
          <h2 id="messages-heading">Owner messages</h2>
          <p className="muted text-sm">
            {notifications.failed > 0
              ? `${formatNumber(notifications.failed)} message${notifications.failed === 1 ? '' : 's'} could not be sent.`
              : 'Every message was sent or is waiting in the outbox.'}{' '}
            {notifications.outbox > 0 ? `${formatNumber(notifications.outbox)} kept in the outbox (no mail server or SMS account configured).` : ''}
          </p>
          {notifications.textsDelivered + notifications.textsUndelivered + notifications.textsInFlight > 0 ? (
            <p className="muted text-sm" data-testid="text-delivery">
              Texts: {formatNumber(notifications.textsDelivered)} delivered
              {notifications.textsInFlight > 0 ? `, ${formatNumber(notifications.textsInFlight)} on their way` : ''}
              {notifications.textsUndelivered > 0 ? `, ${formatNumber(notifications.textsUndelivered)} not delivered` : ''}.
            </p>
          ) : null}
        </div>
        <span className="cluster">
          {notifications.failed > 0 ? <Badge tone="danger">{`${formatNumber(notifications.failed)} failed`}</Badge> : null}
          {notifications.textsUndelivered > 0 ? <Badge tone="warning">{`${formatNumber(notifications.textsUndelivered)} texts undelivered`}</Badge> : null}
          <Link to="/mailbox">Open the mailbox</Link>
        </span>
      </section>
    </div>
  );
}

function Stat({ label, value, badge }: { label: string; value: React.ReactNode; badge?: React.ReactNode }) {
  return (
    <div className="stat">
      <span className="stat__label">{label}</span>
      <span className="stat__value">{value}</span>
      {badge}
    </div>
  );
}
