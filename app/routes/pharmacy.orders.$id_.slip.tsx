import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ButtonLink } from '~/components/button';
import { DateText } from '~/components/date';
import { formatSpecies } from '~/lib/format';
import { shipmentsOf } from '~/lib/shipments';
import { requireUser } from '~/services/identity/auth.server';
import { getPharmacyName } from '~/services/records/clinics.server';
import { orNotFoundPage } from '~/http/forms.server';
import { getPharmacyOrder } from '~/services/orders/index.server';

export const meta: MetaFunction = () => [{ title: 'Packing slip — vialcart pharmacy portal' }];

// A packing slip per shipment (the lines going to one destination), laid out for paper: the
// shell's navigation and the buttons disappear when printed.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'pharmacy' });
  const order = await getPharmacyOrder(user, params.id ?? '').catch(orNotFoundPage('Order not found'));
  const shipments = shipmentsOf(order.lines);
  const n = Number(new URL(request.url).searchParams.get('shipment') ?? '1');
  const shipment = Number.isInteger(n) ? shipments[n - 1] : undefined;
  if (!shipment) throw new Response(`This order has ${shipments.length} shipment(s).`, { status: 404 });
  return json({ order: { id: order.id, clinic: order.clinic, createdAt: order.createdAt }, shipment, number: n, of: shipments.length, pharmacyName: await getPharmacyName(user.pharmacyId!) });
}

export default function PackingSlip() {
  const { order, shipment, number, of, pharmacyName } = useLoaderData<typeof loader>();
  const to = shipment.shipTo;
  return (
    <article className="stack-lg packing-slip">
      <div className="split no-print">
        <ButtonLink to={`/pharmacy/orders/${order.id}`}>Back to the order</ButtonLink>
        <button type="button" className="button button--primary" onClick={() => window.print()}>
          Print
        </button>
      </div>
      <header className="stack-sm">
        <h1>Packing slip</h1>
        <p>
          {pharmacyName} · order <span className="mono">{order.id}</span> · shipment {number} of {of} · ordered <DateText value={order.createdAt} />
        </p>
      </header>
      <section className="stack-sm" aria-labelledby="ship-to">
        <h2 id="ship-to">Ship to</h2>
        {to ? (
          <address>
            {to.name}
            {to.kind === 'clinic' && to.attention ? <><br />Attn. {to.attention}</> : null}
            <br />
            {to.address.line1}
            {to.address.line2 ? <><br />{to.address.line2}</> : null}
            <br />
            {to.address.city}, {to.address.state} {to.address.postalCode}
          </address>
        ) : null}
        <p className="text-sm">Ordered by {order.clinic?.name}{order.clinic?.phone ? `, ${order.clinic.phone}` : ''}</p>
      </section>
      <table className="data-table">
        <caption>Contents</caption>
        <thead>
          <tr>
            <th scope="col">Patient</th>
            <th scope="col">Medication</th>
            <th scope="col" className="align-end">Qty</th>
            <th scope="col">Directions</th>
            <th scope="col">Prescriber</th>
          </tr>
        </thead>
        <tbody>
          {shipment.lines.map((l) => (
            <tr key={l.id}>
              <th scope="row">
                {l.patient?.name} ({formatSpecies(l.patient?.species)})<div className="text-sm">Owner {l.patient?.owner.name}</div>
              </th>
              <td>
                {l.medicationName} {l.strength} {l.form}
                {l.flavor ? `, ${l.flavor}` : ''} <span className="mono text-sm">{l.product.sku}</span>
                {l.deaSchedule ? <div className="text-sm">C-{l.deaSchedule}</div> : null}
              </td>
              <td className="align-end">{l.quantity.value}</td>
              <td>{l.sig}</td>
              <td>{l.prescriber?.name}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {shipment.lines.some((l) => l.signatureRequired) ? <p><strong>Signature required on delivery.</strong></p> : null}
    </article>
  );
}
