import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { PayoutsBadge } from '~/components/payouts-badge';
import { requireUser } from '~/services/identity/index.server';
import { listPharmacies } from '~/services/platform-admin/index.server';

export const meta: MetaFunction = () => [{ title: 'Pharmacies — vialcart admin' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  return json({ pharmacies: await listPharmacies(user) });
}

export default function AdminPharmacies() {
  const { pharmacies } = useLoaderData<typeof loader>();
  const onAccount = pharmacies.filter((p) => p.active && p.payouts !== 'enabled' && p.payouts !== 'unknown');
  return (
    <div className="stack-lg">
      <PageHeader
        title="Pharmacies"
        description="Partner pharmacies: their licences, how they receive orders, their pharmacists and how they are paid."
        actions={
          <ButtonLink to="/admin/pharmacies/new" variant="primary">
            New pharmacy
          </ButtonLink>
        }
      />
      {onAccount.length > 0 ? (
        <div className="card card--padded" role="status">
          <strong>Paid on account:</strong> {onAccount.map((p) => p.name).join(', ')} cannot receive Stripe transfers yet, so vialcart pays {onAccount.length === 1 ? 'it' : 'them'} outside Stripe. Set up payouts on {onAccount.length === 1 ? 'its' : 'each'} page.
        </div>
      ) : null}
      {pharmacies.length === 0 ? (
        <EmptyState title="No pharmacies yet" description="Add the first partner pharmacy: its licences, its order endpoint or the portal, and its catalog." />
      ) : (
        <DataTable
          caption={`Pharmacies (${pharmacies.length})`}
          rows={pharmacies}
          getRowKey={(p) => p.id}
          maxHeight="none"
          columns={[
            { key: 'name', header: 'Pharmacy', rowHeader: true, sortable: true, cell: (p) => <Link to={`/admin/pharmacies/${p.id}`}>{p.name}</Link> },
            { key: 'slug', header: 'Slug', cell: (p) => <code>{p.slug}</code> },
            { key: 'residentState', header: 'Resident state', cell: (p) => p.residentState },
            { key: 'validLicenses', header: 'Ship-to licences', align: 'end', cell: (p) => p.validLicenses },
            { key: 'connectionKind', header: 'Orders by', cell: (p) => (p.connectionKind === 'rest' ? 'REST endpoint' : 'Portal') },
            { key: 'pharmacists', header: 'Pharmacists', align: 'end', cell: (p) => p.pharmacists },
            { key: 'payouts', header: 'Payouts', cell: (p) => <PayoutsBadge state={p.payouts} /> },
            { key: 'active', header: 'Status', cell: (p) => (p.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>) },
          ]}
        />
      )}
    </div>
  );
}
