import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateTimeText } from '~/components/date';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { Toaster } from '~/components/toast';
import { requireUser } from '~/services/identity/auth.server';
import { firstError, formAction, readForm } from '~/http/forms.server';
import { deliveryRetryFormSchema } from '~/schemas/orders';
import { listDeliveryProblems, retryOrderDelivery } from '~/services/orders/index.server';

export const meta: MetaFunction = () => [{ title: 'Order deliveries — vialcart admin' }];

// Every clinic's orders that have not reached their pharmacy: those that stopped retrying
// (delivery_failed) and those still retrying, with the last error and "Retry now".
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  return json({ orders: await listDeliveryProblems(user) });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  const form = await request.formData();
  return formAction(
    async () => {
      const { orderId } = readForm(form, deliveryRetryFormSchema);
      await retryOrderDelivery(user, orderId);
      return { ok: true, message: 'Sending the order to its pharmacy again now.' };
    },
    { extra: (errors) => ({ ok: false, message: firstError(errors) }) },
  );
}

export default function AdminDeliveries() {
  const { orders } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  return (
    <>
      <div className="stack-lg">
        <Toaster message={actionData ? { id: `${actionData.message}-${Date.now()}`, text: actionData.message, tone: actionData.ok ? 'success' : 'danger' } : null} />
        <PageHeader title="Order deliveries" description="Orders that have not reached their pharmacy yet, across every clinic." />
        <DataTable
          caption={`Failing or retrying (${orders.length})`}
          rows={orders}
          getRowKey={(o) => o.id}
          empty={<p className="muted">Every order has reached its pharmacy.</p>}
          columns={[
            { key: 'clinicName', header: 'Clinic', rowHeader: true, cell: (o) => o.clinicName },
            { key: 'pharmacyName', header: 'Pharmacy', cell: (o) => `${o.pharmacyName} (${o.connectionKind})` },
            { key: 'createdAt', header: 'Paid', cell: (o) => <DateTimeText value={o.createdAt} /> },
            { key: 'totalCents', header: 'Amount', align: 'end', cell: (o) => <Money cents={o.totalCents} /> },
            { key: 'status', header: 'Status', cell: (o) => <StatusBadge kind="order" code={o.status} /> },
            { key: 'deliveryAttempts', header: 'Attempts', align: 'end', cell: (o) => o.deliveryAttempts },
            { key: 'lastDeliveryError', header: 'Last error', cell: (o) => <span className="text-sm">{o.lastDeliveryError ?? '—'}</span> },
            { key: 'nextDeliveryAt', header: 'Next attempt', cell: (o) => (o.nextDeliveryAt ? <DateTimeText value={o.nextDeliveryAt} /> : '—') },
            {
              key: 'retry',
              header: <span className="visually-hidden">Action</span>,
              cell: (o) => (
                <Form method="post">
                  <input type="hidden" name="orderId" value={o.id} />
                  <Button type="submit" size="sm" loading={busy} aria-label={`Retry now: ${o.clinicName}, ${o.pharmacyName}`}>
                    Retry now
                  </Button>
                </Form>
              ),
            },
          ]}
        />
      </div>
    </>
  );
}
