/** The inline editor of one line; a conflicting edit shows what the line holds now and offers to start from it. */
import { Form, useNavigation } from '@remix-run/react';
import { useEffect } from 'react';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { formatDate } from '~/lib/format';
import { useRemixForm } from '~/lib/forms';
import { lineEditFormSchema } from '~/schemas/cart';
import { asDirected, asDirectedWarning } from '../../../validators/sig/as-directed';
import type { ActionResult, Line, Prescriber } from './types';

export function LineEditor({
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
  const { register, errorOf, setFocus, reset, watch } = form;
  const sigFlag = asDirected(watch('sig') ?? '');
  useEffect(() => {
    setFocus(focusSig ? 'sig' : 'quantity');
  }, [focusSig, setFocus]);
  const conflict = actionData?.conflict;
  const current = conflict?.current as (Partial<Line> & { removed?: boolean; prescriberName?: string }) | undefined;
  const busy = navigation.state === 'submitting' && navigation.formData?.get('lineId') === line.id;
  return (
    <Form method="post" replace preventScrollReset noValidate onSubmit={form.onSubmit} className="stack-sm line-editor" aria-label={`Edit ${line.patientName}'s ${line.medicationName}`}>
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
          hint={
            sigFlag ? (
              <span className="sig-missing">{asDirectedWarning(sigFlag)}</span>
            ) : missing.length ? (
              <span className="sig-missing">Missing: {missing.join(', ')}</span>
            ) : (
              'Dose, route, frequency, and duration.'
            )
          }
          error={errorOf('sig')}
          {...register('sig')}
        />
        {line.prescriptionId ? (
          // A line filling a prescription names the veterinarian who wrote it; a renewal changes that, not an edit.
          <FormField label="Prescriber" as="select" hint="Who wrote the prescription; ask for a renewal to change it." error={errorOf('prescriberId')} {...register('prescriberId')}>
            <option value={line.prescriberId}>{line.prescriberName}</option>
          </FormField>
        ) : (
          <FormField label="Prescriber" as="select" error={errorOf('prescriberId')} {...register('prescriberId')}>
            {prescribers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </FormField>
        )}
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
