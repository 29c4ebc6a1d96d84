/**
 * The refill-day cart page (`/refill-day`): the clinic's open cart with its findings, the
 * keyboard fast-entry row, inline editing, "switch pharmacy", "ask for renewal" and removal
 * with undo. The
 * components beside this file draw its parts; `~/schemas/refill-day` is what the action accepts.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { Button, ButtonLink } from '~/components/button';
import { EmptyState } from '~/components/empty-state';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { formatMoney } from '~/lib/format';
import type { FormErrors } from '~/lib/forms';
import { formAction, readForm } from '~/http/forms.server';
import { refillDayActionSchema } from '~/schemas/refill-day';
import { requireUser } from '~/services/identity/auth.server';
import {
  addCartLines,
  applyOptimization,
  loadCartView,
  proposalJson,
  proposeOptimization,
  removeCartLine,
  setLinePinned,
  signOffLines,
  switchOffer,
  undoableOptimization,
  undoOptimization,
  undoRemoveCartLine,
  updateCartLine,
} from '~/services/cart/index.server';
import { listPrescribers, principalToday } from '~/services/records/index.server';
import { openRenewalsFor, requestRenewals } from '~/services/records/renewals.server';
import { acknowledgeWarning } from '~/services/validation/validation.server';
import { recordWeight } from '~/services/records/index.server';
import { allowed } from '~/services/identity/permissions';
import { CartTable } from './cart-table';
import { FastEntry } from './fast-entry';
import { useFocusAfterAction } from './focus-after-action';
import { FindingsSummary } from './findings-summary';
import { OptimizePanel } from './optimize-panel';
import { RecentlyRemoved } from './recently-removed';
import { ShipmentTotals } from './shipment-totals';
import { StatusLine } from './status-line';
import type { ActionResult, Editing } from './types';

export const meta: MetaFunction = () => [{ title: 'Refill day — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const [cart, prescribers, today, optimization] = await Promise.all([loadCartView(user), listPrescribers(user), principalToday(user), undoableOptimization(user)]);
  const renewals = await openRenewalsFor(user, cart.lines.flatMap((l) => (l.prescriptionId ? [l.prescriptionId] : [])));
  return json({ cart, prescribers: prescribers.map((p) => ({ id: p.id, name: p.name })), renewals, userName: user.name, today, canSignOff: allowed(user, 'line.signoff'), optimization });
}

/** The fields each form shows next to its inputs; an error on any other field (a hidden one) is said for the whole form. */
const SHOWN_FIELDS: Partial<Record<string, readonly string[]>> = {
  update: ['quantity', 'sig', 'prescriberId', 'shipTo', 'flavor', 'needBy'],
  add: ['patientId', 'offerId', 'quantity', 'sig', 'prescriberId', 'shipTo'],
  'record-weight': ['value', 'unit'],
};

