import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import { Badge } from '~/components/badge';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { formatDate, formatSpecies, formatWeight } from '~/lib/format';
import { requireUser } from '~/services/identity/auth.server';
import { listPatients } from '~/services/records/index.server';

export const meta: MetaFunction = () => [{ title: 'Patients — vialcart' }];

const PAGE = 50;
const query = z.object({ q: z.string().max(100).catch(''), page: z.coerce.number().int().min(1).catch(1) });

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const { q, page } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await listPatients(user, { q, limit: PAGE, offset: (page - 1) * PAGE });
  return json({ ...result, q, page, pages: Math.max(1, Math.ceil(result.total / PAGE)) });
}

export default function Patients() {
  const { patients, total, q, page, pages } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const pageLink = (p: number) => {
    const next = new URLSearchParams(params);
    next.set('page', String(p));
    return `?${next.toString()}`;
  };
  return (
    <div className="stack-lg">
      <PageHeader title="Patients" description={`${total} patients`} />
      <Form method="get" className="toolbar" role="search">
        <label htmlFor="patient-search" className="visually-hidden">
          Search patients
        </label>
        <input id="patient-search" type="search" name="q" defaultValue={q} placeholder="Pet, owner or phone" className="input" />
        <button type="submit" className="button button--secondary">
          Search
        </button>
      </Form>
      <DataTable
        caption="Patients"
        rows={patients}
        getRowKey={(p) => p.id}
        columns={[
          { key: 'name', header: 'Patient', cell: (p) => <Link to={`/patients/${p.id}`}>{p.name}</Link> },
          { key: 'species', header: 'Species', cell: (p) => `${formatSpecies(p.species)}${p.breed ? ` · ${p.breed}` : ''}` },
          { key: 'owner', header: 'Owner', cell: (p) => p.clientName },
          { key: 'weight', header: 'Weight', align: 'end', cell: (p) => formatWeight(p.weightKg) },
          { key: 'exam', header: 'Last wellness exam', cell: (p) => formatDate(p.lastWellnessExamOn) },
          { key: 'status', header: 'Status', cell: (p) => <Badge tone={p.status === 'active' ? 'success' : 'neutral'}>{p.status}</Badge> },
        ]}
        empty={<EmptyState title="No patients match" description="Try part of the pet’s or owner’s name, or a phone number." />}
      />
      {pages > 1 ? (
        <nav aria-label="Pages" className="cluster">
          {page > 1 ? <Link to={pageLink(page - 1)}>Previous</Link> : null}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <Link to={pageLink(page + 1)}>Next</Link> : null}
        </nav>
      ) : null}
    </div>
  );
}
