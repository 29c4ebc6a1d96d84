import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { Fragment, useEffect, useRef, useState } from 'react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { Combobox, type ComboboxHandle } from '~/components/combobox';
import { EmptyState } from '~/components/empty-state';
import { FormField } from '~/components/form-field';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { StatusBadge } from '~/components/status-badge';
import { formatDate, formatDateTime, formatMoney, formatSpecies, humanize } from '~/lib/format';
import { parseFormData, useRemixForm, type FormErrors } from '~/lib/forms';
import { fastEntryFormSchema, lineEditFormSchema } from '~/schemas/cart';
import { requireUser } from '~/services/identity/auth.server';
import {
  addCartLines,
  loadCartView,
  removeCartLine,
  switchOffer,
  undoRemoveCartLine,
  updateCartLine,
} from '~/services/cart/index.server';
import { listPrescribers } from '~/services/records/directory.server';
import { DomainError } from '~/services/platform/errors';
import { acknowledgeWarning } from '~/services/validation/validation.server';

export const meta: MetaFunction = () => [{ title: 'Refill day — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const [cart, prescribers] = await Promise.all([loadCartView(user), listPrescribers(user)]);
  return json({ cart, prescribers: prescribers.map((p) => ({ id: p.id, name: p.name })), userName: user.name });
}

type Conflict = { message: string; current: Record<string, unknown> };
/** What the action answers: which intent, on which line, and how it went. */
type ActionResult = FormErrors & {
  intent: string;
  lineId?: string;
  ok?: boolean;
  message?: string;
  conflict?: Conflict;
  removed?: { lineId: string; label: string };
};

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const lineId = String(form.get('lineId') ?? '');
  const version = Number(form.get('version') ?? 0);
  const answer = (body: ActionResult, status = 200) => json(body, { status });
  try {
    switch (intent) {
      case 'update': {
        const parsed = parseFormData(form, lineEditFormSchema);
        if (!parsed.ok) return answer({ intent, lineId, ...parsed.errors }, 400);
        const { lineId: id, ...fields } = parsed.data;
        await updateCartLine(user, id, fields);
        return answer({ intent, lineId, ok: true, message: 'Line saved.' });
      }
      case 'set-prescriber': {
        await updateCartLine(user, lineId, { version, prescriberId: String(form.get('prescriberId') ?? '') });
        return answer({ intent, lineId, ok: true, message: 'Prescriber changed.' });
      }
      case 'switch': {
        const result = await switchOffer(user, lineId, { version, offerId: String(form.get('offerId') ?? '') });
        const diff = result.differenceCents;
        return answer({
          intent,
          lineId,
          ok: true,
          message: `Switched pharmacy: landed cost ${formatMoney(result.landedCostCents)} per vial (${diff === 0 ? 'no change' : `${formatMoney(diff, { signed: true })} per vial`}).`,
        });
      }
      case 'remove': {
        await removeCartLine(user, lineId, { version });
        return answer({ intent, lineId, ok: true, removed: { lineId, label: String(form.get('label') ?? 'the line') } });
      }
      case 'undo': {
        await undoRemoveCartLine(user, lineId);
        return answer({ intent, lineId, ok: true, message: 'Line put back.' });
      }
      case 'acknowledge': {
        await acknowledgeWarning(user, { lineId, rule: String(form.get('rule') ?? '') });
        return answer({ intent, lineId, ok: true, message: 'Warning acknowledged.' });
      }
      case 'add': {
        const parsed = parseFormData(form, fastEntryFormSchema);
        if (!parsed.ok) return answer({ intent, ...parsed.errors }, 400);
        await addCartLines(user, [{ ...parsed.data, source: 'manual' }]);
        return answer({ intent, ok: true, message: 'Line added.' });
      }
      default:
        return answer({ intent, formError: 'Unknown action.' }, 400);
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === 'conflict') {
      return answer({ intent, lineId, conflict: { message: error.message, current: (error.details?.current as Record<string, unknown>) ?? {} } }, 409);
    }
    // Service fields of a batch ("lines.0.quantity") land on the single form's field.
    const fieldErrors = error.fields ? Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k.replace(/^lines\.\d+\./, ''), v])) : undefined;
    return answer({ intent, lineId, formError: error.message, ...(fieldErrors ? { fieldErrors } : {}) }, error.code === 'not_found' ? 404 : 400);
  }
}

type Prescriber = { id: string; name: string };
type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Line = LoaderData['cart']['lines'][number];
type Shipment = LoaderData['cart']['shipments'][number];

