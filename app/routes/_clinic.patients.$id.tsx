import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { Toaster } from '~/components/toast';
import { WeightText } from '~/components/weight-text';
import { ExamHistory } from '~/components/records/exam-history';
import { MergePatients } from '~/components/records/merge-patient';
import { WeightHistory } from '~/components/records/weight-history';
import { formatDate, formatMoney, formatPhone, formatSpecies, humanize } from '~/lib/format';
import { requireUser } from '~/services/identity/auth.server';
import { firstError, formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { patientHistoryActionSchema } from '~/schemas/patients';
import { DomainError } from '~/services/platform/errors';
import { duplicatesOfPatient, getPatient, principalToday, searchPatients } from '~/services/records/index.server';
import { quickfillFromOrderLine, reorderOrder, type OfferProposal } from '~/services/cart/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.patient.name ?? 'Patient'} — vialcart` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  // A merged record sends you to the one it was merged into; another clinic's patient is
  // simply not there: 404, never 403 with a hint.
  const patient = await getPatient(user, params.id ?? '').catch((error: unknown) => {
    const mergedIntoId = error instanceof DomainError ? error.details?.mergedIntoId : undefined;
    if (typeof mergedIntoId === 'string') throw redirect(`/patients/${mergedIntoId}`);
    return orNotFoundPage('Patient not found.')(error);
  });
  return json({ patient, today: await principalToday(user), canWritePrescriptions: user.role === 'veterinarian', ...(await mergeChoices(user, patient, request)) });
}

/** For managers: this patient's possible duplicates, and the records a merge search found. */
async function mergeChoices(user: Awaited<ReturnType<typeof requireUser>>, patient: { id: string; clientId: string; species: string }, request: Request) {
  const mergeQ = (new URL(request.url).searchParams.get('mergeQ') ?? '').trim().slice(0, 100);
  if (user.role !== 'manager' && user.role !== 'admin') return { canMerge: false, duplicates: [], found: null, mergeQ: '' };
  const [duplicates, found] = await Promise.all([duplicatesOfPatient(user, patient.id), mergeQ ? searchPatients(user, { q: mergeQ, limit: 20 }) : null]);
  return {
    canMerge: true,
    mergeQ,
    duplicates: duplicates.map((d) => ({ id: d.id, name: d.name, species: d.species, ownerName: d.ownerName, why: d.ownerId === patient.clientId ? 'same owner' : 'same name, species and owner phone' })),
    found: found
      ? found.filter((f) => f.id !== patient.id && f.species === patient.species).map((f) => ({ id: f.id, name: f.name, species: f.species, ownerName: f.clientName, why: f.status }))
      : null,
  };
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

function savedMessage(params: URLSearchParams): string | null {
  if (params.get('created') === '1') return 'Patient added. Record a weight below.';
  if (params.get('saved') !== '1') return null;
  const lines = Number(params.get('lines') ?? 0);
  const requests = Number(params.get('requests') ?? 0);
  const reminders = Number(params.get('reminders') ?? 0);
  const renewals = Number(params.get('renewals') ?? 0);
  const effects = [
    lines ? `${lines} cart ${lines === 1 ? 'line' : 'lines'} removed` : '',
    requests ? `${requests} refill ${requests === 1 ? 'request' : 'requests'} cancelled` : '',
    renewals ? `${renewals} renewal ${renewals === 1 ? 'request' : 'requests'} cancelled` : '',
    reminders ? `${reminders} ${reminders === 1 ? 'reminder' : 'reminders'} stopped` : '',
  ].filter(Boolean);
  return `Patient saved.${effects.length ? ` ${effects.join(', ')}.` : ''}`;
}

export default function PatientPage() {
  const { patient, today, canWritePrescriptions, canMerge, duplicates, found, mergeQ } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const saved = savedMessage(params);
  return (
    <div className="stack-lg">
      <PageHeader
        title={patient.name}
        description={
          <>
            {formatSpecies(patient.species)}
            {patient.breed ? ` · ${patient.breed}` : ''} · <WeightText kg={patient.weightKg} measuredOn={patient.weightMeasuredOn} today={today} />
          </>
        }
        meta={
          <Badge tone={patient.status === 'active' ? 'success' : 'danger'}>
            {patient.status}
            {patient.deceasedOn ? ` ${formatDate(patient.deceasedOn)}` : ''}
          </Badge>
        }
        actions={<ButtonLink to={`/patients/${patient.id}/edit`}>Edit patient</ButtonLink>}
      />
      <Toaster message={saved ? { id: params.toString(), text: saved, tone: 'success' } : null} />
      <section className="grid grid--2">
        <div className="card card--padded stack-sm">
          <h2>Owner</h2>
          <p>
            <strong>
              <Link to={`/owners/${patient.client.id}`}>{patient.client.name}</Link>
            </strong>
          </p>
          <p>{[patient.client.phone ? formatPhone(patient.client.phone) : null, patient.client.phone2 ? formatPhone(patient.client.phone2) : null, patient.client.email].filter(Boolean).join(' · ')}</p>
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
          <dl className="dl">
            <dt>Sex</dt>
            <dd>{humanize(patient.sex)}</dd>
            <dt>Born</dt>
            <dd>
              {formatDate(patient.birthDate)}
              {patient.birthDateEstimated ? ' (estimated)' : ''}
            </dd>
            <dt>Last wellness exam</dt>
            <dd>{formatDate(patient.lastWellnessExamOn)}</dd>
            <dt>PIMS id</dt>
            <dd>{patient.pimsId ?? '—'}</dd>
            <dt>Allergies</dt>
            <dd>{patient.allergies ?? 'None recorded'}</dd>
            {patient.notes ? (
              <>
                <dt>Notes</dt>
                <dd className="pre-line">{patient.notes}</dd>
              </>
            ) : null}
          </dl>
        </div>
      </section>
      <WeightHistory patientId={patient.id} patientName={patient.name} species={patient.species} weights={patient.weights} today={today} />
      <ExamHistory patientId={patient.id} patientName={patient.name} exams={patient.exams} today={today} />
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
      {canMerge ? <MergePatients patientId={patient.id} patientName={patient.name} duplicates={duplicates} found={found} mergeQ={mergeQ} /> : null}
    </div>
  );
}
