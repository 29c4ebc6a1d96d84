import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { WeightText } from '~/components/weight-text';
import { formatDate, formatPhone, formatSpecies, humanize } from '~/lib/format';
import { patientsPageQuerySchema } from '~/schemas/patients';
import { PATIENT_STATUSES } from '../../validators/vocabulary';
import { requireUser } from '~/services/identity/auth.server';
import { listOwners, listPatients, principalToday } from '~/services/records/index.server';

export const meta: MetaFunction = () => [{ title: 'Patients — vialcart' }];

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const { q, status, page } = patientsPageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [result, owners, today] = await Promise.all([
    listPatients(user, { q, status, limit: PAGE, offset: (page - 1) * PAGE }),
    // Owners matching the search, pets or not (a new owner has none yet).
    q.trim() && page === 1 ? listOwners(user, { q, limit: 8 }) : Promise.resolve(null),
    principalToday(user),
  ]);
  return json({ ...result, owners: owners?.owners ?? [], q, status: status ?? '', page, pages: Math.max(1, Math.ceil(result.total / PAGE)), today });
}

export default function Patients() {
  const { patients, total, owners, q, status, page, pages, today } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const pageLink = (p: number) => {
    const next = new URLSearchParams(params);
    next.set('page', String(p));
    return `?${next.toString()}`;
  };
  return (
    <div className="stack-lg">
      <PageHeader
        title="Patients"
        description={`${total} ${q || status ? 'matching ' : ''}patients`}
        actions={
          <>
            <ButtonLink to="/owners/new">New owner</ButtonLink>
            <ButtonLink to="/patients/new" variant="primary">
              New patient
            </ButtonLink>
          </>
        }
      />
      <Form method="get" className="toolbar" role="search">
        <label htmlFor="patient-search" className="visually-hidden">
          Search patients
        </label>
        <input id="patient-search" type="search" name="q" defaultValue={q} placeholder="Pet, owner, phone or PIMS id" className="input" />
        <label htmlFor="patient-status" className="visually-hidden">
          Status
        </label>
        <select id="patient-status" name="status" defaultValue={status} className="select">
          <option value="">Any status</option>
          {PATIENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
        <Button type="submit">Search</Button>
      </Form>
      {owners.length ? (
        <section className="stack-sm" aria-labelledby="owners-heading">
          <h2 id="owners-heading">Owners matching “{q}”</h2>
          <ul className="cluster plain-list">
            {owners.map((o) => (
              <li key={o.id} className="card card--padded">
                <Link to={`/owners/${o.id}`}>{o.name}</Link>
                <br />
                <span className="text-sm muted">
                  {[o.phone ? formatPhone(o.phone) : null, `${o.petCount} ${o.petCount === 1 ? 'pet' : 'pets'}`].filter(Boolean).join(' · ')}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <DataTable
        caption="Patients"
        rows={patients}
        getRowKey={(p) => p.id}
        columns={[
          { key: 'name', header: 'Patient', rowHeader: true, cell: (p) => <Link to={`/patients/${p.id}`}>{p.name}</Link> },
          { key: 'species', header: 'Species', cell: (p) => `${formatSpecies(p.species)}${p.breed ? ` · ${p.breed}` : ''}` },
          { key: 'owner', header: 'Owner', cell: (p) => <Link to={`/owners/${p.clientId}`}>{p.clientName}</Link> },
          { key: 'weight', header: 'Weight', cell: (p) => <WeightText kg={p.weightKg} measuredOn={p.weightMeasuredOn} today={today} /> },
          { key: 'exam', header: 'Last wellness exam', cell: (p) => formatDate(p.lastWellnessExamOn) },
          { key: 'status', header: 'Status', cell: (p) => <Badge tone={p.status === 'active' ? 'success' : 'neutral'}>{p.status}</Badge> },
        ]}
        empty={<EmptyState title="No patients match" description="Try part of the pet’s or owner’s name, a phone number or a PIMS id, or add a new patient." />}
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
