import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, useSearchParams } from '@remix-run/react';
import { useEffect } from 'react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateTimeText } from '~/components/date';
import { EmptyState } from '~/components/empty-state';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { ProgressBar } from '~/components/progress-bar';
import { Toaster } from '~/components/toast';
import { formatNumber } from '~/lib/format';
import { parseFormData, useRemixForm, type FormErrors } from '~/lib/forms';
import type { Tone } from '~/lib/status';
import { catalogImportActionSchema, catalogFetchFormSchema, catalogUploadFormSchema } from '~/schemas/catalog';
import { IMPORTS_REFUSAL, requireUser } from '~/services/identity/auth.server';
import { listImportPharmacies, listImports, MAX_CSV_BYTES, startCsvImport, startFeedFetch } from '~/services/catalog/catalog-import.server';
import { formAction, InvalidForm, readForm } from '~/http/forms.server';

export const meta: MetaFunction = () => [{ title: 'Catalog imports — vialcart admin' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin', roles: ['admin'], refusal: IMPORTS_REFUSAL });
  const [pharmacies, imports] = await Promise.all([listImportPharmacies(user), listImports(user, { limit: 25 })]);
  return json({ pharmacies, imports });
}

type ActionData = FormErrors & { ok?: boolean; message?: string; intent?: string; importId?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'admin', roles: ['admin'], refusal: IMPORTS_REFUSAL });
  if (Number(request.headers.get('content-length') ?? 0) > MAX_CSV_BYTES + 64 * 1024) {
    return json<ActionData>({ ok: false, intent: 'upload', fieldErrors: { file: 'The file is larger than 20 MB.' } }, { status: 400 });
  }
  const formData = await request.formData();
  const intent = formData.get('intent') === 'fetch' ? 'fetch' : 'upload';
  return formAction(
    async (): Promise<ActionData> => {
      if (intent === 'upload') {
        // The file is no text field: the schema reads the others, the file is checked here, and
        // both sets of errors come back together.
        const file = formData.get('file');
        const fileError = !(file instanceof File) || file.size === 0 ? 'Choose a CSV file.' : undefined;
        const parsed = parseFormData(formData, catalogImportActionSchema);
        if (!parsed.ok || fileError || parsed.data.intent !== 'upload') {
          const errors = parsed.ok ? {} : parsed.errors;
          throw new InvalidForm({ ...errors, fieldErrors: { ...errors.fieldErrors, ...(fileError ? { file: fileError } : {}) } });
        }
        const upload = file as File;
        const { importId } = await startCsvImport(user, {
          pharmacyId: parsed.data.pharmacyId,
          fileName: upload.name,
          text: await upload.text(),
          full: parsed.data.full,
          priceMoveThreshold: parsed.data.priceMovePercent / 100,
        });
        return { ok: true, intent, importId, message: `Importing ${upload.name}. Its progress is below.` };
      }
      const input = readForm(formData, catalogImportActionSchema);
      const { importId } = await startFeedFetch(user, { pharmacyId: input.pharmacyId, priceMoveThreshold: input.priceMovePercent / 100 });
      return { ok: true, intent, importId, message: 'Fetching the feed. Its progress is below.' };
    },
    // Which of the two forms failed, so the page shows the errors on that one.
    { extra: { ok: false, intent } },
  );
}

const STATUS: Record<string, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Importing', tone: 'info' },
  succeeded: { label: 'Imported', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
};

export default function CatalogImports() {
  const { pharmacies, imports } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const busy = imports.some((i) => i.status === 'queued' || i.status === 'running');

  // While an import is queued or running, ask again every second for its progress.
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle' && document.visibilityState === 'visible') revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [busy, revalidator]);

  return (
    <>
      <div className="stack-lg">
        <PageHeader title="Catalog imports" description="Bring a partner pharmacy’s prices and stock into the catalog: upload its CSV list, or fetch its JSON feed now. Files dropped in the feeds folder are picked up every 5 minutes." />
        <div className="grid" style={{ ['--grid-min' as string]: '22rem' }}>
          <UploadForm pharmacies={pharmacies} actionData={actionData?.intent === 'upload' && !actionData.ok ? actionData : undefined} />
          <FetchForm pharmacies={pharmacies} actionData={actionData?.intent === 'fetch' && !actionData.ok ? actionData : undefined} />
        </div>
        <DataTable
          caption="Recent imports"
          rows={imports}
          getRowKey={(i) => i.id}
          maxHeight="none"
          columns={[
            { key: 'started', header: 'Started', cell: (i) => <DateTimeText value={i.createdAt} /> },
            { key: 'pharmacy', header: 'Pharmacy', rowHeader: true, cell: (i) => i.pharmacyName },
            { key: 'source', header: 'Source', cell: (i) => (i.source === 'json' ? 'JSON feed' : (i.fileName ?? 'CSV upload')) },
            {
              key: 'status',
              header: 'Status',
              cell: (i) => <Badge tone={STATUS[i.status]?.tone ?? 'neutral'}>{STATUS[i.status]?.label ?? i.status}</Badge>,
            },
            {
              key: 'progress',
              header: 'Progress',
              cell: (i) =>
                i.status === 'running' || i.status === 'queued' ? (
                  <ProgressBar
                    label={`Importing ${i.pharmacyName}`}
                    value={i.totalRows > 0 ? i.processedRows : undefined}
                    max={Math.max(i.totalRows, 1)}
                    valueText={i.totalRows > 0 ? `${formatNumber(i.processedRows)} of ${formatNumber(i.totalRows)} rows` : i.status === 'queued' ? 'Waiting to start' : 'Reading the feed'}
                  />
                ) : i.status === 'failed' ? (
                  <span className="form-error">{i.error}</span>
                ) : i.summary ? (
                  <span className="text-sm">
                    {formatNumber(i.summary.accepted)} accepted · {formatNumber(i.summary.changed + i.summary.inserted)} changed or new · {' '}
                    <strong>{formatNumber(i.summary.rejected)} rejected</strong> · {formatNumber(i.summary.unavailable)} now unavailable ·{' '}
                    {formatNumber(i.summary.flagged)} price moves flagged
                  </span>
                ) : null,
            },
            {
              key: 'report',
              header: <span className="visually-hidden">Report</span>,
              cell: (i) => (i.status === 'succeeded' || i.status === 'failed' ? <Link to={`/admin/imports/${i.id}`}>Report<span className="visually-hidden"> of the {i.pharmacyName} import</span></Link> : null),
            },
          ]}
          empty={<EmptyState title="No imports yet" description="Upload a pharmacy’s price list or fetch its feed to start." />}
        />
        <Toaster message={actionData?.ok && actionData.message ? { id: actionData.importId, text: actionData.message, tone: 'success' } : null} />
      </div>
    </>
  );
}

