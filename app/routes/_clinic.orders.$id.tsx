import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateText, DateTimeText } from '~/components/date';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { Toaster } from '~/components/toast';
import { formatSpecies, humanize } from '~/lib/format';
import { requireUser } from '~/services/identity/auth.server';
import { firstError, formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { orderRetryFormSchema } from '~/schemas/orders';
import { getOrder, retryOrderDelivery } from '~/services/orders/index.server';
import { orderMoney } from '~/services/payments/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.order.pharmacyName ?? 'Order'} order — vialcart` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const order = await getOrder(user, params.id ?? '').catch(orNotFoundPage('Order not found'));
  return json({ order, money: await orderMoney(user, order.id) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(
    async () => {
      readForm(form, orderRetryFormSchema);
      await retryOrderDelivery(user, params.id ?? '');
      return { ok: true, message: 'Sending the order to the pharmacy again now.' };
    },
    { extra: (errors) => ({ ok: false, message: firstError(errors) }) },
  );
}

/** Timeline wording of an event; a late pharmacy report says so rather than looking like a step back. */
function eventLabel(e: { type: string; fromStatus: string | null; toStatus: string | null }): string {
  if (e.type === 'delivery_retried') return 'Retry requested';
  if (e.fromStatus === e.toStatus) return `${humanize(e.type)} (reported late)`;
  return '';
}

/** "($12.00 on its way)" after an amount, when part of it has not arrived yet. */
function OnItsWay({ cents }: { cents: number }) {
  if (cents <= 0) return null;
  return (
    <>
      {' '}
      <span className="muted">
        (<Money cents={cents} /> on its way)
      </span>
    </>
  );
}

export default function OrderPage() {
  const { order, money } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const failing = order.status === 'delivery_failed';
  const retrying = order.status === 'pending_delivery' && order.delivery.attempts > 0;
  return (
    <div className="stack-lg">
      <Toaster message={actionData ? { id: `${actionData.message}-${Date.now()}`, text: actionData.message, tone: actionData.ok ? 'success' : 'danger' } : null} />
      <PageHeader
        title={`${order.pharmacyName} order`}
        meta={<StatusBadge kind="order" code={order.status} />}
        description={
          <>
            Paid <DateTimeText value={order.createdAt} /> · <Link to={`/checkouts/${order.checkoutId}`}>refill day checkout</Link> · order{' '}
            <span className="mono">{order.id.slice(0, 8)}</span>
          </>
        }
        actions={<ButtonLink to="/orders">All orders</ButtonLink>}
      />

      {failing || retrying ? (
        <section className={`card card--padded stack${failing ? " card--danger" : ""}`} role={failing ? 'alert' : undefined} aria-labelledby="delivery-heading">
          <h2 id="delivery-heading">{failing ? 'The pharmacy has not received this order' : 'Still sending this order to the pharmacy'}</h2>
          <p>
            {order.delivery.attempts} attempt{order.delivery.attempts === 1 ? '' : 's'} so far. Last error: {order.delivery.lastError ?? 'none'}.
            {retrying && order.delivery.nextAttemptAt ? (
              <>
                {' '}
                Next attempt <DateTimeText value={order.delivery.nextAttemptAt} />.
              </>
            ) : null}
            {failing ? ' vialcart stopped retrying after 24 hours. Check with the pharmacy, then send it again.' : ''}
          </p>
          <Form method="post" className="no-print">
            <input type="hidden" name="intent" value="retry" />
            <Button type="submit" variant={failing ? 'primary' : 'secondary'} loading={navigation.state !== 'idle'}>
              Retry now
            </Button>
          </Form>
        </section>
      ) : null}

      <div className="with-sidebar">
        <div className="stack-lg">
          <DataTable
            caption="Lines by patient"
            rows={order.lines}
            getRowKey={(l) => l.id}
            groupBy={(l) => l.patientId}
            groupHeader={(g) => (
              <>
                <Link to={`/patients/${g.key}`}>{g.rows[0]!.patientName}</Link> <span className="muted">({formatSpecies(g.rows[0]!.species)}, owner {g.rows[0]!.ownerName})</span>
              </>
            )}
            maxHeight="none"
            columns={[
              { key: 'medicationName', header: 'Medication', rowHeader: true, cell: (l) => (<>{l.medicationName}{l.controlledSchedule ? <span className="muted"> · C-{l.controlledSchedule}</span> : null}</>) },
              { key: 'quantity', header: 'Qty', align: 'end', cell: (l) => l.quantity },
              { key: 'sig', header: 'SIG', cell: (l) => l.sig },
              { key: 'shipTo', header: 'Ships to', cell: (l) => (l.shipTo === 'owner' ? `Owner (${l.shipState})` : 'Clinic') },
              { key: 'lineTotalCents', header: 'Line total', align: 'end', cell: (l) => <Money cents={l.lineTotalCents} /> },
              {
                key: 'tracking',
                header: 'Tracking',
                cell: (l) =>
                  l.trackingUrl ? (
                    <a href={l.trackingUrl} target="_blank" rel="noreferrer">
                      Track with {l.carrier}
                    </a>
                  ) : (
                    <StatusBadge kind="order" code={l.status} />
                  ),
              },
              { key: 'chain', header: 'Authorization', cell: (l) => <Link to={`/orders/${order.id}/lines/${l.id}/chain`}>Chain</Link> },
            ]}
          />
        </div>
        <aside className="stack-lg">
          <section className="card card--padded stack" aria-labelledby="shipping-heading">
            <h2 id="shipping-heading">Shipping</h2>
            <dl className="dl">
              <dt>Carrier</dt>
              <dd>{order.carrier ?? 'Not shipped yet'}</dd>
              <dt>Tracking</dt>
              <dd>
                {order.trackingUrl ? (
                  <a href={order.trackingUrl} target="_blank" rel="noreferrer">
                    {order.trackingNumber}
                  </a>
                ) : (
                  order.trackingNumber ?? '—'
                )}
              </dd>
              <dt>Expected delivery</dt>
              <dd>{order.expectedDelivery ? <DateText value={order.expectedDelivery} /> : '—'}</dd>
              <dt>Amount</dt>
              <dd>
                <Money cents={order.totalCents} />
              </dd>
              {order.rejectionReason ? (
                <>
                  <dt>Pharmacy’s reason</dt>
                  <dd>{order.rejectionReason}</dd>
                </>
              ) : null}
            </dl>
            {order.status === 'rejected' || order.status === 'cancelled' ? (
              <p className="text-sm">
                This order’s amount is refunded and its lines are back in your <Link to="/refill-day">refill-day cart</Link> with the pharmacy’s reason.
              </p>
            ) : null}
          </section>
          <section className="card card--padded stack" aria-labelledby="money-heading">
            <h2 id="money-heading">Money</h2>
            <dl className="dl">
              <dt>Paid</dt>
              <dd>
                <Money cents={money.paidCents} />
              </dd>
              <dt>Refunded to you</dt>
              <dd>
                <Money cents={money.refundedCents} />
                <OnItsWay cents={money.refundPendingCents} />
              </dd>
              <dt>Passed to the pharmacy</dt>
              <dd>
                {money.paidOutsideStripe ? <span className="muted">by vialcart, outside Stripe</span> : <Money cents={money.toPharmacyCents} />}
                <OnItsWay cents={money.transferPendingCents} />
              </dd>
              <dt>vialcart platform fee</dt>
              <dd>
                <Money cents={money.platformFeeCents} />
              </dd>
            </dl>
            <p className="text-sm">
              <Link to={`/checkouts/${order.checkoutId}`}>Every movement of this payment</Link>
            </p>
          </section>
          <section className="card card--padded stack" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Status timeline</h2>
            <ol className="stack-sm" aria-label="Status changes, oldest first">
              <li>
                <StatusBadge kind="order" code="pending_delivery" /> <DateTimeText value={order.createdAt} />
              </li>
              {order.events.map((e, i) => (
                <li key={i}>
                  {eventLabel(e) ? <span>{eventLabel(e)}</span> : <StatusBadge kind="order" code={e.toStatus ?? e.type} />} <DateTimeText value={e.at} />
                  {e.carrier ? <div className="text-sm">{e.carrier} {e.trackingNumber}</div> : null}
                  {e.reason ? <div className="text-sm">{e.reason}</div> : null}
                </li>
              ))}
            </ol>
          </section>
          {order.deliveryLog.length ? (
            <section className="card card--padded stack" aria-labelledby="log-heading">
              <h2 id="log-heading">Delivery to the pharmacy</h2>
              <ol className="stack-sm text-sm">
                {order.deliveryLog.slice(0, 10).map((a) => (
                  <li key={`${a.attempt}-${a.at}`}>
                    Attempt {a.attempt}, <DateTimeText value={a.at} />: {a.outcome === 'delivered' ? 'received' : a.message}
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