export default function RefillDay() {
  const { cart, prescribers } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const [params, setParams] = useSearchParams();
  const groupBy = params.get('group') === 'pharmacy' ? 'pharmacy' : 'patient';
  const [editing, setEditing] = useState<{ lineId: string; focusSig?: boolean; missing?: string[] } | null>(null);
  const [switching, setSwitching] = useState<string | null>(null);

  // A saved edit closes its editor; a switch closes the switch panel.
  useEffect(() => {
    if (actionData?.ok && actionData.intent === 'update') setEditing(null);
    if (actionData?.ok && actionData.intent === 'switch') setSwitching(null);
  }, [actionData]);

  const patients = new Set(cart.lines.map((l) => l.patientId)).size;
  const canPay = cart.lines.length > 0 && cart.blockingCount === 0 && cart.warningCount === 0;
  const added = params.get('added');

  return (
    <div className="stack-lg refill-day">
      <PageHeader
        title="Refill day"
        description={`${cart.lines.length} ${cart.lines.length === 1 ? 'line' : 'lines'} · ${patients} ${patients === 1 ? 'patient' : 'patients'} · ${cart.shipments.length} ${cart.shipments.length === 1 ? 'shipment' : 'shipments'} · cart version ${cart.version}`}
        actions={
          <>
            <ButtonLink to="/refill-day/builder">Add due refills</ButtonLink>
            {canPay ? (
              <ButtonLink to="/refill-day/review" variant="primary">
                Review and pay <Money cents={cart.totalCents} />
              </ButtonLink>
            ) : (
              <span className="button button--primary is-disabled" role="link" aria-disabled="true" aria-describedby="pay-blocked">
                Review and pay
              </span>
            )}
          </>
        }
      />
      <FindingsSummary cart={cart} />
      <StatusLine actionData={actionData} added={added} />
      <FastEntry prescribers={prescribers} actionData={actionData?.intent === 'add' ? actionData : undefined} />

      {cart.lines.length === 0 ? (
        <EmptyState
          title="Your refill-day cart is empty"
          description="Add patients whose supply runs out soon, quickfill from a patient's history, or type a line above."
          action={<ButtonLink to="/refill-day/builder" variant="primary">Add due refills</ButtonLink>}
        />
      ) : (
        <>
          <div className="toolbar" role="group" aria-label="Group lines">
            <span className="text-sm muted">Group by</span>
            <Button
              size="sm"
              variant={groupBy === 'patient' ? 'primary' : 'secondary'}
              aria-pressed={groupBy === 'patient'}
              onClick={() => setParams((p) => (p.delete('group'), p), { replace: true, preventScrollReset: true })}
            >
              Patient
            </Button>
            <Button
              size="sm"
              variant={groupBy === 'pharmacy' ? 'primary' : 'secondary'}
              aria-pressed={groupBy === 'pharmacy'}
              onClick={() => setParams((p) => (p.set('group', 'pharmacy'), p), { replace: true, preventScrollReset: true })}
            >
              Pharmacy / shipment
            </Button>
            <span className="toolbar__spacer" />
            <RecentlyRemoved cart={cart} />
          </div>
          <CartTable
            cart={cart}
            groupBy={groupBy}
            prescribers={prescribers}
            editing={editing}
            setEditing={setEditing}
            switching={switching}
            setSwitching={setSwitching}
            actionData={actionData}
          />
          <ShipmentTotals cart={cart} />
        </>
      )}
    </div>
  );
}

function FindingsSummary({ cart }: { cart: LoaderData['cart'] }) {
  const tone = cart.blockingCount > 0 ? 'danger' : cart.warningCount > 0 ? 'warning' : 'success';
  return (
    <section className={`card card--padded findings-summary findings-summary--${tone}`} aria-labelledby="findings-heading">
      <h2 id="findings-heading" className="visually-hidden">
        Checks
      </h2>
      <p id="pay-blocked" role="status">
        {cart.lines.length === 0 ? (
          'Add lines to check them before paying.'
        ) : cart.blockingCount === 0 && cart.warningCount === 0 ? (
          <strong>Every line passes its checks. Ready to review and pay.</strong>
        ) : (
          <>
            <strong>
              {cart.blockingCount} {cart.blockingCount === 1 ? 'error blocks' : 'errors block'} checkout
            </strong>
            {' · '}
            <strong>
              {cart.warningCount} {cart.warningCount === 1 ? 'warning' : 'warnings'} to acknowledge
            </strong>
            . Fix each error and acknowledge each warning on its line to review and pay.
          </>
        )}
      </p>
    </section>
  );
}

