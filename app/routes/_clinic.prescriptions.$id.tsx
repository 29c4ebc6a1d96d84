/**
 * `/prescriptions/:id`: one prescription with its lineage (what it renewed, what renewed it),
 * fills, open renewal request and history. A veterinarian renews it (a new prescription that
 * supersedes it) or discontinues it with a reason; anyone may ask for its renewal when it has
 * lapsed. Another clinic's prescription is a 404.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { SigReading } from '~/components/sig-reading';
import { formatDate, formatDateTime, formatSpecies, formatWeight, humanize } from '~/lib/format';
import type { FormErrors } from '~/lib/forms';
import { formAction, orNotFoundPage, readForm, valuesOf } from '~/http/forms.server';
import { discontinueFormSchema, prescriptionIntentSchema, renewFormSchema } from '~/schemas/prescriptions';
import { requireUser } from '~/services/identity/auth.server';
import { discontinuePrescription, getPrescription, renewPrescription, requestRenewals } from '~/services/records/index.server';

export const meta: MetaFunction = () => [{ title: 'Prescription — vialcart' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const one = await getPrescription(user, params.id ?? '').catch(orNotFoundPage('This prescription is not on file at your clinic.'));
  return json({ ...one, isVet: user.role === 'veterinarian' });
}

type Result = FormErrors & { intent?: string; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const id = params.id ?? '';
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  return formAction(
    async (): Promise<Result | Response> => {
      const chosen = readForm(form, prescriptionIntentSchema).intent;
      if (chosen === 'renew') {
        const renewal = await renewPrescription(user, id, readForm(form, renewFormSchema));
        return redirect(`/prescriptions/${renewal.id}?renewed=1`);
      }
      if (chosen === 'discontinue') {
        await discontinuePrescription(user, id, readForm(form, discontinueFormSchema));
        return { intent, message: 'Discontinued. It is no longer offered on refill day.' };
      }
      const [asked] = await requestRenewals(user, [{ prescriptionId: id }]);
      return { intent, message: `Renewal asked of ${asked!.prescriberName}.` };
    },
    {
      // Who acts is the signed-in veterinarian: an error about it is said for the whole form.
      extra: (errors): Result => ({
        intent,
        ...(errors.fieldErrors ? { fieldErrors: Object.fromEntries(Object.entries(errors.fieldErrors).filter(([k]) => k !== 'actingUserId')) } : {}),
        values: valuesOf(form),
      }),
    },
  );
}

type Fill = ReturnType<typeof useLoaderData<typeof loader>>['fills'][number];

export default function PrescriptionPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const rx = data.prescription;
  const busy = (intent: string) => navigation.state === 'submitting' && navigation.formData?.get('intent') === intent;
  const errorsOf = (intent: string) => (actionData?.intent === intent ? (actionData.fieldErrors ?? {}) : {});
  const typed = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const lapsed = rx.status === 'expired' || (rx.status === 'active' && rx.refillsLeft === 0);
  const renewable = rx.status === 'active' || rx.status === 'expired';
  const notice = params.get('written') ? 'Prescription written.' : params.get('renewed') ? 'Renewed: this prescription supersedes the old one, and cart lines filling the old one now fill this one.' : actionData?.message;
  return (
    <div className="stack-lg">
      <PageHeader
        title={rx.medicationName}
        description={`${rx.patientName} · ${data.ownerName} · written ${formatDate(rx.writtenOn)} by ${rx.prescriberName}`}
        actions={<Badge tone={rx.status === 'active' ? 'success' : rx.status === 'expired' ? 'danger' : 'neutral'}>{humanize(rx.status)}</Badge>}
      />
      <div role="status" aria-live="polite" className={notice ? 'toast toast--success' : 'visually-hidden'}>
        {notice ? <p className="toast__text">{notice}</p> : null}
      </div>
      {actionData?.formError ? (
        <p className="form-error" role="alert">
          {actionData.formError}
        </p>
      ) : null}
      <section className="card card--padded">
        <dl className="dl">
          <dt>Patient</dt>
          <dd>
            <Link to={`/patients/${data.patient.id}`}>{data.patient.name}</Link> · {formatSpecies(data.patient.species)} · weight {formatWeight(data.patient.weightKg)} · last wellness exam{' '}
            {data.patient.lastWellnessExamOn ? formatDate(data.patient.lastWellnessExamOn) : 'none on file'}
            {data.patient.status !== 'active' ? <Badge tone="danger">{data.patient.status}</Badge> : null}
          </dd>
          <dt>Directions</dt>
          <dd>{rx.sig}</dd>
          <dt>Quantity</dt>
          <dd>
            {rx.quantity} {rx.quantityUnit}
            {rx.quantity === 1 ? '' : 's'}
          </dd>
          <dt>Refills</dt>
          <dd>
            {rx.refillsUsed} of {rx.refillsAuthorized} used · {rx.refillsLeft} left
          </dd>
          <dt>Valid</dt>
          <dd>
            {formatDate(rx.writtenOn)} to {formatDate(rx.expiresOn)}
          </dd>
          {rx.controlledSchedule ? (
            <>
              <dt>Schedule</dt>
              <dd>
                <Badge tone="warning">C-{rx.controlledSchedule}</Badge>
              </dd>
            </>
          ) : null}
          {rx.discontinued ? (
            <>
              <dt>Discontinued</dt>
              <dd>
                {formatDateTime(rx.discontinued.at)}: {rx.discontinued.reason}
              </dd>
            </>
          ) : null}
          {data.openRenewal ? (
            <>
              <dt>Renewal</dt>
              <dd>
                Asked of {data.openRenewal.prescriberName} on {formatDateTime(data.openRenewal.createdAt)} ({humanize(data.openRenewal.reason)}) ·{' '}
                <Link to={`/renewals/${data.openRenewal.batchId}`}>batch</Link>
              </dd>
            </>
          ) : null}
        </dl>
      </section>

      {lapsed && !data.openRenewal && !data.isVet ? (
        <Form method="post" className="cluster">
          <input type="hidden" name="intent" value="ask" />
          <Button type="submit" loading={busy('ask')}>
            Ask for renewal
          </Button>
        </Form>
      ) : null}

      {data.isVet && renewable ? (
        <section className="card card--padded stack-sm" aria-labelledby="renew-heading">
          <h2 id="renew-heading">Renew</h2>
          <p className="text-sm muted">A new prescription under your name, written today, superseding this one. Blank fields keep the refills and SIG; the expiry follows the clinic’s policy.</p>
          <Form method="post" className="stack-sm" aria-label="Renew the prescription">
            <input type="hidden" name="intent" value="renew" />
            <div className="cluster">
              <FormField label="Refills" name="refillsAuthorized" type="number" min={0} max={99} placeholder={String(rx.refillsAuthorized)} defaultValue={typed.refillsAuthorized ?? ''} error={errorsOf('renew').refillsAuthorized} />
              <FormField label="Expires on" name="expiresOn" type="date" min={data.today} defaultValue={typed.expiresOn ?? ''} error={errorsOf('renew').expiresOn} />
            </div>
            <FormField label="New directions (SIG), if they change" name="sig" as="textarea" rows={2} defaultValue={typed.sig ?? ''} error={errorsOf('renew').sig} />
            <Button type="submit" variant="primary" loading={busy('renew')}>
              Renew prescription
            </Button>
          </Form>
        </section>
      ) : null}

      {data.isVet && rx.status !== 'discontinued' && rx.status !== 'superseded' ? (
        <section className="card card--padded stack-sm" aria-labelledby="discontinue-heading">
          <h2 id="discontinue-heading">Discontinue</h2>
          <Form method="post" className="stack-sm" aria-label="Discontinue the prescription">
            <input type="hidden" name="intent" value="discontinue" />
            <FormField label="Reason" name="reason" defaultValue={typed.reason ?? ''} maxLength={500} error={errorsOf('discontinue').reason} hint="Said on the prescription and in the authorization chain." />
            <Button type="submit" variant="danger" loading={busy('discontinue')}>
              Discontinue
            </Button>
          </Form>
        </section>
      ) : null}

      <section className="stack-sm" aria-labelledby="lineage-heading">
        <h2 id="lineage-heading">History of this prescription</h2>
        <ol className="stack-sm">
          {data.lineage.map((p) => (
            <li key={p.id}>
              {p.id === rx.id ? <strong>This prescription</strong> : <Link to={`/prescriptions/${p.id}`}>{p.supersedesId && p.id !== rx.id ? 'Renewal' : 'Earlier prescription'}</Link>}: written {formatDate(p.writtenOn)} by {p.prescriberName}, {p.refillsAuthorized} refills,
              valid to {formatDate(p.expiresOn)} · {humanize(p.status)}
            </li>
          ))}
        </ol>
        <SigReading sig={rx.sig} />
      </section>

      <section className="stack-sm" aria-labelledby="fills-heading">
        <h2 id="fills-heading">Fills</h2>
        <DataTable<Fill>
          caption="Fills of this prescription and the ones it renews"
          captionHidden
          rows={data.fills}
          getRowKey={(f) => f.id}
          empty={<EmptyState title="Not filled yet" headingLevel={3} />}
          columns={[
            { key: 'order', header: 'Order', rowHeader: true, cell: (f) => <Link to={`/orders/${f.orderId}`}>{formatDate(f.createdAt)}</Link> },
            { key: 'pharmacy', header: 'Pharmacy', cell: (f) => f.pharmacyName },
            { key: 'qty', header: 'Vials', align: 'end', cell: (f) => f.quantity },
            { key: 'filled', header: 'Filled', cell: (f) => (f.filledOn ? formatDate(f.filledOn) : '—') },
            { key: 'status', header: 'Status', cell: (f) => humanize(f.status) },
          ]}
        />
      </section>

      <section className="stack-sm" aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit</h2>
        {data.history.length === 0 ? (
          <p className="text-sm muted">Entered before prescriptions were written in vialcart.</p>
        ) : (
          <ol className="stack-sm text-sm">
            {data.history.map((h, i) => (
              <li key={i}>
                {formatDateTime(h.at)} · {h.actor} · {humanize(h.action.replace('prescription.', ''))}
                {typeof h.detail.reason === 'string' ? `: ${h.detail.reason}` : ''}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
