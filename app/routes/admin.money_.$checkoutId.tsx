import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateTimeText } from '~/components/date';
import { Money } from '~/components/money';
import { MoneyLedger } from '~/components/money-ledger';
import { PageHeader } from '~/components/page-header';
import { checkoutStatusLook, movementKindLook, movementStateLook } from '~/lib/status';
import { requireUser } from '~/services/identity/auth.server';
import { checkoutLedgerView } from '~/services/payments/index.server';
import { orNotFoundPage } from '~/http/forms.server';

export const meta: MetaFunction = () => [{ title: 'Checkout ledger — vialcart admin' }];

// One checkout's ledger for the admin: balances, each movement with its Stripe id, the
// append-only history of every change, and the invariants it breaks, if any.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin', roles: ['admin'] });
  const ledger = await checkoutLedgerView(user, params.checkoutId ?? '').catch(orNotFoundPage('Checkout not found'));
  return json(ledger);
}

export default function AdminCheckoutLedger() {
  const { checkout, balances, movements, entries, violations } = useLoaderData<typeof loader>();
  const look = checkoutStatusLook(checkout.status);
  return (
    <div className="stack-lg">
      <PageHeader
        title={`Checkout ${checkout.id.slice(0, 8)}`}
        meta={<Badge tone={look.tone}>{look.label}</Badge>}
        description={
          <>
            {checkout.clinicName} · <Money cents={checkout.amountCents} /> {checkout.provider === 'stripe' ? 'through Stripe' : 'on account'} · started <DateTimeText value={checkout.createdAt} />
          </>
        }
        actions={<ButtonLink to="/admin/money">All checkouts</ButtonLink>}
      />
      {violations.length > 0 ? (
        <section className="card card--padded card--danger stack-sm" role="alert" aria-labelledby="broken-heading">
          <h2 id="broken-heading">This ledger breaks {violations.length === 1 ? 'a rule' : `${violations.length} rules`}</h2>
          <ul>
            {violations.map((v, i) => (
              <li key={i}>
                <span className="mono">{v.rule}</span>: {v.message}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <p>
          <Badge tone="success">Balances</Badge> Refunded ≤ charged; paid to pharmacies less taken back ≤ charged less refunded less the platform fee; each order’s movements match its status.
        </p>
      )}
      <section className="card card--padded stack" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Movements</h2>
        <MoneyLedger balances={balances} movements={movements} showStripeIds caption="Every money movement of this checkout, as it stands" />
      </section>
      <DataTable
        caption="History: every change, oldest first (append-only)"
        rows={entries}
        getRowKey={(e) => String(e.seq)}
        compact
        columns={[
          { key: 'seq', header: '#', align: 'end', cell: (e) => e.seq },
          { key: 'at', header: 'When', cell: (e) => <DateTimeText value={e.at} /> },
          { key: 'kind', header: 'Movement', rowHeader: true, cell: (e) => movementKindLook(e.kind).label },
          { key: 'amountCents', header: 'Amount', align: 'end', cell: (e) => <Money cents={e.amountCents} /> },
          {
            key: 'state',
            header: 'State',
            cell: (e) => (
              <>
                {e.previousState ? `${movementStateLook(e.previousState).label} → ` : ''}
                {movementStateLook(e.state).label}
              </>
            ),
          },
          { key: 'stripeId', header: 'Stripe', cell: (e) => <span className="mono text-sm">{e.stripeId ?? '—'}</span> },
          { key: 'note', header: 'Why', cell: (e) => <span className="text-sm">{e.note ?? ''}</span> },
          { key: 'orderId', header: 'Order', cell: (e) => (e.orderId ? <span className="mono">{e.orderId.slice(0, 8)}</span> : '—') },
        ]}
      />
      <p className="text-sm">
        <Link to="/admin/money">Back to every checkout’s money</Link>
      </p>
    </div>
  );
}
