import { useFetcher } from '@remix-run/react';
import { useEffect } from 'react';
import { Button } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { FormField } from '~/components/form-field';
import { formatDate, formatWeight } from '~/lib/format';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { weightFormSchema, type WeightForm } from '~/schemas/patients';
import { toKg, weightPlausibility, weightRange, type WeightUnit } from '../../../validators/vocabulary';
import { CheckboxField } from './checkbox-field';

/** One weighing as the patient page lists it. */
export type WeightRow = { id: string; kg: number; enteredValue: number; enteredUnit: string; measuredOn: string; overrideReason: string | null; recordedByLabel: string };

type Answer = FormErrors & { ok?: boolean; needsOverride?: boolean };

/**
 * The patient's weight history and "Record weight" (value in kg or lb, the day weighed). A
 * weight outside the species' plausible range asks for "Weight is correct" and a reason
 * before it is kept; the action says so too when the browser did not.
 */
export function WeightHistory({ patientId, patientName, species, weights, today }: { patientId: string; patientName: string; species: string; weights: WeightRow[]; today: string }) {
  const fetcher = useFetcher<Answer>();
  const defaults: WeightForm = { value: '', unit: 'kg', measuredOn: today, override: false, overrideReason: '' };
  const { register, onSubmit, errorOf, watch, reset } = useRemixForm(weightFormSchema, { defaultValues: defaults, actionData: fetcher.data, fetcher });
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) reset({ ...defaults, measuredOn: today });
    // `defaults` is rebuilt every render; the reset follows the answer only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetcher.state, fetcher.data, reset, today]);
  const typed = Number(String(watch('value') ?? '').replace(',', '.'));
  const unit = (watch('unit') ?? 'kg') as WeightUnit;
  const kg = Number.isFinite(typed) && typed > 0 ? toKg(typed, unit) : null;
  const plausible = kg === null ? null : weightPlausibility(species, kg);
  const outside = (plausible !== null && !plausible.ok && !plausible.impossible) || (fetcher.data?.needsOverride ?? false);
  const range = weightRange(species);
  return (
    <section className="stack-sm" aria-labelledby="weights-heading">
      <h2 id="weights-heading">Weight</h2>
      <fetcher.Form method="post" action={`/patients/${patientId}/weights`} noValidate onSubmit={onSubmit} className="card card--padded stack-sm">
        <h3>Record weight</h3>
        {fetcher.data?.formError ? (
          <p role="alert" className="form-error">
            {fetcher.data.formError}
          </p>
        ) : null}
        <div className="cluster">
          <FormField
            label="Weight"
            inputMode="decimal"
            autoComplete="off"
            required
            hint={range ? `Plausible for a ${species}: ${range.min}–${range.max.toLocaleString('en-US')} kg.` : undefined}
            error={errorOf('value')}
            {...register('value')}
          />
          <FormField label="Unit" as="select" error={errorOf('unit')} {...register('unit')}>
            <option value="kg">kg</option>
            <option value="lb">lb</option>
          </FormField>
          <FormField label="Weighed on" type="date" max={today} required error={errorOf('measuredOn')} {...register('measuredOn')} />
        </div>
        {kg !== null && unit === 'lb' ? <p className="text-sm muted">= {formatWeight(kg)}</p> : null}
        {outside ? (
          <div className="stack-sm">
            <CheckboxField label="Weight is correct (outside the usual range)" error={errorOf('override')} {...register('override')} />
            <FormField label="Why it is right" hint="Kept with the weight and in the audit trail." error={errorOf('overrideReason')} {...register('overrideReason')} />
          </div>
        ) : null}
        <div>
          <Button type="submit" variant="primary" loading={fetcher.state !== 'idle'} aria-label={`Record ${patientName}'s weight`}>
            Record weight
          </Button>
        </div>
        {fetcher.state === 'idle' && fetcher.data?.ok ? (
          <p role="status" className="text-success">
            Weight recorded.
          </p>
        ) : null}
      </fetcher.Form>
      <DataTable
        caption={`${patientName}'s weight history`}
        captionHidden
        rows={weights}
        getRowKey={(w) => w.id}
        columns={[
          { key: 'on', header: 'Weighed', rowHeader: true, cell: (w) => formatDate(w.measuredOn) },
          { key: 'kg', header: 'Weight', align: 'end', cell: (w) => formatWeight(w.kg) },
          { key: 'typed', header: 'As entered', align: 'end', cell: (w) => `${w.enteredValue} ${w.enteredUnit}` },
          { key: 'by', header: 'Recorded by', cell: (w) => w.recordedByLabel },
          { key: 'override', header: 'Outside range because', cell: (w) => w.overrideReason ?? '' },
        ]}
        empty={<EmptyState title="No weight on record" description="Record the first weight above." />}
      />
    </section>
  );
}
