/** Subtotals per shipment (pharmacy × destination) with fees, and the grand total. */
import { Money } from '~/components/money';
import type { Cart } from './types';

export function ShipmentTotals({ cart }: { cart: Cart }) {
  return (
    <section className="card stack-sm" aria-labelledby="shipments-heading">
      <h2 id="shipments-heading" className="card__header">
        Shipments
      </h2>
      <div className="data-table-wrap" role="region" aria-labelledby="shipments-caption" tabIndex={0}>
        <table className="data-table">
          <caption id="shipments-caption" className="visually-hidden">
            Subtotals per pharmacy and destination
          </caption>
          <thead>
            <tr>
              <th scope="col">Pharmacy</th>
              <th scope="col">Destination</th>
              <th scope="col" className="align-end">
                Vials
              </th>
              <th scope="col" className="align-end">
                Subtotal
              </th>
              <th scope="col" className="align-end">
                Shipping
              </th>
              <th scope="col" className="align-end">
                Cold chain
              </th>
              <th scope="col" className="align-end">
                Platform fee
              </th>
              <th scope="col" className="align-end">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {cart.shipments.map((s) => (
              <tr key={`${s.pharmacyId}|${s.destination}`}>
                <th scope="row">{s.pharmacyName}</th>
                <td>{s.destinationLabel}</td>
                <td className="align-end num">{s.vials}</td>
                <td className="align-end">
                  <Money cents={s.subtotalCents} />
                </td>
                <td className="align-end">
                  <Money cents={s.shippingCents} />
                </td>
                <td className="align-end">
                  <Money cents={s.feesCents} />
                </td>
                <td className="align-end">
                  <Money cents={s.platformFeeCents} />
                </td>
                <td className="align-end">
                  <Money cents={s.totalCents} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={7}>
                Grand total
              </th>
              <td className="align-end">
                <strong>
                  <Money cents={cart.totalCents} />
                </strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