/** Bad input as the page shows it: by field, and on the line or form it came from. */
function badInput(errors: FormErrors): ActionResult {
  const raw = errors.values ?? {};
  const intent = typeof raw.intent === 'string' ? raw.intent : '';
  const lineId = typeof raw.lineId === 'string' ? raw.lineId : undefined;
  const shown = SHOWN_FIELDS[intent] ?? [];
  const hidden = Object.entries(errors.fieldErrors ?? {}).find(([field]) => !shown.includes(field));
  return { intent, ...(lineId !== undefined ? { lineId } : {}), ...errors, ...(hidden ? { formError: hidden[1] } : {}) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(
    async (): Promise<ActionResult> => {
      const input = readForm(form, refillDayActionSchema);
      const { intent } = input;
      const lineId = 'lineId' in input ? input.lineId : undefined;
      switch (input.intent) {
        case 'update': {
          const { intent: _intent, lineId: id, ...fields } = input;
          await updateCartLine(user, id, fields);
          return { intent, lineId, ok: true, message: 'Line saved.' };
        }
        case 'renewal': {
          const [asked] = await requestRenewals(user, [{ prescriptionId: input.prescriptionId, cartLineId: input.lineId }]);
          return { intent, lineId, ok: true, message: `Renewal asked of ${asked!.prescriberName}. The line passes once the prescription is renewed.` };
        }
        case 'switch': {
          const result = await switchOffer(user, input.lineId, { version: input.version, offerId: input.offerId });
          const diff = result.differenceCents;
          return {
            intent,
            lineId,
            ok: true,
            message: `Switched pharmacy: landed cost ${formatMoney(result.landedCostCents)} per vial (${diff === 0 ? 'no change' : `${formatMoney(diff, { signed: true })} per vial`}).`,
          };
        }
        case 'remove': {
          await removeCartLine(user, input.lineId, { version: input.version });
          return { intent, lineId, ok: true, removed: { lineId: input.lineId, label: input.label } };
        }
        case 'undo': {
          await undoRemoveCartLine(user, input.lineId);
          return { intent, lineId, ok: true, message: 'Line put back.' };
        }
        case 'acknowledge': {
          await acknowledgeWarning(user, { lineId: input.lineId, rule: input.rule });
          return { intent, lineId, ok: true, message: 'Warning acknowledged.' };
        }
        case 'record-weight': {
          const weight = await recordWeight(user, input.patientId, { value: input.value, unit: input.unit });
          return { intent, lineId, ok: true, message: `Weight recorded: ${weight.value.weight.kg} kg today.` };
        }
        case 'signoff': {
          await signOffLines(user, [{ lineId: input.lineId, contentHash: input.contentHash }]);
          return { intent, lineId, ok: true, message: 'Line signed off.' };
        }
        case 'add': {
          const { intent: _intent, ...line } = input;
          await addCartLines(user, [{ ...line, source: 'manual' }]);
          return { intent, ok: true, message: 'Line added.' };
        }
        case 'optimize': {
          const { cartVersion, proposal, pharmacyNames, offerPharmacyIds } = await proposeOptimization(user, { maxPharmacies: input.maxPharmacies ?? null });
          return { intent, proposal: { ...proposalJson(proposal), cartVersion, pharmacyNames, offerPharmacyIds, maxPharmacies: input.maxPharmacies ?? null } };
        }
        case 'optimize-apply': {
          const { proposal } = await applyOptimization(user, { version: input.version, maxPharmacies: input.maxPharmacies ?? null, fingerprint: input.fingerprint });
          const moved = proposal.moves.length;
          const saved = proposal.totalBeforeCents - proposal.totalAfterCents;
          return {
            intent,
            ok: true,
            message:
              moved === 0
                ? 'Nothing to move: every line is already where it costs least.'
                : `Optimised: ${moved} ${moved === 1 ? 'line' : 'lines'} moved, cart total ${formatMoney(proposal.totalBeforeCents)} → ${formatMoney(proposal.totalAfterCents)} (${saved >= 0 ? `saved ${formatMoney(saved)}` : `${formatMoney(-saved)} more`}).`,
          };
        }
        case 'optimize-undo': {
          const { restored } = await undoOptimization(user, input.optimizationId);
          return { intent, ok: true, message: `Optimisation undone: ${restored} ${restored === 1 ? 'line is' : 'lines are'} back on ${restored === 1 ? 'its' : 'their'} previous pharmacy.` };
        }
        case 'pin': {
          await setLinePinned(user, input.lineId, input.pinned);
          return { intent, lineId, ok: true, message: input.pinned ? 'Line pinned: "Optimise pharmacies" leaves it where it is.' : 'Line unpinned.' };
        }
      }
    },
    {
      // Service fields of a batch ("lines.0.quantity") land on the single form's field.
      singleLine: true,
      extra: (errors, error): ActionResult => {
        if (!error) return badInput(errors);
        const intent = String(form.get('intent') ?? '');
        const lineId = form.has('lineId') ? String(form.get('lineId')) : undefined;
        if (error.code !== 'conflict') return { intent, lineId };
        // A stale version: the row shows what changed instead of an error message.
        return { intent, lineId, formError: undefined, fieldErrors: undefined, conflict: { message: error.message, current: (error.details?.current as Record<string, unknown>) ?? {} } };
      },
    },
  );
}

export default function RefillDay() {
  const { cart, prescribers, renewals, canSignOff, optimization } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const [params, setParams] = useSearchParams();
  const groupBy = params.get('group') === 'pharmacy' ? 'pharmacy' : 'patient';
  const [editing, setEditing] = useState<Editing>(null);
  const [switching, setSwitching] = useState<string | null>(null);
  const focusSaid = useFocusAfterAction(actionData);

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
      <p className="visually-hidden" aria-live="polite" data-testid="focus-said">
        {focusSaid}
      </p>
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
          <OptimizePanel cart={cart} optimization={optimization} actionData={actionData} />
          <CartTable
            cart={cart}
            groupBy={groupBy}
            prescribers={prescribers}
            renewals={renewals}
            canSignOff={canSignOff}
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
