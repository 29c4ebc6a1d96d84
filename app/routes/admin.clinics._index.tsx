import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateText } from '~/components/date';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { requireUser } from '~/services/identity/index.server';
import { listClinics } from '~/services/platform-admin/index.server';

export const meta: MetaFunction = () => [{ title: 'Clinics — vialcart admin' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  return json({ clinics: await listClinics(user) });
}

export default function AdminClinics() {
  const { clinics } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <PageHeader
        title="Clinics"
        description="Every clinic on this vialcart: add one, invite its managers, suspend it."
        actions={
          <ButtonLink to="/admin/clinics/new" variant="primary">
            New clinic
          </ButtonLink>
        }
      />
      {clinics.length === 0 ? (
        <EmptyState title="No clinics yet" description="Create the first clinic, then invite its manager: they invite the rest of their staff." />
      ) : (
        <DataTable
          caption={`Clinics (${clinics.length})`}
          rows={clinics}
          getRowKey={(c) => c.id}
          maxHeight="none"
          columns={[
            { key: 'name', header: 'Clinic', rowHeader: true, sortable: true, cell: (c) => <Link to={`/admin/clinics/${c.id}`}>{c.name}</Link> },
            { key: 'slug', header: 'Slug', cell: (c) => <code>{c.slug}</code> },
            { key: 'city', header: 'Where', cell: (c) => `${c.city}, ${c.state}` },
            { key: 'activeUsers', header: 'People', align: 'end', cell: (c) => `${c.activeUsers}${c.invitedUsers ? ` (+${c.invitedUsers} invited)` : ''}` },
            { key: 'createdAt', header: 'Created', cell: (c) => <DateText value={c.createdAt} /> },
            { key: 'status', header: 'Status', cell: (c) => (c.suspendedAt ? <Badge tone="danger">Suspended</Badge> : <Badge tone="success">Active</Badge>) },
          ]}
        />
      )}
    </div>
  );
}
