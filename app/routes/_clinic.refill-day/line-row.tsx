/** One cart line: what it is, its price, its findings, and its Edit / Switch pharmacy / Remove buttons. */
import { Form, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { Money } from '~/components/money';
import { WeightText } from '~/components/weight-text';
import { formatDate, humanize } from '~/lib/format';
import { Findings } from './findings';
import type { ActionResult, Editing, Line, Renewals } from './types';

export function LineRow({
  line,
  renewals,
  setEditing,
  setSwitching,
  actionData,
}: {
  line: Line;
  renewals: Renewals;
  setEditing: (e: Editing) => void;
  setSwitching: (id: string | null) => void;
  actionData: ActionResult | undefined;
}) {
  // The clinic's day from the page's loader: the weight's age is judged against it.
  const { today } = useLoaderData<{ today: string }>();
  const hasError = line.findings.some((f) => f.severity === 'error');
  const label = `${line.patientName}'s ${line.medicationName}`;
  const rowError = actionData?.lineId === line.id && actionData.intent !== 'update' ? (actionData.conflict?.message ?? actionData.formError) : undefined;
  return (
    <tr className={hasError ? 'cart-line cart-line--error' : 'cart-line'} data-line-id={line.id}>
      <th scope="row">
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
      <td className="cart-line__findings">
        <Findings line={line} renewals={renewals} onEditSig={(missing) => setEditing({ lineId: line.id, focusSig: true, missing })} />
        {rowError ? (
          <p className="field__error" role="alert">
            {rowError}
          </p>
        ) : null}
      </td>
      <td>
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
      </td>
    </tr>
  );
}
