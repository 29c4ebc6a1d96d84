import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { formatDate, formatMoney, formatSpecies, formatWeight } from '~/lib/format';
import { requireUser } from '~/services/identity/auth.server';
import { firstError, formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { patientHistoryActionSchema } from '~/schemas/patients';
import { getPatient, principalToday } from '~/services/records/index.server';
import { quickfillFromOrderLine, reorderOrder, type OfferProposal } from '~/services/cart/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.patient.name ?? 'Patient'} — vialcart` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  // Another clinic's patient is simply not there: 404, never 403 with a hint.
  const [patient, today] = await Promise.all([getPatient(user, params.id ?? '').catch(orNotFoundPage('Patient not found.')), principalToday(user)]);
  return json({ patient, today, canWritePrescriptions: user.role === 'veterinarian' });
}

/** Quickfill one past line, or reorder this patient's lines of a past order, into the refill-day cart. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(
    async () => {
      const input = readForm(form, patientHistoryActionSchema);
      const result =
        input.intent === 'reorder'
          ? await reorderOrder(user, input.orderId, { patientId: params.id ?? '' })
          : await quickfillFromOrderLine(user, input.orderLineId, input.offerId ? { offerId: input.offerId } : {});
      return { added: result.lineIds.length, proposals: result.proposals as OfferProposal[], error: null as string | null };
    },
    // The outcome box reads `error`.
    { extra: (errors) => ({ added: 0, proposals: [] as OfferProposal[], error: firstError(errors) }) },
  );
}

function HistoryOutcome() {
  const result = useActionData<typeof action>();
  if (!result) return null;
  return (
    <div role="status" className={result.error ? 'form-error' : 'toast toast--success stack-sm'}>
      {result.error ? <p>{result.error}</p> : null}
      {result.added ? (
        <p>
          Added {result.added} {result.added === 1 ? 'line' : 'lines'} to <Link to="/refill-day">refill day</Link>.
        </p>
      ) : null}
      {result.proposals.map((p) => (
        <div key={p.orderLineId} className="cluster">
          <span>
            {p.medicationName}: {p.reason}.{' '}
            {p.alternative ? `${p.alternative.pharmacyName} has it at ${formatMoney(p.alternative.landedCostCents)} per vial landed.` : 'No other pharmacy can fill it now.'}
          </span>
          {p.alternative ? (
            <Form method="post" replace preventScrollReset>
              <input type="hidden" name="intent" value="quickfill" />
              <input type="hidden" name="orderLineId" value={p.orderLineId} />
              <input type="hidden" name="offerId" value={p.alternative.offerId} />
              <Button size="sm" variant="primary">
                Add from {p.alternative.pharmacyName}
              </Button>
            </Form>
          ) : null}
        </div>
      ))}
    </div>
  );
}

function HistoryButton({ intent, name, value, label, children }: { intent: string; name: string; value: string; label: string; children: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' && navigation.formData?.get(name) === value;
  return (
    <Form method="post" replace preventScrollReset>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name={name} value={value} />
      <Button size="sm" loading={busy} aria-label={label}>
        {children}
      </Button>
    </Form>
  );
}

export default function PatientPage() {
  const { patient, today, canWritePrescriptions } = useLoaderData<typeof loader>();
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
        <div className="split">
          <h2>Prescriptions</h2>
          {canWritePrescriptions && patient.status !== 'deceased' ? <ButtonLink to={`/prescriptions/new?patientId=${patient.id}`}>Write a prescription</ButtonLink> : null}
        </div>
        <DataTable
          caption="Prescriptions"
          captionHidden
          rows={patient.prescriptions}
          getRowKey={(r) => r.id}
          columns={[
            { key: 'med', header: 'Medication', cell: (r) => (
              <>
                <Link to={`/prescriptions/${r.id}`}>{r.medicationName}</Link> {r.controlledSchedule ? <Badge tone="warning">C-{r.controlledSchedule}</Badge> : null}
              </>
            ) },
            { key: 'sig', header: 'SIG', cell: (r) => r.sig },
            { key: 'refills', header: 'Refills', align: 'end', cell: (r) => `${r.refillsUsed} of ${r.refillsAuthorized} used` },
            { key: 'expires', header: 'Expires', cell: (r) => formatDate(r.expiresOn) },
            { key: 'by', header: 'Prescriber', cell: (r) => r.prescriberName },
            { key: 'status', header: 'Status', cell: (r) => <Badge tone={r.status === 'active' && r.expiresOn >= today ? 'success' : 'neutral'}>{r.status === 'active' && r.expiresOn < today ? 'expired' : r.status}</Badge> },
          ]}
          empty={<EmptyState title="No prescriptions" />}
        />
      </section>
      <section className="stack-sm">
        <h2>Order history</h2>
        <HistoryOutcome />
        <DataTable
          caption="Order history"
          captionHidden
          rows={patient.orderLines}
          getRowKey={(r) => r.id}
          groupBy={(r) => r.orderId}
          groupHeader={(g) => (
            <div className="split">
              <span>
                Order of {formatDate(g.rows[0]!.createdAt)} · {g.rows[0]!.pharmacyName}
              </span>
              <HistoryButton intent="reorder" name="orderId" value={g.key} label={`Reorder ${patient.name}'s order of ${formatDate(g.rows[0]!.createdAt)}`}>
                Reorder
              </HistoryButton>
            </div>
          )}
          columns={[
            { key: 'date', header: 'Filled', cell: (r) => formatDate(r.filledOn ?? r.createdAt) },
            { key: 'med', header: 'Medication', cell: (r) => r.medicationName },
            { key: 'pharmacy', header: 'Pharmacy', cell: (r) => r.pharmacyName },
            { key: 'qty', header: 'Qty', align: 'end', cell: (r) => r.quantity },
            { key: 'landed', header: 'Landed / vial', align: 'end', cell: (r) => formatMoney(r.landedCostCents) },
            { key: 'status', header: 'Status', cell: (r) => <StatusBadge kind="order" code={r.status} /> },
            { key: 'quickfill', header: 'Repeat', cell: (r) => (
              <HistoryButton intent="quickfill" name="orderLineId" value={r.id} label={`Quickfill ${r.medicationName} from ${formatDate(r.filledOn ?? r.createdAt)}`}>
                Quickfill
              </HistoryButton>
            ) },
          ]}
          empty={<EmptyState title="No orders yet" />}
        />
      </section>
    </div>
  );
}
