import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { DataTable } from '~/components/data-table';
import { DateText } from '~/components/date';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { TimeZoneProvider } from '~/components/time-zone';
import { requireUser } from '~/services/identity/auth.server';
import { getInvoice } from '~/services/checkout/index.server';
import { orNotFoundPage } from '~/http/forms.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.checkout.invoiceNumber ?? 'Receipt'} — vialcart` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const invoice = await getInvoice(user, params.id ?? '').catch(orNotFoundPage('Not found'));
  return json(invoice);
}

export default function InvoicePage() {
  const { checkout, clinic, orders, credits, platformFeeCents } = useLoaderData<typeof loader>();
  const isInvoice = checkout.provider === 'invoice';
  const credited = credits.filter((c) => c.status === 'succeeded').reduce((s, c) => s + c.amountCents, 0);
  const pharmacyName = new Map(orders.map((o) => [o.id, o.pharmacyName]));
  return (
    <TimeZoneProvider timeZone={clinic.timezone}>
      <div className="stack stack-lg">
        <PageHeader
          title={isInvoice ? `Invoice ${checkout.invoiceNumber ?? ''}` : 'Receipt'}
          meta={<Badge tone={checkout.status === 'split' ? 'success' : 'neutral'}>{checkout.status === 'split' ? (isInvoice ? 'On account' : 'Paid') : checkout.status}</Badge>}
          description={
            <>
              Issued <DateText value={checkout.paidAt ?? checkout.createdAt} />
              {isInvoice ? (
                <>
                  {' '}
                  · due <DateText value={checkout.dueOn} /> ({clinic.paymentTermsDays} days)
                </>
              ) : null}
            </>
          }
          actions={
            <button type="button" className="button button--secondary no-print" onClick={() => window.print()}>
              Print
            </button>
          }
        />

        <section className="grid" style={{ ['--grid-min' as string]: '16rem' }}>
          <div className="stack stack-sm">
            <h2 className="text-sm muted">Billed to</h2>
            <address>
              <strong>{clinic.name}</strong>
              <br />
              {clinic.addressLine1}
              {clinic.addressLine2 ? (
                <>
                  <br />
                  {clinic.addressLine2}
                </>
              ) : null}
              <br />
              {clinic.city}, {clinic.state} {clinic.postalCode}
              {clinic.email ? (
                <>
                  <br />
                  {clinic.email}
                </>
              ) : null}
            </address>
          </div>
          <div className="stack stack-sm">
            <h2 className="text-sm muted">From</h2>
            <p>
              <strong>vialcart</strong>, on behalf of the partner pharmacies below. vialcart pays each pharmacy its order total less the platform fee.
            </p>
          </div>
        </section>

        <DataTable
          caption="Orders, one per pharmacy"
          maxHeight="none"
          getRowKey={(o) => o.id}
          rows={orders}
          columns={[
            { key: 'pharmacyName', header: 'Pharmacy', rowHeader: true, cell: (o) => <Link to={`/orders/${o.id}`}>{o.pharmacyName}</Link> },
            { key: 'status', header: 'Status', cell: (o) => <StatusBadge kind="order" code={o.status} /> },
            { key: 'vials', header: 'Vials', align: 'end', cell: (o) => o.vials },
            { key: 'subtotalCents', header: 'Medications', align: 'end', cell: (o) => <Money cents={o.subtotalCents} /> },
            { key: 'shippingCents', header: 'Shipping', align: 'end', cell: (o) => <Money cents={o.shippingCents} /> },
            { key: 'feesCents', header: 'Cold-chain fee', align: 'end', cell: (o) => <Money cents={o.feesCents} /> },
            { key: 'platformFeeCents', header: 'Platform fee', align: 'end', cell: (o) => <Money cents={o.platformFeeCents} /> },
            { key: 'totalCents', header: 'Total', align: 'end', cell: (o) => <Money cents={o.totalCents} /> },
            { key: 'payableCents', header: 'Payable to pharmacy', align: 'end', cell: (o) => <Money cents={o.payableCents} /> },
          ]}
          footer={
            <>
              <tr>
                <th scope="row">Total</th>
                <td colSpan={5} />
                <td className="align-end">
                  <Money cents={platformFeeCents} />
                </td>
                <td className="align-end">
                  <strong>
                    <Money cents={checkout.amountCents} />
                  </strong>
                </td>
                <td className="align-end">
                  <Money cents={orders.reduce((s, o) => s + o.payableCents, 0)} />
                </td>
              </tr>
              {credited > 0 ? (
                <>
                  <tr>
                    <th scope="row">Credits for rejected or cancelled orders</th>
                    <td colSpan={6} />
                    <td className="align-end">
                      <Money cents={-credited} signed />
                    </td>
                    <td />
                  </tr>
                  <tr>
                    <th scope="row">Balance due</th>
                    <td colSpan={6} />
                    <td className="align-end">
                      <strong>
                        <Money cents={checkout.amountCents - credited} />
                      </strong>
                    </td>
                    <td />
                  </tr>
                </>
              ) : null}
            </>
          }
        />

        <DataTable
          caption="Lines"
          maxHeight="none"
          compact
          getRowKey={(l) => l.id}
          rows={orders.flatMap((o) => o.lines)}
          groupBy={(l) => l.orderId}
          groupHeader={(g) => pharmacyName.get(g.key) ?? g.key}
          columns={[
            { key: 'patientName', header: 'Patient', rowHeader: true, cell: (l) => l.patientName },
            { key: 'medicationName', header: 'Medication', cell: (l) => l.medicationName },
            { key: 'quantity', header: 'Vials', align: 'end', cell: (l) => l.quantity },
            { key: 'unitPriceCents', header: 'Unit price', align: 'end', cell: (l) => <Money cents={l.unitPriceCents} /> },
            { key: 'landedCostCents', header: 'Landed / vial', align: 'end', cell: (l) => <Money cents={l.landedCostCents} /> },
            { key: 'lineTotalCents', header: 'Line total', align: 'end', cell: (l) => <Money cents={l.lineTotalCents} /> },
          ]}
        />
      </div>
    </TimeZoneProvider>
  );
}
