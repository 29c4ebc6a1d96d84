/** The cart's lines in one table, grouped by patient or by shipment (pharmacy × destination), with their editors and switch panels inline. */
import { Link } from '@remix-run/react';
import { Fragment } from 'react';
import { Money } from '~/components/money';
import { formatSpecies } from '~/lib/format';
import { LineEditor } from './line-editor';
import { LineRow } from './line-row';
import { SwitchPanel } from './switch-panel';
import type { ActionResult, Cart, Editing, Line, Prescriber, Renewals, Shipment } from './types';

// Findings and actions are not columns: each line's second row holds them at full width.
const COLUMNS = ['Patient', 'Medication · pharmacy', 'Qty', 'SIG', 'Prescriber', 'Ship to', 'Flavor', 'Need by', 'Unit', 'Landed / vial', 'Line total'];

export function CartTable(props: {
  cart: Cart;
  groupBy: 'patient' | 'pharmacy';
  prescribers: Prescriber[];
  renewals: Renewals;
  /** Whether the signed-in user may sign lines off (a veterinarian; docs/roles.md). */
  canSignOff: boolean;
  editing: Editing;
  setEditing: (e: Editing) => void;
  switching: string | null;
  setSwitching: (id: string | null) => void;
  actionData: ActionResult | undefined;
}) {
  const { cart, groupBy } = props;
  const groups: { key: string; header: React.ReactNode; lines: Line[]; shipment?: Shipment }[] = [];
  if (groupBy === 'patient') {
    const byPatient = new Map<string, Line[]>();
    for (const l of cart.lines) byPatient.set(l.patientId, [...(byPatient.get(l.patientId) ?? []), l]);
    for (const [patientId, lines] of byPatient) {
      const first = lines[0]!;
      groups.push({
        key: patientId,
        lines,
        header: (
          <>
            <Link to={`/patients/${patientId}`}>{first.patientName}</Link> <span className="muted">({formatSpecies(first.species)}) · owner {first.ownerName}</span>
          </>
        ),
      });
    }
  } else {
    const byId = new Map(cart.lines.map((l) => [l.id, l]));
    for (const s of cart.shipments) {
      groups.push({
        key: `${s.pharmacyId}|${s.destination}`,
        lines: s.lineIds.map((id) => byId.get(id)!),
        shipment: s,
        header: (
          <>
            {s.pharmacyName} → {s.destinationLabel}
          </>
        ),
      });
    }
  }
  return (
    <div className="data-table-wrap" role="region" aria-labelledby="cart-caption" tabIndex={0} style={{ '--table-max-height': 'none' } as React.CSSProperties}>
      <table className="data-table data-table--compact cart-table">
        <caption id="cart-caption" className="visually-hidden">
          Cart lines grouped by {groupBy === 'patient' ? 'patient' : 'pharmacy and destination'}
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" className={['Qty', 'Unit', 'Landed / vial', 'Line total'].includes(c) ? 'align-end' : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((g) => (
          <tbody key={g.key}>
            <tr className="data-table__group">
              <th colSpan={COLUMNS.length} scope="rowgroup">
                {g.header}
              </th>
            </tr>
            {g.lines.map((line) => (
              <Fragment key={line.id}>
                <LineRow line={line} {...props} columns={COLUMNS.length} />
                {props.editing?.lineId === line.id ? (
                  <tr className="cart-table__detail">
                    <td colSpan={COLUMNS.length}>
                      <LineEditor
                        key={`${line.id}:${line.version}`}
                        line={line}
                        prescribers={props.prescribers}
                        focusSig={props.editing.focusSig ?? false}
                        missing={props.editing.missing ?? []}
                        actionData={props.actionData?.lineId === line.id && props.actionData.intent === 'update' ? props.actionData : undefined}
                        onCancel={() => props.setEditing(null)}
                      />
                    </td>
                  </tr>
                ) : null}
                {props.switching === line.id ? (
                  <tr className="cart-table__detail">
                    <td colSpan={COLUMNS.length}>
                      <SwitchPanel line={line} onClose={() => props.setSwitching(null)} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
            {g.shipment ? (
              <tr className="data-table__group-footer">
                <th scope="row" colSpan={8}>
                  Shipment: {g.shipment.vials} vials · subtotal <Money cents={g.shipment.subtotalCents} /> · shipping <Money cents={g.shipment.shippingCents} /> · cold chain{' '}
                  <Money cents={g.shipment.feesCents} /> · platform fee <Money cents={g.shipment.platformFeeCents} />
                </th>
                <td colSpan={2} />
                <td className="align-end">
                  <strong>
                    <Money cents={g.shipment.totalCents} />
                  </strong>
                </td>
              </tr>
            ) : null}
          </tbody>
        ))}
        <tfoot>
          <tr>
            <th scope="row" colSpan={10}>
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
  );
}