function StatusLine({ actionData, added }: { actionData: ActionResult | undefined; added: string | null }) {
  const navigation = useNavigation();
  if (actionData?.removed) {
    return (
      <div className="toast toast--info cart-undo" role="status">
        <p className="toast__text">Removed {actionData.removed.label}.</p>
        <Form method="post" replace preventScrollReset>
          <input type="hidden" name="intent" value="undo" />
          <input type="hidden" name="lineId" value={actionData.removed.lineId} />
          <Button size="sm" loading={navigation.state === 'submitting'}>
            Undo remove
          </Button>
        </Form>
      </div>
    );
  }
  const text = actionData?.ok ? actionData.message : actionData?.formError && !actionData.lineId && actionData.intent !== 'add' ? actionData.formError : null;
  const message = text ?? (added ? `Added ${added} ${added === '1' ? 'line' : 'lines'} from the due list.` : null);
  return (
    <div role="status" aria-live="polite" className={message ? 'toast toast--success' : 'visually-hidden'}>
      {message ? <p className="toast__text">{message}</p> : null}
    </div>
  );
}

function RecentlyRemoved({ cart }: { cart: LoaderData['cart'] }) {
  if (cart.recentlyRemoved.length === 0) return null;
  return (
    <details className="recently-removed">
      <summary>Recently removed ({cart.recentlyRemoved.length})</summary>
      <ul className="stack-sm">
        {cart.recentlyRemoved.map((r) => (
          <li key={r.id} className="cluster">
            <span>
              {r.patientName} · {r.medicationName}
            </span>
            <Form method="post" replace preventScrollReset>
              <input type="hidden" name="intent" value="undo" />
              <input type="hidden" name="lineId" value={r.id} />
              <Button size="sm" variant="ghost">
                Undo remove
              </Button>
            </Form>
          </li>
        ))}
      </ul>
    </details>
  );
}

const COLUMNS = ['Patient', 'Medication · pharmacy', 'Qty', 'SIG', 'Prescriber', 'Ship to', 'Flavor', 'Need by', 'Unit', 'Landed / vial', 'Line total', 'Findings', 'Actions'];

