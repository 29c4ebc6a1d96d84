/**
 * One cart line: what it is, its price and its pin ("Optimise pharmacies" never moves a pinned
 * line), then a full-width row with its findings and its Edit / Switch pharmacy / Remove buttons.
 */
import { Form, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { Money } from '~/components/money';
import { WeightText } from '~/components/weight-text';
import { formatDate, humanize } from '~/lib/format';
import { Findings } from './findings';
import type { ActionResult, Editing, Line, Renewals } from './types';

/**
 * The line's sign-off: who signed its present content, or that it needs a (new) one; a
 * veterinarian sees the content they would sign and a "Sign off" button (docs/signoff.md).
 */
function Signoff({ line, label, canSignOff }: { line: Line; label: string; canSignOff: boolean }) {
  const signoff = line.signoff;
  if (signoff?.current) {
    return (
      <p className="text-sm cart-line__signoff">
        <Badge tone="success">Signed off</Badge> {signoff.name}
      </p>
    );
  }
  const stale = signoff && !signoff.current ? <p className="text-sm cart-line__signoff"><Badge tone="warning">Needs a new sign-off</Badge> changed after {signoff.name} signed it off</p> : null;
  if (!canSignOff) return stale;
  return (
    <>
      {stale}
      <details className="cart-line__signoff-panel">
        <summary>Sign off…</summary>
        <dl className="text-sm">
          <dt>Patient</dt>
          <dd>{line.patientName}</dd>
          <dt>Medication</dt>
          <dd>
            {line.medicationName} · {line.packageDescription} · {line.pharmacyName}
          </dd>
          <dt>Quantity</dt>
          <dd>{line.quantity}</dd>
          <dt>SIG</dt>
          <dd>{line.sig}</dd>
          <dt>Prescriber</dt>
          <dd>{line.prescriberName}</dd>
          <dt>Ship to</dt>
          <dd>
            {line.shipTo === 'clinic' ? 'Clinic' : 'Owner'} ({line.shipState})
          </dd>
        </dl>
        <Form method="post" replace preventScrollReset>
          <input type="hidden" name="intent" value="signoff" />
          <input type="hidden" name="lineId" value={line.id} />
          <input type="hidden" name="contentHash" value={line.contentHash} />
          <Button size="sm" variant="primary" aria-label={`Sign off ${label}`}>
            Sign off
          </Button>
        </Form>
      </details>
    </>
  );
}

export function LineRow({
  line,
  renewals,
  canSignOff,
  setEditing,
  setSwitching,
  actionData,
  columns,
}: {
  line: Line;
  renewals: Renewals;
  canSignOff: boolean;
  setEditing: (e: Editing) => void;
  setSwitching: (id: string | null) => void;
  actionData: ActionResult | undefined;
  /** How many columns the table has: the line's findings and actions row spans them all. */
  columns: number;
}) {
  // The clinic's day from the page's loader: the weight's age is judged against it.
  const { today } = useLoaderData<{ today: string }>();
  const hasError = line.findings.some((f) => f.severity === 'error');
  const label = `${line.patientName}'s ${line.medicationName}`;
  const rowError = actionData?.lineId === line.id && actionData.intent !== 'update' ? (actionData.conflict?.message ?? actionData.formError) : undefined;
  return (
    <>
      <tr className={hasError ? 'cart-line cart-line--error' : 'cart-line'} data-line-id={line.id} data-line-label={label}>
        <th scope="row" tabIndex={-1} className="cart-line__head">
          <span className="nowrap">{line.patientName}</span>
          <br />
          <span className="text-sm muted">{line.ownerName}</span>
          <br />
          <WeightText className="text-sm nowrap" kg={line.weightKg} measuredOn={line.weightMeasuredOn} today={today} />
        </th>
        <td>
          {line.medicationName} {line.controlledSchedule ? <Badge tone="warning">C-{line.controlledSchedule}</Badge> : null}
          <br />
          <span className="text-sm muted">
            {line.pharmacyName} · {line.packageDescription}
          </span>
          <Form method="post" replace preventScrollReset className="cart-line__pin">
            <input type="hidden" name="intent" value="pin" />
            <input type="hidden" name="lineId" value={line.id} />
            <input type="hidden" name="pinned" value={line.optimizerPinned ? '0' : '1'} />
            <Button
              size="sm"
              variant={line.optimizerPinned ? 'secondary' : 'ghost'}
              aria-pressed={line.optimizerPinned}
              aria-label={`Pin ${label} to its pharmacy`}
              title={'"Optimise pharmacies" never moves a pinned line'}
            >
              {line.optimizerPinned ? 'Pinned to this pharmacy' : 'Pin pharmacy'}
            </Button>
          </Form>
          {line.source !== 'manual' ? (
            <>
              {' '}
              <Badge>{humanize(line.source)}</Badge>
            </>
          ) : null}
          {line.returnedReason ? (
            <p className="text-sm cart-line__returned">
              <Badge tone="danger">Returned</Badge> {line.returnedReason}
            </p>
          ) : null}
        </td>
        <td className="align-end num">{line.quantity}</td>
        <td className="cart-line__sig">{line.sig}</td>
        <td>{line.prescriberName}</td>
        <td>
          {line.shipTo === 'clinic' ? 'Clinic' : 'Owner'} ({line.shipState})
        </td>
        <td>{line.flavor ?? (line.flavors.length ? <span className="muted">Choose</span> : <span className="muted">—</span>)}</td>
        <td className="nowrap">{line.needBy ? formatDate(line.needBy) : <span className="muted">—</span>}</td>
        <td className="align-end">
          <Money cents={line.unitPriceCents} />
        </td>
        <td className="align-end">
          <Money cents={line.landedCostCents} />
        </td>
        <td className="align-end">
          <Money cents={line.lineTotalCents} />
        </td>
      </tr>
      {/* Findings and actions take the table's whole width under the line, so nothing is pushed off-screen. */}
      <tr className={hasError ? 'cart-line__more cart-line--error' : 'cart-line__more'} data-line-id={line.id} data-line-label={label}>
        <td colSpan={columns}>
          <div className="cart-line__more-grid">
            <div className="cart-line__findings" aria-label={`Findings for ${label}`} role="group">
              <Findings line={line} renewals={renewals} onEditSig={(missing) => setEditing({ lineId: line.id, focusSig: true, missing })} />
              <Signoff line={line} label={label} canSignOff={canSignOff} />
              {rowError ? (
                <p className="field__error" role="alert">
                  {rowError}
                </p>
              ) : null}
            </div>
            <div className="cluster cart-line__actions">
              <Button size="sm" onClick={() => setEditing({ lineId: line.id })} aria-label={`Edit ${label}`}>
                Edit
              </Button>
              <Button size="sm" onClick={() => setSwitching(line.id)} aria-label={`Switch pharmacy for ${label}`}>
                Switch pharmacy
              </Button>
              <Form method="post" replace preventScrollReset>
                <input type="hidden" name="intent" value="remove" />
                <input type="hidden" name="lineId" value={line.id} />
                <input type="hidden" name="version" value={line.version} />
                <input type="hidden" name="label" value={label} />
                <Button size="sm" variant="danger" aria-label={`Remove ${label}`}>
                  Remove
                </Button>
              </Form>
            </div>
          </div>
        </td>
      </tr>
    </>
  );
}
