/**
 * `/renewals/:id`: one veterinarian's batch of renewal requests, in the veterinarian-review
 * queue. Each request shows what the veterinarian judges before renewing — the SIG, the last
 * fill, the patient's weight and last wellness exam — and a veterinarian renews the chosen ones
 * in one action (each a new prescription under their name), or declines them with a reason.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { formatDate, formatDateTime, formatSpecies, formatWeight, humanize } from '~/lib/format';
import type { FormErrors } from '~/lib/forms';
import { firstError, formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { renewalBatchActionSchema } from '~/schemas/prescriptions';
import { requireUser } from '~/services/identity/auth.server';
import { declineRenewals, getRenewalBatch, renewBatch } from '~/services/records/index.server';

export const meta: MetaFunction = () => [{ title: 'Renewal requests — vialcart' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const batch = await getRenewalBatch(user, params.id ?? '').catch(orNotFoundPage('This batch of renewal requests is not at your clinic.'));
  return json({ ...batch, isVet: user.role === 'veterinarian' });
}

type Result = FormErrors & { intent?: string; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  return formAction(
    async (): Promise<Result> => {
      const input = readForm(form, renewalBatchActionSchema);
      if (input.intent === 'renew') {
        const { renewed } = await renewBatch(user, params.id ?? '', { requestIds: input.requestId, refillsAuthorized: input.refillsAuthorized, expiresOn: input.expiresOn });
        return { intent, message: `Renewed ${renewed.length} ${renewed.length === 1 ? 'prescription' : 'prescriptions'}. Cart lines filling them now pass this check.` };
      }
      const { declined } = await declineRenewals(user, params.id ?? '', { requestIds: input.requestId, reason: input.reason });
      return { intent, message: `Declined ${declined.length} ${declined.length === 1 ? 'request' : 'requests'}.` };
    },
    { extra: (errors) => ({ intent, formError: firstError(errors, 'Choose at least one prescription.') }) },
  );
}

export default function RenewalBatch() {
  const { batch, requests, isVet, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const open = requests.filter((r) => r.status === 'open');
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(open.map((r) => r.id)));
  const [shownFor, setShownFor] = useState(requests);
  if (shownFor !== requests) {
    setShownFor(requests);
    setChosen(new Set(requests.filter((r) => r.status === 'open').map((r) => r.id)));
  }
  const busy = (intent: string) => navigation.state === 'submitting' && navigation.formData?.get('intent') === intent;
  const toggle = (id: string) =>
    setChosen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  // A refused renewal names its request by position (`requestIds.3.expiresOn`): say it on that row.
  const rowErrors = new Map<string, string>();
  const order = [...chosen];
  for (const [field, message] of Object.entries(actionData?.fieldErrors ?? {})) {
    const m = /^requestIds\.(\d+)\./.exec(field);
    if (m && order[Number(m[1])]) rowErrors.set(order[Number(m[1])]!, message);
  }
  return (
    <div className="stack-lg">
      <PageHeader
        title={`Renewals for ${batch.prescriberName}`}
        description={`${open.length} waiting · veterinarian-review queue · due ${formatDateTime(batch.sla.dueAt)}${batch.sla.overdue ? ' (overdue)' : ''}`}
        actions={<ButtonLink to="/requests?queue=vet_review">Veterinarian review</ButtonLink>}
      />
      <div role="status" aria-live="polite" className={actionData?.message ? 'toast toast--success' : 'visually-hidden'}>
        {actionData?.message ? <p className="toast__text">{actionData.message}</p> : null}
      </div>
      {actionData?.formError ? (
        <p className="form-error" role="alert">
          {actionData.formError}
        </p>
      ) : null}
      {!isVet && open.length > 0 ? <p className="text-sm muted">A veterinarian renews or declines these; the first one licensed for them may act on the batch.</p> : null}
      <Form method="post" className="stack" aria-label="Renewal requests">
        <div className="data-table-wrap" role="region" aria-labelledby="renewals-caption" tabIndex={0}>
          <table className="data-table data-table--compact">
            <caption id="renewals-caption" className="visually-hidden">
              Prescriptions to renew
            </caption>
            <thead>
              <tr>
                <th scope="col">{isVet ? <span className="visually-hidden">Choose</span> : null}</th>
                <th scope="col">Patient</th>
                <th scope="col">Prescription</th>
                <th scope="col">SIG</th>
                <th scope="col">Last fill</th>
                <th scope="col">Weight</th>
                <th scope="col">Wellness exam</th>
                <th scope="col">Why</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id} data-request-id={r.id}>
                  <td>
                    {isVet && r.status === 'open' ? (
                      <input
                        type="checkbox"
                        name="requestId"
                        value={r.id}
                        checked={chosen.has(r.id)}
                        onChange={() => toggle(r.id)}
                        aria-label={`Choose ${r.patient.name}'s ${r.prescription.medicationName}`}
                      />
                    ) : null}
                  </td>
                  <th scope="row">
                    <Link to={`/patients/${r.patient.id}`}>{r.patient.name}</Link>
                    <br />
                    <span className="text-sm muted">{formatSpecies(r.patient.species)}</span>
                  </th>
                  <td>
                    <Link to={`/prescriptions/${r.prescription.id}`}>{r.prescription.medicationName}</Link> {r.prescription.controlledSchedule ? <Badge tone="warning">C-{r.prescription.controlledSchedule}</Badge> : null}
                    <br />
                    <span className="text-sm muted">
                      {r.prescription.refillsUsed} of {r.prescription.refillsAuthorized} refills used · expires {formatDate(r.prescription.expiresOn)} · by {r.prescription.writtenByName}
                    </span>
                    {rowErrors.get(r.id) ? (
                      <p className="field__error" role="alert">
                        {rowErrors.get(r.id)}
                      </p>
                    ) : null}
                  </td>
                  <td className="text-sm">{r.prescription.sig}</td>
                  <td className="nowrap">{r.prescription.lastFilledOn ? formatDate(r.prescription.lastFilledOn) : 'never'}</td>
                  <td className="nowrap">{formatWeight(r.patient.weightKg)}</td>
                  <td className="nowrap">{r.patient.lastWellnessExamOn ? formatDate(r.patient.lastWellnessExamOn) : 'none on file'}</td>
                  <td className="text-sm">
                    {humanize(r.reason)}
                    <br />
                    <span className="muted">
                      {r.askedBy ?? 'API'} · {formatDate(r.askedAt)}
                    </span>
                  </td>
                  <td>
                    {r.status === 'open' ? (
                      <Badge tone="warning">Waiting</Badge>
                    ) : r.status === 'renewed' && r.renewalId ? (
                      <Link to={`/prescriptions/${r.renewalId}`}>Renewed</Link>
                    ) : (
                      <span className="text-sm">
                        {humanize(r.status)}
                        {r.declineReason ? `: ${r.declineReason}` : ''}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {isVet && open.length > 0 ? (
          <div className="stack">
            <fieldset className="cluster">
              <legend>Renew the chosen ones, under your name, written today</legend>
              <FormField label="Refills (blank: as before)" name="refillsAuthorized" type="number" min={0} max={99} error={actionData?.intent === 'renew' ? actionData.fieldErrors?.refillsAuthorized : undefined} />
              <FormField label="Expires on (blank: clinic policy)" name="expiresOn" type="date" min={today} error={actionData?.intent === 'renew' ? actionData.fieldErrors?.expiresOn : undefined} />
              <Button type="submit" name="intent" value="renew" variant="primary" loading={busy('renew')}>
                Renew {chosen.size} {chosen.size === 1 ? 'prescription' : 'prescriptions'}
              </Button>
            </fieldset>
            <fieldset className="cluster">
              <legend>Or decline the chosen ones</legend>
              <FormField label="Reason" name="reason" maxLength={500} error={actionData?.intent === 'decline' ? actionData.fieldErrors?.reason : undefined} hint="E.g. needs an exam first." />
              <Button type="submit" name="intent" value="decline" loading={busy('decline')}>
                Decline {chosen.size}
              </Button>
            </fieldset>
          </div>
        ) : null}
      </Form>
    </div>
  );
}
