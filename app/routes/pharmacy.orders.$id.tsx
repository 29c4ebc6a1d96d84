import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateText, DateTimeText } from '~/components/date';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { formatSpecies, formatWeight, humanize } from '~/lib/format';
import { CARRIERS, portalActions, REJECTION_REASONS } from '~/lib/order-flow';
import { useRemixForm } from '~/lib/forms';
import { pharmacyOrderActionSchema, rejectOrderFormSchema, shipOrderFormSchema } from '~/schemas/orders';
import { requireUser } from '~/services/identity/auth.server';
import { formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { getPharmacyOrder, recordPharmacyEvent, type PharmacyOrder } from '~/services/orders/index.server';
import { shipmentsOf } from '~/lib/shipments';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Order ${data?.order.id.slice(0, 8) ?? ''} — vialcart pharmacy portal` }];

/** The clinic's dose check as the pharmacist sees it: "25 mg a dose · 6.25 mg/kg · 12.5 mg/kg a day (4 kg on 2026-11-02)". */
function DoseLine({ dose }: { dose: { mgPerAdministration: number | null; mgPerKgPerAdministration: number | null; mgPerKgPerDay: number | null; weightUsed: { kg: number; measuredOn: string | null } | null } }) {
  const parts = [
    dose.mgPerAdministration !== null ? `${dose.mgPerAdministration} mg a dose` : null,
    dose.mgPerKgPerAdministration !== null ? `${dose.mgPerKgPerAdministration} mg/kg` : null,
    dose.mgPerKgPerDay !== null ? `${dose.mgPerKgPerDay} mg/kg a day` : null,
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return (
    <div className="text-sm muted" data-dose>
      Dose {parts.join(' · ')}
      {dose.weightUsed ? (
        <>
          {' '}
          ({dose.weightUsed.kg} kg{dose.weightUsed.measuredOn ? <> on <DateText value={dose.weightUsed.measuredOn} /></> : ', undated'})
        </>
      ) : null}
    </div>
  );
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'pharmacy' });
  const order = await getPharmacyOrder(user, params.id ?? '').catch(orNotFoundPage('Order not found'));
  // One event id per page view: a double-submitted form replays the same event, never a second one.
  return json({ order, eventId: crypto.randomUUID() });
}


export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'pharmacy' });
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  return formAction(
    async () => {
      const data = readForm(form, pharmacyOrderActionSchema);
      const event =
        data.intent === 'rejected'
          ? { eventId: data.eventId, type: 'rejected' as const, reason: data.reasonCode === 'Other' ? data.note : [data.reasonCode, data.note].filter(Boolean).join(': ') }
          : data.intent === 'shipped'
            ? { eventId: data.eventId, type: 'shipped' as const, carrier: data.carrier, trackingNumber: data.trackingNumber, ...(data.expectedDelivery ? { expectedDelivery: data.expectedDelivery } : {}) }
            : { eventId: data.eventId, type: data.intent };
      await recordPharmacyEvent(user, params.id ?? '', event);
      return redirect(`/pharmacy/orders/${params.id}`);
    },
    // Which form failed, so the page shows the errors on that form.
    { extra: { intent } },
  );
}

const ACTION_LABELS: Record<string, string> = { accepted: 'Accept order', compounding: 'Mark compounding', delivered: 'Mark delivered' };

function Actions({ order, eventId }: { order: PharmacyOrder; eventId: string }) {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  const available = portalActions(order.status);
  const reject = useRemixForm(rejectOrderFormSchema, {
    defaultValues: { intent: 'rejected', eventId, reasonCode: undefined, note: '' },
    actionData: actionData?.intent === 'rejected' ? actionData : undefined,
  });
  const ship = useRemixForm(shipOrderFormSchema, {
    defaultValues: { intent: 'shipped', eventId, carrier: undefined, trackingNumber: '', expectedDelivery: '' },
    actionData: actionData?.intent === 'shipped' ? actionData : undefined,
  });
  if (available.length === 0) return null;
  return (
    <section className="card card--padded stack no-print" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Next step</h2>
      {actionData?.formError ? (
        <p role="alert" className="form-error">
          {actionData.formError}
        </p>
      ) : null}
      <div className="cluster">
        {available
          .filter((a) => ACTION_LABELS[a])
          .map((a) => (
            <Form method="post" key={a}>
              <input type="hidden" name="intent" value={a} />
              <input type="hidden" name="eventId" value={eventId} />
              <Button type="submit" variant={a === 'accepted' ? 'primary' : 'secondary'} loading={busy}>
                {ACTION_LABELS[a]}
              </Button>
            </Form>
          ))}
      </div>
      {available.includes('shipped') ? (
        <Form method="post" noValidate onSubmit={ship.onSubmit} className="stack" aria-labelledby="ship-heading">
          <h3 id="ship-heading">Ship</h3>
          <input type="hidden" {...ship.register('intent')} />
          <input type="hidden" {...ship.register('eventId')} />
          <div className="cluster">
            <FormField label="Carrier" as="select" required error={ship.errorOf('carrier')} {...ship.register('carrier')}>
              <option value="">Choose…</option>
              {CARRIERS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </FormField>
            <FormField label="Tracking number" required autoComplete="off" error={ship.errorOf('trackingNumber')} {...ship.register('trackingNumber')} />
            <FormField label="Expected delivery" type="date" error={ship.errorOf('expectedDelivery')} {...ship.register('expectedDelivery')} />
          </div>
          <div>
            <Button type="submit" variant="primary" loading={busy}>
              Mark shipped
            </Button>
          </div>
        </Form>
      ) : null}
      {available.includes('rejected') ? (
        <Form method="post" noValidate onSubmit={reject.onSubmit} className="stack" aria-labelledby="reject-heading">
          <h3 id="reject-heading">Reject</h3>
          <p className="muted text-sm">The clinic is refunded for this order and its lines go back into their cart with your reason.</p>
          <input type="hidden" {...reject.register('intent')} />
          <input type="hidden" {...reject.register('eventId')} />
          <FormField label="Reason" as="select" required error={reject.errorOf('reasonCode')} {...reject.register('reasonCode')}>
            <option value="">Choose…</option>
            {REJECTION_REASONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </FormField>
          <FormField label="Details for the clinic" as="textarea" rows={2} hint="Required when the reason is Other." error={reject.errorOf('note')} {...reject.register('note')} />
          <div>
            <Button type="submit" variant="danger" loading={busy}>
              Reject order
            </Button>
          </div>
        </Form>
      ) : null}
    </section>
  );
}

export default function PharmacyOrderPage() {
  const { order, eventId } = useLoaderData<typeof loader>();
  const shipments = shipmentsOf(order.lines);
  return (
    <div className="stack-lg">
      <PageHeader
        title={`Order ${order.id.slice(0, 8)}`}
        meta={<StatusBadge kind="order" code={order.status} />}
        description={
          <>
            From {order.clinic?.name ?? 'a clinic'}, received {order.receivedAt ? <DateTimeText value={order.receivedAt} /> : 'not yet confirmed'}.
          </>
        }
        actions={<ButtonLink to="/pharmacy">Back to orders</ButtonLink>}
      />
      <div className="with-sidebar">
        <div className="stack-lg">
          {shipments.map((s, i) => (
            <section key={s.key} className="card stack" aria-labelledby={`shipment-${i}`}>
              <div className="card__header split">
                <h2 id={`shipment-${i}`}>
                  Shipment {i + 1}: {s.shipTo?.kind === 'owner' ? `to ${s.shipTo.name} (owner)` : 'to the clinic'}
                </h2>
                <ButtonLink size="sm" to={`/pharmacy/orders/${order.id}/slip?shipment=${i + 1}`} className="no-print">
                  Packing slip
                </ButtonLink>
              </div>
              {s.shipTo ? (
                <p className="card__body text-sm">
                  {s.shipTo.name}
                  {s.shipTo.kind === 'clinic' && s.shipTo.attention ? `, attn. ${s.shipTo.attention}` : ''} · {s.shipTo.address.line1}
                  {s.shipTo.address.line2 ? `, ${s.shipTo.address.line2}` : ''}, {s.shipTo.address.city}, {s.shipTo.address.state} {s.shipTo.address.postalCode}
                </p>
              ) : null}
              <DataTable
                caption={`Lines of shipment ${i + 1}`}
                captionHidden
                maxHeight="none"
                rows={s.lines}
                getRowKey={(l) => l.id}
                columns={[
                  {
                    key: 'patient',
                    header: 'Patient',
                    rowHeader: true,
                    cell: (l) => (
                      <div>
                        <strong>{l.patient?.name}</strong>
                        <div className="text-sm muted">
                          {formatSpecies(l.patient?.species)} · {formatWeight(l.patient?.weightKg)} · {l.patient?.sex ? humanize(l.patient.sex) : ''}
                          {l.patient?.birthDate ? <> · born <DateText value={l.patient.birthDate} /></> : null}
                        </div>
                        <div className="text-sm muted">Owner {l.patient?.owner.name}</div>
                      </div>
                    ),
                  },
                  {
                    key: 'medication',
                    header: 'Medication',
                    cell: (l) => (
                      <div>
                        {l.medicationName} {l.strength} {l.form}
                        {l.flavor ? `, ${l.flavor}` : ''}
                        <div className="text-sm muted mono">{l.product.sku}</div>
                        {l.deaSchedule ? <div className="text-sm">C-{l.deaSchedule} · signature on delivery</div> : null}
                      </div>
                    ),
                  },
                  { key: 'quantity', header: 'Qty', align: 'end', cell: (l) => `${l.quantity.value} ${l.quantity.unit}${l.quantity.value === 1 ? '' : 's'}` },
                  {
                    key: 'sig',
                    header: 'SIG',
                    cell: (l) => (
                      <div>
                        {l.sig}
                        <div className="text-sm muted">
                          {l.daysSupply ? `${l.daysSupply} days · ` : ''}
                          {l.refills} refill{l.refills === 1 ? '' : 's'} left · written <DateText value={l.dateWritten} />
                          {l.needByDate ? <> · need by <DateText value={l.needByDate} /></> : null}
                        </div>
                        {l.dose ? <DoseLine dose={l.dose} /> : null}
                      </div>
                    ),
                  },
                  {
                    key: 'prescriber',
                    header: 'Prescriber',
                    cell: (l) => (
                      <div>
                        {l.prescriber?.name}
                        <div className="text-sm muted">
                          Licence {l.prescriber?.license.state} {l.prescriber?.license.number}
                        </div>
                        <div className="text-sm muted">DEA {l.prescriber?.deaNumber ?? 'none on file'}</div>
                      </div>
                    ),
                  },
                ]}
              />
            </section>
          ))}
        </div>
        <aside className="stack-lg">
          {/* Keyed by the event id so the forms start afresh with the new id after each step. */}
          <Actions key={eventId} order={order} eventId={eventId} />
          <section className="card card--padded stack" aria-labelledby="clinic-heading">
            <h2 id="clinic-heading">Clinic</h2>
            <dl className="dl">
              <dt>Name</dt>
              <dd>{order.clinic?.name}</dd>
              <dt>Phone</dt>
              <dd>{order.clinic?.phone ?? '—'}</dd>
              <dt>Address</dt>
              <dd>
                {order.clinic?.address.line1}, {order.clinic?.address.city}, {order.clinic?.address.state} {order.clinic?.address.postalCode}
              </dd>
              {order.carrier ? (
                <>
                  <dt>Tracking</dt>
                  <dd>
                    {order.carrier}{' '}
                    {order.trackingUrl ? (
                      <a href={order.trackingUrl} target="_blank" rel="noreferrer">
                        {order.trackingNumber}
                      </a>
                    ) : (
                      order.trackingNumber
                    )}
                  </dd>
                </>
              ) : null}
              {order.rejectionReason ? (
                <>
                  <dt>Rejected</dt>
                  <dd>{order.rejectionReason}</dd>
                </>
              ) : null}
            </dl>
          </section>
          <section className="card card--padded stack" aria-labelledby="history-heading">
            <h2 id="history-heading">History</h2>
            <ol className="stack-sm">
              {order.events.map((e, i) => (
                <li key={i}>
                  <StatusBadge kind="order" code={e.toStatus ?? e.type} /> <DateTimeText value={e.at} />
                  {e.fromStatus === e.toStatus ? <span className="muted text-sm"> ({humanize(e.type)}, reported late)</span> : null}
                  {e.reason ? <div className="text-sm">{e.reason}</div> : null}
                </li>
              ))}
            </ol>
          </section>
          <p className="text-sm no-print">
            <Link to="/pharmacy">All orders</Link>
          </p>
        </aside>
      </div>
    </div>
  );
}
