import { useFetcher } from '@remix-run/react';
import { useEffect } from 'react';
import { Button } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { FormField } from '~/components/form-field';
import { formatDate, humanize } from '~/lib/format';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { examFormSchema, type ExamForm } from '~/schemas/patients';

/** One exam as the patient page lists it. */
export type ExamRow = { id: string; kind: string; examinedOn: string; note: string | null; recordedByLabel: string };

type Answer = FormErrors & { ok?: boolean };

/** The patient's exams and "Record exam"; the latest wellness exam is what refill eligibility reads. */
export function ExamHistory({ patientId, patientName, exams, today }: { patientId: string; patientName: string; exams: ExamRow[]; today: string }) {
  const fetcher = useFetcher<Answer>();
  const defaults: ExamForm = { on: today, kind: 'wellness', note: '' };
  const { register, onSubmit, errorOf, reset } = useRemixForm(examFormSchema, { defaultValues: defaults, actionData: fetcher.data, fetcher });
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) reset({ on: today, kind: 'wellness', note: '' });
  }, [fetcher.state, fetcher.data, reset, today]);
  return (
    <section className="stack-sm" aria-labelledby="exams-heading">
      <h2 id="exams-heading">Exams</h2>
      <fetcher.Form method="post" action={`/patients/${patientId}/exams`} noValidate onSubmit={onSubmit} className="card card--padded stack-sm">
        <h3>Record exam</h3>
        {fetcher.data?.formError ? (
          <p role="alert" className="form-error">
            {fetcher.data.formError}
          </p>
        ) : null}
        <div className="cluster">
          <FormField label="Exam date" type="date" max={today} required error={errorOf('on')} {...register('on')} />
          <FormField label="Kind" as="select" hint="Only wellness exams count for refills." error={errorOf('kind')} {...register('kind')}>
            <option value="wellness">Wellness</option>
            <option value="other">Other</option>
          </FormField>
          <FormField label="Note (optional)" autoComplete="off" error={errorOf('note')} {...register('note')} />
        </div>
        <div>
          <Button type="submit" loading={fetcher.state !== 'idle'} aria-label={`Record ${patientName}'s exam`}>
            Record exam
          </Button>
        </div>
        {fetcher.state === 'idle' && fetcher.data?.ok ? (
          <p role="status" className="text-success">
            Exam recorded.
          </p>
        ) : null}
      </fetcher.Form>
      <DataTable
        caption={`${patientName}'s exams`}
        captionHidden
        rows={exams}
        getRowKey={(e) => e.id}
        columns={[
          { key: 'on', header: 'Date', rowHeader: true, cell: (e) => formatDate(e.examinedOn) },
          { key: 'kind', header: 'Kind', cell: (e) => humanize(e.kind) },
          { key: 'note', header: 'Note', cell: (e) => e.note ?? '' },
          { key: 'by', header: 'Recorded by', cell: (e) => e.recordedByLabel },
        ]}
        empty={<EmptyState title="No exams on record" />}
      />
    </section>
  );
}
