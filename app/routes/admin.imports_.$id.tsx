import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { DataTable } from '~/components/data-table';
import { DateTimeText } from '~/components/date';
import { EmptyState } from '~/components/empty-state';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { formatNumber } from '~/lib/format';
import { IMPORTS_REFUSAL, requireUser } from '~/services/identity/auth.server';
import { getImport } from '~/services/catalog/catalog-import.server';
import { orNotFoundPage } from '~/http/forms.server';
import { medicationLabel } from '../../validators/vocabulary';

export const meta: MetaFunction = () => [{ title: 'Import report — vialcart admin' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin', roles: ['admin'], refusal: IMPORTS_REFUSAL });
  return json({ result: await getImport(user, params.id ?? '').catch(orNotFoundPage('No such import.')) });
}

const STATUS_LABEL: Record<string, string> = { queued: 'Queued', running: 'Importing', succeeded: 'Imported', failed: 'Failed' };

export default function ImportReportPage() {
  const { result } = useLoaderData<typeof loader>();
  const report = result.report;
  const s = report?.summary;
  return (
    <>
      <div className="stack-lg">
        <PageHeader
          title={`Import report: ${result.pharmacyName}`}
          description={
            <>
              {result.source === 'json' ? 'JSON feed' : (result.fileName ?? 'CSV upload')}, started <DateTimeText value={result.createdAt} />
              {report ? (report.full ? ' · full catalog' : ' · partial update') : ''}
            </>
          }
          meta={<Badge tone={result.status === 'succeeded' ? 'success' : result.status === 'failed' ? 'danger' : 'info'}>{STATUS_LABEL[result.status] ?? result.status}</Badge>}
          actions={<Link to="/admin/imports">All imports</Link>}
        />
        {result.status === 'failed' ? (
          <p role="alert" className="form-error">
            The feed could not be imported: {result.error}
          </p>
        ) : null}
        {s ? (
          <dl className="grid" style={{ ['--grid-min' as string]: '10rem' }}>
            {[
              ['Accepted', s.accepted],
              ['New offers', s.inserted],
              ['Changed', s.changed],
              ['Unchanged', s.unchanged],
              ['Rejected', s.rejected],
              ['Now unavailable', s.unavailable],
              ['Price moves flagged', s.flagged],
            ].map(([label, value]) => (
              <div key={label} className="stat card card--padded">
                <dt className="stat__label">{label}</dt>
                <dd className="stat__value num">{formatNumber(value as number)}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        {report?.warnings.length ? (
          <ul className="stack-sm" aria-label="Warnings">
            {report.warnings.map((w) => (
              <li key={w}>
                <Badge tone="warning">Warning</Badge> {w}
              </li>
            ))}
          </ul>
        ) : null}
        {report?.missingColumns.length ? <p className="form-error">Columns missing from the file: {report.missingColumns.join(', ')}.</p> : null}
        {report?.ignoredColumns.length ? <p className="muted">Columns not read: {report.ignoredColumns.join(', ')}.</p> : null}
        {report ? (
          <>
            <DataTable
              caption={`Rejected rows (${formatNumber(report.rejected.length)})`}
              rows={report.rejected}
              getRowKey={(r) => `${r.row}-${r.field ?? ''}-${r.reason}`}
              compact
              columns={[
                { key: 'row', header: result.source === 'json' ? 'Item' : 'Row', align: 'end', rowHeader: true, cell: (r) => r.row },
                { key: 'field', header: 'Column', cell: (r) => r.field ?? '—' },
                { key: 'reason', header: 'Reason', cell: (r) => r.reason },
              ]}
              empty={<EmptyState headingLevel={3} title="No rejected rows" description="Every row of the feed was imported." />}
            />
            <DataTable
              caption={`Price moves over ${Math.round(report.priceMoveThreshold * 100)} % (${formatNumber(report.priceFlags.length)})`}
              rows={report.priceFlags}
              getRowKey={(f) => f.sku}
              compact
              columns={[
                { key: 'sku', header: 'SKU', rowHeader: true, cell: (f) => <span className="mono">{f.sku}</span> },
                { key: 'medication', header: 'Medication', cell: (f) => f.medication },
                { key: 'old', header: 'Was', align: 'end', cell: (f) => <Money cents={f.oldCents} /> },
                { key: 'new', header: 'Now', align: 'end', cell: (f) => <Money cents={f.newCents} /> },
                { key: 'share', header: 'Change', align: 'end', cell: (f) => (f.share === null ? 'from free' : `${f.newCents > f.oldCents ? '+' : '−'}${Math.round(f.share * 1000) / 10} %`) },
              ]}
              empty={<EmptyState headingLevel={3} title="No large price moves" />}
            />
            {report.createdMedications.length ? (
              <DataTable
                caption={`Medications added to the catalog (${report.createdMedications.length})`}
                rows={report.createdMedications}
                getRowKey={(m) => `${m.name}|${m.strength}|${m.form}`}
                compact
                columns={[
                  { key: 'name', header: 'Medication', rowHeader: true, cell: (m) => medicationLabel(m) },
                  { key: 'schedule', header: 'DEA schedule', cell: (m) => (m.controlledSchedule ? `C-${m.controlledSchedule}` : 'Not controlled') },
                ]}
              />
            ) : null}
          </>
        ) : null}
      </div>
    </>
  );
}