function CartTable(props: {
  cart: LoaderData['cart'];
  groupBy: 'patient' | 'pharmacy';
  prescribers: Prescriber[];
  editing: { lineId: string; focusSig?: boolean; missing?: string[] } | null;
  setEditing: (e: { lineId: string; focusSig?: boolean; missing?: string[] } | null) => void;
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
                <LineRow line={line} {...props} />
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
                <td colSpan={2} />
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
            <td colSpan={2} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function LineRow({
  line,
  prescribers,
  setEditing,
  setSwitching,
  actionData,
}: {
  line: Line;
  prescribers: Prescriber[];
  setEditing: (e: { lineId: string; focusSig?: boolean; missing?: string[] } | null) => void;
  setSwitching: (id: string | null) => void;
  actionData: ActionResult | undefined;
}) {
  const hasError = line.findings.some((f) => f.severity === 'error');
  const label = `${line.patientName}'s ${line.medicationName}`;
  const rowError = actionData?.lineId === line.id && actionData.intent !== 'update' ? (actionData.conflict?.message ?? actionData.formError) : undefined;
  return (
    <tr className={hasError ? 'cart-line cart-line--error' : 'cart-line'} data-line-id={line.id}>
      <th scope="row">
        <span className="nowrap">{line.patientName}</span>
        <br />
        <span className="text-sm muted">{line.ownerName}</span>
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
        <Findings line={line} prescribers={prescribers} onEditSig={(missing) => setEditing({ lineId: line.id, focusSig: true, missing })} />
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

function Findings({ line, prescribers, onEditSig }: { line: Line; prescribers: Prescriber[]; onEditSig: (missing: string[]) => void }) {
  if (line.findings.length === 0) return <span className="text-sm muted">No findings</span>;
  return (
    <ul className="findings">
      {line.findings.map((f, i) => (
        <li key={`${f.rule}-${i}`} className={`finding finding--${f.severity}`}>
          <StatusBadge kind="severity" code={f.severity} /> <span>{f.message}</span>
          {f.hint ? <span className="text-sm muted"> {f.hint}</span> : null}
          <div className="cluster">
            {f.fix?.kind === 'switch_offer' ? (
              <LineButton line={line} intent="switch" fields={{ offerId: f.fix.offerId }}>
                Switch to {f.fix.pharmacyName}
              </LineButton>
            ) : null}
            {f.fix?.kind === 'switch_prescriber' && prescribers.some((p) => p.id === (f.fix as { prescriberId: string }).prescriberId) ? (
              <LineButton line={line} intent="set-prescriber" fields={{ prescriberId: f.fix.prescriberId }}>
                Use {f.fix.name}
              </LineButton>
            ) : null}
            {f.fix?.kind === 'edit_sig' ? (
              <Button size="sm" onClick={() => onEditSig((f.fix as { missing: string[] }).missing)}>
                Edit SIG
              </Button>
            ) : null}
            {f.severity === 'warning' && !f.acknowledged ? (
              <LineButton line={line} intent="acknowledge" fields={{ rule: f.rule }}>
                Acknowledge
              </LineButton>
            ) : null}
            {f.acknowledged ? (
              <span className="text-sm">
                Acknowledged{f.acknowledgedBy ? ` by ${f.acknowledgedBy}` : ''}
                {f.acknowledgedAt ? `, ${formatDateTime(f.acknowledgedAt)}` : ''}
              </span>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

function LineButton({ line, intent, fields, children }: { line: Line; intent: string; fields: Record<string, string>; children: React.ReactNode }) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' && navigation.formData?.get('lineId') === line.id && navigation.formData?.get('intent') === intent;
  return (
    <Form method="post" replace preventScrollReset>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="lineId" value={line.id} />
      <input type="hidden" name="version" value={line.version} />
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Button size="sm" loading={busy}>
        {children}
      </Button>
    </Form>
  );
}

function LineEditor({
  line,
  prescribers,
  focusSig,
  missing,
  actionData,
  onCancel,
}: {
  line: Line;
  prescribers: Prescriber[];
  focusSig: boolean;
  missing: string[];
  actionData: ActionResult | undefined;
  onCancel: () => void;
}) {
  const navigation = useNavigation();
  const form = useRemixForm(lineEditFormSchema, {
    defaultValues: {
      lineId: line.id,
      version: line.version,
      quantity: line.quantity,
      sig: line.sig,
      prescriberId: line.prescriberId,
      shipTo: line.shipTo,
      flavor: line.flavor ?? '',
      needBy: line.needBy ?? '',
    },
    actionData,
  });
  const { register, errorOf, setFocus, reset } = form;
  useEffect(() => {
    setFocus(focusSig ? 'sig' : 'quantity');
  }, [focusSig, setFocus]);
  const conflict = actionData?.conflict;
  const current = conflict?.current as (Partial<Line> & { removed?: boolean; prescriberName?: string }) | undefined;
  const busy = navigation.state === 'submitting' && navigation.formData?.get('lineId') === line.id;
  return (
    <Form method="post" replace preventScrollReset onSubmit={form.onSubmit} className="stack-sm line-editor" aria-label={`Edit ${line.patientName}'s ${line.medicationName}`}>
      <input type="hidden" name="intent" value="update" />
      <input type="hidden" {...register('lineId')} />
      <input type="hidden" {...register('version')} />
      {conflict ? (
        <div className="form-error" role="alert">
          <p>
            <strong>{conflict.message}</strong>
          </p>
          {current && !current.removed ? (
            <p>
              Now: {current.quantity} vials · “{current.sig}” · {current.prescriberName} · ship to {current.shipTo} ({current.shipState})
              {current.needBy ? ` · need by ${formatDate(current.needBy)}` : ''}
              {current.flavor ? ` · ${current.flavor}` : ''}.
            </p>
          ) : null}
          {current && !current.removed ? (
            <Button
              type="button"
              size="sm"
              onClick={() =>
                reset({
                  lineId: line.id,
                  version: current.version ?? line.version,
                  quantity: current.quantity ?? line.quantity,
                  sig: current.sig ?? line.sig,
                  prescriberId: current.prescriberId ?? line.prescriberId,
                  shipTo: current.shipTo ?? line.shipTo,
                  flavor: current.flavor ?? '',
                  needBy: current.needBy ?? '',
                })
              }
            >
              Start again from the current values
            </Button>
          ) : null}
        </div>
      ) : actionData?.formError ? (
        <p className="form-error" role="alert">
          {actionData.formError}
        </p>
      ) : null}
      <div className="cluster line-editor__fields">
        <FormField label="Quantity (vials)" type="number" min={1} max={10000} inputMode="numeric" error={errorOf('quantity')} {...register('quantity')} />
        <FormField
          label="SIG"
          className="line-editor__sig"
          hint={missing.length ? <span className="sig-missing">Missing: {missing.join(', ')}</span> : 'Dose, route, frequency, and duration.'}
          error={errorOf('sig')}
          {...register('sig')}
        />
        <FormField label="Prescriber" as="select" error={errorOf('prescriberId')} {...register('prescriberId')}>
          {prescribers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </FormField>
        <FormField label="Ship to" as="select" error={errorOf('shipTo')} {...register('shipTo')}>
          <option value="clinic">Clinic</option>
          <option value="owner">Owner ({line.ownerState ?? 'no address'})</option>
        </FormField>
        <FormField label="Flavor" as="select" error={errorOf('flavor')} disabled={line.flavors.length === 0} {...register('flavor')}>
          <option value="">{line.flavors.length ? 'No flavor' : 'Unflavored only'}</option>
          {line.flavors.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </FormField>
        <FormField label="Need by" type="date" error={errorOf('needBy')} {...register('needBy')} />
      </div>
      <div className="cluster">
        <Button variant="primary" loading={busy}>
          Save line
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}

type Alternative = {
  offerId: string;
  pharmacyName: string;
  packageDescription: string;
  unitPriceCents: number;
  landedCostCents: number;
  differenceCents: number;
  freeStock: number;
  turnaroundDays: number;
  shipsToState: boolean;
  current: boolean;
};

function SwitchPanel({ line, onClose }: { line: Line; onClose: () => void }) {
  const fetcher = useFetcher<{ alternatives: Alternative[] }>();
  const { load } = fetcher;
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    load(`/refill-day/alternatives?lineId=${line.id}`);
    closeRef.current?.focus();
  }, [load, line.id]);
  const alternatives = fetcher.data?.alternatives;
  return (
    <section className="stack-sm switch-panel" aria-label={`Switch pharmacy for ${line.patientName}'s ${line.medicationName}`}>
      <div className="split">
        <h3>Other pharmacies for {line.medicationName}</h3>
        <Button ref={closeRef} size="sm" variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      {!alternatives ? (
        <p aria-busy="true">Pricing the other pharmacies…</p>
      ) : alternatives.length <= 1 ? (
        <p>No other pharmacy offers this medication now.</p>
      ) : (
        <ul className="stack-sm">
          {alternatives.map((a) => (
            <li key={a.offerId} className="cluster">
              <span>
                <strong>{a.pharmacyName}</strong> · {a.packageDescription} · <Money cents={a.landedCostCents} /> per vial landed{' '}
                {a.current ? (
                  <Badge tone="info">Current</Badge>
                ) : (
                  <span className={a.differenceCents < 0 ? 'text-success' : a.differenceCents > 0 ? 'text-danger' : undefined}>
                    ({a.differenceCents === 0 ? 'same' : `${formatMoney(a.differenceCents, { signed: true })} per vial`})
                  </span>
                )}{' '}
                · {a.freeStock} in stock · {a.turnaroundDays} days
                {!a.shipsToState ? <Badge tone="danger">Cannot ship to {line.shipState}</Badge> : null}
              </span>
              {!a.current ? (
                <LineButton line={line} intent="switch" fields={{ offerId: a.offerId }}>
                  Switch to {a.pharmacyName}
                </LineButton>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ShipmentTotals({ cart }: { cart: LoaderData['cart'] }) {
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

type OfferOption = {
  offerId: string;
  medicationName: string;
  pharmacyName: string;
  packageDescription: string;
  landedCostCents: number;
  freeStock: number;
  controlledSchedule: string | null;
  prescription: { id: string; sig: string; prescriberId: string; quantity: number } | null;
};
type PatientOption = { id: string; name: string; species: string; clientName: string };

/**
 * The keyboard-only "add line" row: patient, then medication (the patient's prescriptions
 * first; picking one fills SIG, prescriber and quantity), quantity, SIG, prescriber, ship to,
 * Enter to add. After adding, focus returns to the patient field for the next line.
 */
function FastEntry({ prescribers, actionData }: { prescribers: Prescriber[]; actionData: ActionResult | undefined }) {
  const navigation = useNavigation();
  const patientRef = useRef<ComboboxHandle>(null);
  const offerRef = useRef<ComboboxHandle>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [patient, setPatient] = useState<PatientOption | null>(null);
  const [offer, setOffer] = useState<OfferOption | null>(null);
  const [quantity, setQuantity] = useState('1');
  const [sig, setSig] = useState('');
  const [prescriberId, setPrescriberId] = useState(prescribers[0]?.id ?? '');
  const [shipTo, setShipTo] = useState<'clinic' | 'owner'>('clinic');
  const submitting = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'add';
  const errors = actionData?.fieldErrors ?? {};

  useEffect(() => {
    if (actionData?.ok) {
      patientRef.current?.reset();
      offerRef.current?.reset();
      setPatient(null);
      setOffer(null);
      setQuantity('1');
      setSig('');
      setShipTo('clinic');
      patientRef.current?.focus();
    }
  }, [actionData]);

  return (
    <section className="card card--padded stack-sm" aria-labelledby="fast-entry-heading">
      <h2 id="fast-entry-heading">Add a line</h2>
      <Form method="post" replace preventScrollReset ref={formRef} className="fast-entry" aria-describedby={actionData?.formError ? 'fast-entry-error' : undefined}>
        <input type="hidden" name="intent" value="add" />
        <input type="hidden" name="patientId" value={patient?.id ?? ''} />
        <input type="hidden" name="offerId" value={offer?.offerId ?? ''} />
        <input type="hidden" name="prescriptionId" value={offer?.prescription?.id ?? ''} />
        <Combobox<PatientOption>
          ref={patientRef}
          label="Patient"
          placeholder="Pet or owner name"
          source={(q) => `/refill-day/search-patients?q=${encodeURIComponent(q)}`}
          getKey={(p) => p.id}
          getText={(p) => `${p.name} (${p.clientName})`}
          renderOption={(p) => (
            <>
              <strong>{p.name}</strong> <span className="muted">{formatSpecies(p.species)} · {p.clientName}</span>
            </>
          )}
          onSelect={(p) => {
            setPatient(p);
            setTimeout(() => offerRef.current?.focus(), 0);
          }}
          onClear={() => setPatient(null)}
          error={errors.patientId}
        />
        <Combobox<OfferOption>
          ref={offerRef}
          label="Medication"
          placeholder={patient ? `${patient.name}'s prescriptions, or type` : 'Medication or pharmacy'}
          openOnFocus={!!patient}
          source={(q) => `/refill-day/search-offers?q=${encodeURIComponent(q)}${patient ? `&patientId=${patient.id}` : ''}`}
          getKey={(o) => o.offerId}
          getText={(o) => `${o.medicationName} — ${o.pharmacyName}`}
          renderOption={(o) => (
            <>
              <strong>{o.medicationName}</strong> {o.prescription ? <Badge tone="info">Prescribed</Badge> : null}
              <br />
              <span className="text-sm muted">
                {o.pharmacyName} · {o.packageDescription} · {formatMoney(o.landedCostCents)}/vial landed · {o.freeStock} in stock
              </span>
            </>
          )}
          onSelect={(o) => {
            setOffer(o);
            if (o.prescription) {
              setSig(o.prescription.sig);
              setPrescriberId(o.prescription.prescriberId);
              setQuantity(String(o.prescription.quantity || 1));
            }
          }}
          onClear={() => setOffer(null)}
          error={errors.offerId}
        />
        <FormField label="Qty" name="quantity" type="number" min={1} max={10000} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} error={errors.quantity} className="fast-entry__qty" />
        <FormField label="SIG" name="sig" value={sig} onChange={(e) => setSig(e.target.value)} error={errors.sig} className="fast-entry__sig" hint={offer?.prescription ? 'From the active prescription' : undefined} />
        <FormField label="Prescriber" name="prescriberId" as="select" value={prescriberId} onChange={(e) => setPrescriberId(e.target.value)} error={errors.prescriberId}>
          {prescribers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </FormField>
        <FormField label="Ship to" name="shipTo" as="select" value={shipTo} onChange={(e) => setShipTo(e.target.value as 'clinic' | 'owner')} error={errors.shipTo}>
          <option value="clinic">Clinic</option>
          <option value="owner">Owner</option>
        </FormField>
        <Button variant="primary" loading={submitting} className="fast-entry__add">
          Add line
        </Button>
      </Form>
      {actionData?.formError ? (
        <p className="form-error" role="alert" id="fast-entry-error">
          {actionData.formError}
        </p>
      ) : null}
    </section>
  );
}
