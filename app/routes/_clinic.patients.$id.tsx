import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { formatDate, formatMoney, formatSpecies, formatWeight } from '~/lib/format';
import { requireUser } from '~/services/auth.server';
import { DomainError } from '~/services/errors';
import { getPatient } from '~/services/patients.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.patient.name ?? 'Patient'} — vialcart` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  try {
    return json({ patient: await getPatient(user, params.id ?? '') });
  } catch (error) {
    // Another clinic's patient is simply not there: 404, never 403 with a hint.
    if (error instanceof DomainError && error.code === 'not_found') throw new Response('Patient not found.', { status: 404 });
    throw error;
  }
}

export default function PatientPage() {
  const { patient } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <PageHeader
        title={patient.name}
        description={`${formatSpecies(patient.species)}${patient.breed ? ` · ${patient.breed}` : ''} · ${formatWeight(patient.weightKg)}`}
        meta={<Badge tone={patient.status === 'active' ? 'success' : 'danger'}>{patient.status}</Badge>}
      />
      <section className="grid grid--2">
        <div className="card card--padded stack-sm">
          <h2>Owner</h2>
          <p>
            <strong>{patient.client.name}</strong>
          </p>
          <p>{[patient.client.phone, patient.client.email].filter(Boolean).join(' · ')}</p>
          <p>{[patient.client.addressLine1, patient.client.city, patient.client.state].filter(Boolean).join(', ')}</p>
          {patient.otherPets.length ? (
            <p>
              Other pets:{' '}
              {patient.otherPets.map((p, i) => (
                <span key={p.id}>
                  {i ? ', ' : ''}
                  <Link to={`/patients/${p.id}`}>{p.name}</Link> ({formatSpecies(p.species)})
                </span>
              ))}
            </p>
          ) : null}
        </div>
        <div className="card card--padded stack-sm">
          <h2>Record</h2>
          <p>Born {formatDate(patient.birthDate)}</p>
          <p>Last wellness exam {formatDate(patient.lastWellnessExamOn)}</p>
          <p>PIMS id {patient.pimsId ?? '—'}</p>
        </div>
      </section>
      <section className="stack-sm">
        <h2>Prescriptions</h2>
        <DataTable
          caption="Prescriptions"
          captionHidden
          rows={patient.prescriptions}
          getRowKey={(r) => r.id}
          columns={[
            { key: 'med', header: 'Medication', cell: (r) => (
              <>
                {r.medicationName} {r.controlledSchedule ? <Badge tone="warning">C-{r.controlledSchedule}</Badge> : null}
              </>
            ) },
            { key: 'sig', header: 'SIG', cell: (r) => r.sig },
            { key: 'refills', header: 'Refills', align: 'end', cell: (r) => `${r.refillsUsed} of ${r.refillsAuthorized} used` },
            { key: 'expires', header: 'Expires', cell: (r) => formatDate(r.expiresOn) },
            { key: 'by', header: 'Prescriber', cell: (r) => r.prescriberName },
            { key: 'status', header: 'Status', cell: (r) => <Badge tone={r.status === 'active' ? 'success' : 'neutral'}>{r.status}</Badge> },
          ]}
          empty={<EmptyState title="No prescriptions" />}
        />
      </section>
      <section className="stack-sm">
        <h2>Order history</h2>
        <DataTable
          caption="Order history"
          captionHidden
          rows={patient.orderLines}
          getRowKey={(r) => r.id}
          columns={[
            { key: 'date', header: 'Filled', cell: (r) => formatDate(r.filledOn ?? r.createdAt) },
            { key: 'med', header: 'Medication', cell: (r) => r.medicationName },
            { key: 'pharmacy', header: 'Pharmacy', cell: (r) => r.pharmacyName },
            { key: 'qty', header: 'Qty', align: 'end', cell: (r) => r.quantity },
            { key: 'landed', header: 'Landed / vial', align: 'end', cell: (r) => formatMoney(r.landedCostCents) },
            { key: 'status', header: 'Status', cell: (r) => <StatusBadge kind="order" code={r.status} /> },
          ]}
          empty={<EmptyState title="No orders yet" />}
        />
      </section>
    </div>
  );
}
