/**
 * `/prescriptions`: the clinic's prescriptions with filters (text, status including "needs
 * renewal", prescriber, controlled, expiring soon), the renewal batches waiting for
 * veterinarians, and — for a veterinarian — "Write a prescription".
 */
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { formatDate, humanize } from '~/lib/format';
import { prescriptionListPageSchema, prescriptionListQuery } from '~/schemas/prescriptions';
import { requireUser } from '~/services/identity/auth.server';
import { listPrescribers, listPrescriptions, renewalQueue } from '~/services/records/index.server';
import { PRESCRIPTION_STATUSES } from '../../validators/vocabulary';

export const meta: MetaFunction = () => [{ title: 'Prescriptions — vialcart' }];

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = prescriptionListPageSchema.parse(params);
  const [list, prescribers, batches] = await Promise.all([listPrescriptions(user, { ...prescriptionListQuery(query), limit: PAGE }), listPrescribers(user), renewalQueue(user)]);
  return json({
    ...list,
    query: { q: query.q ?? '', status: query.status ?? '', prescriberId: query.prescriberId ?? '', controlled: query.controlled === '1' || query.controlled === 'true' ? '1' : query.controlled ? '0' : '', expiringWithinDays: query.expiringWithinDays ?? '' },
    offset: query.offset ?? 0,
    prescribers: prescribers.map((p) => ({ id: p.id, name: p.name })),
    batches,
    canWrite: user.role === 'veterinarian',
  });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['prescriptions'][number];

const TONE: Record<string, 'success' | 'neutral' | 'danger' | 'warning'> = { active: 'success', expired: 'danger', discontinued: 'neutral', superseded: 'neutral', cancelled: 'neutral' };

export default function PrescriptionsPage() {
  const { prescriptions, total, query, offset, prescribers, batches, canWrite } = useLoaderData<typeof loader>();
  const waiting = batches.reduce((n, b) => n + b.open, 0);
  const pageHref = (to: number) => {
    const p = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '').map(([k, v]) => [k, String(v)]));
    if (to > 0) p.set('offset', String(to));
    return `?${p.toString()}`;
  };
  return (
    <div className="stack-lg">
      <PageHeader
        title="Prescriptions"
        description={`${total} ${total === 1 ? 'prescription' : 'prescriptions'} · renewals are written by the veterinarian, and supersede the old prescription.`}
        actions={canWrite ? <ButtonLink to="/prescriptions/new" variant="primary">Write a prescription</ButtonLink> : null}
      />
      {batches.length > 0 ? (
        <section className="card card--padded stack-sm" aria-labelledby="renewals-heading">
          <h2 id="renewals-heading">Renewal requests waiting</h2>
          <p className="text-sm muted">
            {waiting} {waiting === 1 ? 'prescription' : 'prescriptions'} in {batches.length} {batches.length === 1 ? 'batch' : 'batches'} in the veterinarian-review queue.
          </p>
          <ul className="stack-sm">
            {batches.map((b) => (
              <li key={b.id}>
                <Link to={`/renewals/${b.id}`}>
                  {b.prescriberName}: {b.open} to renew
                </Link>{' '}
                {b.sla.overdue ? <Badge tone="danger">Overdue</Badge> : <span className="text-sm muted">due {formatDate(b.sla.dueAt)}</span>}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Form method="get" className="toolbar" aria-label="Filter prescriptions">
        <FormField label="Search" name="q" type="search" defaultValue={query.q} placeholder="Pet, owner, medication or prescriber" />
        <FormField label="Status" name="status" as="select" defaultValue={query.status}>
          <option value="">Any</option>
          <option value="needs_renewal">Needs renewal</option>
          {PRESCRIPTION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </FormField>
        <FormField label="Prescriber" name="prescriberId" as="select" defaultValue={query.prescriberId}>
          <option value="">Anyone</option>
          {prescribers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </FormField>
        <FormField label="Controlled" name="controlled" as="select" defaultValue={query.controlled}>
          <option value="">Either</option>
          <option value="1">Controlled only</option>
          <option value="0">Not controlled</option>
        </FormField>
        <FormField label="Expiring within (days)" name="expiringWithinDays" type="number" min={0} max={365} defaultValue={query.expiringWithinDays} />
        <Button type="submit">Filter</Button>
      </Form>
      <DataTable<Row>
        caption="Prescriptions"
        rows={prescriptions}
        getRowKey={(r) => r.id}
        empty={<EmptyState title="No prescriptions match" description="Change the filters, or write one from a patient's page." headingLevel={3} />}
        columns={[
          {
            key: 'patient',
            header: 'Patient',
            rowHeader: true,
            cell: (r) => <Link to={`/patients/${r.patientId}`}>{r.patientName}</Link>,
          },
          {
            key: 'medication',
            header: 'Medication',
            cell: (r) => (
              <>
                <Link to={`/prescriptions/${r.id}`}>{r.medicationName}</Link> {r.controlledSchedule ? <Badge tone="warning">C-{r.controlledSchedule}</Badge> : null}
                {r.medicationId ? null : <span className="text-sm muted"> · commercial</span>}
              </>
            ),
          },
          { key: 'sig', header: 'SIG', cell: (r) => <span className="text-sm">{r.sig}</span> },
          { key: 'refills', header: 'Refills left', align: 'end', cell: (r) => `${r.refillsLeft} of ${r.refillsAuthorized}` },
          { key: 'written', header: 'Written', cell: (r) => formatDate(r.writtenOn) },
          { key: 'expires', header: 'Expires', cell: (r) => formatDate(r.expiresOn) },
          { key: 'by', header: 'Prescriber', cell: (r) => r.prescriberName },
          { key: 'status', header: 'Status', cell: (r) => <Badge tone={TONE[r.status] ?? 'neutral'}>{humanize(r.status)}</Badge> },
        ]}
      />
      {total > PAGE ? (
        <nav className="cluster" aria-label="Pages">
          {offset > 0 ? <Link to={pageHref(Math.max(0, offset - PAGE))}>Previous {PAGE}</Link> : null}
          <span className="text-sm muted">
            {offset + 1}–{Math.min(offset + PAGE, total)} of {total}
          </span>
          {offset + PAGE < total ? <Link to={pageHref(offset + PAGE)}>Next {PAGE}</Link> : null}
        </nav>
      ) : null}
    </div>
  );
}