type Pharmacies = Array<{ id: string; name: string; hasFeed: boolean }>;

/** The pharmacy a link chose (`?pharmacyId=`, from a pharmacy's admin page), when it is one of the list. */
function usePreselected(pharmacies: Pharmacies): string {
  const [params] = useSearchParams();
  const id = params.get('pharmacyId') ?? '';
  return pharmacies.some((p) => p.id === id) ? id : '';
}

function UploadForm({ pharmacies, actionData }: { pharmacies: Pharmacies; actionData: ActionData | undefined }) {
  const navigation = useNavigation();
  const pharmacyId = usePreselected(pharmacies);
  const { register, onSubmit, errorOf } = useRemixForm(catalogUploadFormSchema, { defaultValues: { pharmacyId, full: true, priceMovePercent: 20 }, actionData });
  return (
    <Form method="post" encType="multipart/form-data" noValidate onSubmit={onSubmit} className="card card--padded stack" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload a CSV price list</h2>
      {actionData?.formError ? (
        <p role="alert" className="form-error">
          {actionData.formError}
        </p>
      ) : null}
      <input type="hidden" name="intent" value="upload" />
      <FormField label="Pharmacy" as="select" required error={errorOf('pharmacyId')} {...register('pharmacyId')}>
        <option value="">Choose a pharmacy</option>
        {pharmacies.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </FormField>
      <FormField
        label="CSV file"
        name="file"
        type="file"
        accept=".csv,text/csv"
        required
        hint="Columns by name: sku, medication, strength, form, package, unit_price (dollars) or unit_price_cents, stock, turnaround_days; optional ship_states, controlled_schedule, cold_chain, flavors, species."
        error={actionData?.fieldErrors?.file}
      />
      <label className="check">
        <input type="checkbox" {...register('full')} /> This is the whole catalog (offers not in the file become unavailable)
      </label>
      <FormField label="Flag price moves over (%)" type="number" min={0} step={1} inputMode="numeric" error={errorOf('priceMovePercent')} {...register('priceMovePercent')} />
      <Button type="submit" variant="primary" loading={navigation.state === 'submitting' && navigation.formData?.get('intent') === 'upload'}>
        Upload and import
      </Button>
    </Form>
  );
}

function FetchForm({ pharmacies, actionData }: { pharmacies: Pharmacies; actionData: ActionData | undefined }) {
  const navigation = useNavigation();
  const preselected = usePreselected(pharmacies);
  const { register, onSubmit, errorOf } = useRemixForm(catalogFetchFormSchema, { defaultValues: { pharmacyId: pharmacies.some((p) => p.id === preselected && p.hasFeed) ? preselected : '', priceMovePercent: 20 }, actionData });
  const withFeed = pharmacies.filter((p) => p.hasFeed);
  return (
    <Form method="post" noValidate onSubmit={onSubmit} className="card card--padded stack" aria-labelledby="fetch-title">
      <h2 id="fetch-title">Fetch a JSON feed now</h2>
      {actionData?.formError ? (
        <p role="alert" className="form-error">
          {actionData.formError}
        </p>
      ) : null}
      <input type="hidden" name="intent" value="fetch" />
      <FormField
        label="Pharmacy"
        as="select"
        required
        hint={withFeed.length === 0 ? 'No pharmacy has a feed URL and key set up yet.' : 'Pharmacies with a feed URL and key; feeds are also fetched every night.'}
        error={errorOf('pharmacyId')}
        {...register('pharmacyId')}
      >
        <option value="">Choose a pharmacy</option>
        {withFeed.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </FormField>
      <FormField label="Flag price moves over (%)" type="number" min={0} step={1} inputMode="numeric" error={errorOf('priceMovePercent')} {...register('priceMovePercent')} />
      <Button type="submit" loading={navigation.state === 'submitting' && navigation.formData?.get('intent') === 'fetch'}>
        Fetch feed now
      </Button>
    </Form>
  );
}
