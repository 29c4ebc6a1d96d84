import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateText, DateTimeText } from '~/components/date';
import { Money } from '~/components/money';
import { MoneyLedger } from '~/components/money-ledger';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { checkoutStatusLook } from '~/lib/status';
import { requireUser } from '~/services/identity/auth.server';
import { cancelCheckout, getCheckout } from '~/services/checkout/index.server';
import { formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { cancelCheckoutFormSchema } from '~/schemas/checkout';
import { checkoutLedgerView } from '~/services/payments/index.server';

export const meta: MetaFunction = () => [{ title: 'Payment — vialcart' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const checkout = await getCheckout(user, params.id ?? '').catch(orNotFoundPage('Not found'));
  const url = new URL(request.url);
  const { balances, movements } = await checkoutLedgerView(user, checkout.id);
  return json({ checkout, cancelled: url.searchParams.get('cancelled') === '1', ledger: { balances, movements } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(async () => {
    readForm(form, cancelCheckoutFormSchema);
    await cancelCheckout(user, params.id ?? '');
    return redirect('/refill-day/review');
  });
}


export default function CheckoutPage() {
  const { checkout, cancelled, ledger } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const processing = checkout.status === 'processing';
  const waiting = checkout.status === 'pending' || checkout.status === 'awaiting_payment' || checkout.status === 'paid' || processing;

  // The orders come from Stripe's webhook, never from this page: look again until they are there.
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle' && document.visibilityState === 'visible') revalidator.revalidate();
    }, 3000);
    return () => clearInterval(timer);
  }, [waiting, revalidator]);

  const look = checkoutStatusLook(checkout.status);
  const vials = checkout.orders.reduce((s, o) => s + o.vials, 0);
  return (
    <div className="stack stack-lg">
      <PageHeader
        title={checkout.status === 'split' ? 'Thank you: your refill day is ordered' : 'Payment'}
        meta={<Badge tone={look.tone}>{look.label}</Badge>}
        description={
          <>
            <Money cents={checkout.amountCents} /> {checkout.provider === 'invoice' ? 'on account' : 'by card through Stripe'}, started <DateTimeText value={checkout.createdAt} />.
          </>
        }
        actions={
          checkout.status === 'split' ? (
            <>
              <ButtonLink to="/orders">All orders</ButtonLink>
              {checkout.provider === 'invoice' ? <ButtonLink to={`/invoices/${checkout.id}`}>Invoice</ButtonLink> : null}
            </>
          ) : null
        }
      />

      {actionData?.formError ? (
        <p role="alert" className="form-error">
          {actionData.formError}
        </p>
      ) : null}

      {checkout.status === 'split' ? (
        <>
          {checkout.invoiceNumber ? (
            <p>
              Invoice <strong>{checkout.invoiceNumber}</strong>, due <DateText value={checkout.dueOn} />.{' '}
              <Link to={`/invoices/${checkout.id}`}>Open the printable invoice</Link>
            </p>
          ) : null}
          <DataTable
            caption={`Orders of this payment: one per pharmacy`}
            maxHeight="none"
            getRowKey={(o) => o.id}
            rows={checkout.orders}
            columns={[
              { key: 'pharmacyName', header: 'Pharmacy', rowHeader: true, cell: (o) => <Link to={`/orders/${o.id}`}>{o.pharmacyName}</Link> },
              { key: 'status', header: 'Status', cell: (o) => <StatusBadge kind="order" code={o.status} /> },
              { key: 'lineCount', header: 'Lines', align: 'end', cell: (o) => o.lineCount },
              { key: 'vials', header: 'Vials', align: 'end', cell: (o) => o.vials },
              { key: 'subtotalCents', header: 'Medications', align: 'end', cell: (o) => <Money cents={o.subtotalCents} /> },
              { key: 'fees', header: 'Shipping and fees', align: 'end', cell: (o) => <Money cents={o.shippingCents + o.feesCents} /> },
              { key: 'platformFeeCents', header: 'Platform fee', align: 'end', cell: (o) => <Money cents={o.platformFeeCents} /> },
              { key: 'totalCents', header: 'Total', align: 'end', cell: (o) => <Money cents={o.totalCents} /> },
            ]}
            footer={
              <tr>
                <th scope="row">Total paid</th>
                <td />
                <td className="align-end">{checkout.orders.reduce((s, o) => s + o.lineCount, 0)}</td>
                <td className="align-end">{vials}</td>
                <td colSpan={3} />
                <td className="align-end">
                  <Money cents={checkout.amountCents} />
                </td>
              </tr>
            }
          />
        </>
      ) : null}

      {waiting ? (
        <section className="card card--padded stack stack-sm" aria-labelledby="waiting" aria-live="polite">
          <h2 id="waiting">
            {checkout.status === 'paid' ? 'Payment received' : processing ? 'Your bank payment is processing' : cancelled ? 'You left the payment page' : 'Waiting for the payment'}
          </h2>
          <p>
            {checkout.status === 'paid'
              ? 'Your payment is confirmed; the orders for each pharmacy are being created. This page updates by itself.'
              : processing
                ? 'Your bank has the payment and is processing it, which can take a few days. It can no longer be cancelled, and the cart cannot be paid again meanwhile: when the bank confirms it, the orders are created; if it fails, the stock is released and the cart opens again. This page updates by itself.'
                : 'We create the orders when Stripe confirms the payment. This page updates by itself. The stock stays held for you until the payment page expires.'}
          </p>
          {checkout.status !== 'paid' && !processing ? (
            <div className="cluster">
              {checkout.redirectUrl ? (
                <a className="button button--primary" href={checkout.redirectUrl}>
                  Continue to payment
                </a>
              ) : null}
              <Form method="post">
                <input type="hidden" name="intent" value="cancel" />
                <Button type="submit" loading={navigation.state === 'submitting'}>
                  Cancel and change the cart
                </Button>
              </Form>
            </div>
          ) : null}
        </section>
      ) : null}

      {processing || checkout.status === 'paid' || checkout.status === 'split' ? (
        <section className="card card--padded stack" aria-labelledby="money-heading">
          <h2 id="money-heading">Money</h2>
          <MoneyLedger balances={ledger.balances} movements={ledger.movements} />
        </section>
      ) : null}

      {checkout.status === 'expired' || checkout.status === 'failed' ? (
        <section className="card card--padded stack stack-sm" aria-labelledby="ended">
          <h2 id="ended">Nothing was charged</h2>
          <p>{checkout.failureReason ? `This payment ended: ${checkout.failureReason}.` : 'This payment ended without being paid.'} The stock held for it was released and the cart is open again.</p>
          <p>
            <Link to="/refill-day/review">Review the cart again</Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
