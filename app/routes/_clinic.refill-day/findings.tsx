/**
 * A line's findings, each with its one-click fix or "Acknowledge". "Ask for renewal" asks the
 * veterinarian who can renew the line's prescription (once per line, however many findings
 * offer it); once asked, the line says whom and when until the renewal arrives.
 */
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { StatusBadge } from '~/components/status-badge';
import { formatDateTime } from '~/lib/format';
import { LineButton } from './line-button';
import type { ActionResult, Line, Renewals } from './types';

/**
 * "Record a new weight" of a `dose.range` finding: a small form on the line that records a
 * weighing of today for the line's patient; the page revalidates and the finding follows.
 */
function RecordWeight({ line, patientId }: { line: Line; patientId: string }) {
  const actionData = useActionData() as ActionResult | undefined;
  const navigation = useNavigation();
  const mine = actionData?.intent === 'record-weight' && actionData.lineId === line.id && !actionData.ok ? actionData : undefined;
  const busy = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'record-weight' && navigation.formData?.get('lineId') === line.id;
  const typed = (field: string, fallback: string) => (typeof mine?.values?.[field] === 'string' ? (mine.values[field] as string) : fallback);
  return (
    <details className="record-weight" open={mine ? true : undefined}>
      <summary>
        Record a new weight<span className="visually-hidden"> for {line.patientName}</span>
      </summary>
      <Form method="post" replace preventScrollReset aria-label={`Record a new weight for ${line.patientName}`} className="cluster">
        <input type="hidden" name="intent" value="record-weight" />
        <input type="hidden" name="lineId" value={line.id} />
        <input type="hidden" name="patientId" value={patientId} />
        <FormField label="Weight today" name="value" inputMode="decimal" size={6} required defaultValue={typed('value', '')} error={mine?.fieldErrors?.value} />
        <FormField label="Unit" name="unit" as="select" defaultValue={typed('unit', 'kg')} error={mine?.fieldErrors?.unit}>
          <option value="kg">kg</option>
          <option value="lb">lb</option>
        </FormField>
        <Button size="sm" loading={busy}>
          Save weight
        </Button>
        {mine?.formError ? (
          <span className="text-sm" role="alert">
            {mine.formError}
          </span>
        ) : null}
      </Form>
    </details>
  );
}

export function Findings({ line, renewals, onEditSig }: { line: Line; renewals: Renewals; onEditSig: (missing: string[]) => void }) {
  if (line.findings.length === 0) return <span className="text-sm muted">No findings</span>;
  const firstRenewal = line.findings.findIndex((f) => f.fix?.kind === 'request_renewal');
  // Notes (severity info) ask nothing of anyone: a line with only notes has no findings to deal with.
  const onlyNotes = line.findings.every((f) => f.severity === 'info');
  // Repeated buttons ("Acknowledge" on thirty lines) name their line for screen readers.
  const whose = `${line.patientName}’s ${line.medicationName}`;
  return (
    <>
      {onlyNotes ? <span className="text-sm muted">No findings</span> : null}
      <ul className="findings">
        {line.findings.map((f, i) => (
          <li key={`${f.rule}-${i}`} className={`finding finding--${f.severity}`}>
            <StatusBadge kind="severity" code={f.severity} /> <span>{f.message}</span>
            {f.hint ? <span className="text-sm muted"> {f.hint}</span> : null}
            <div className="cluster">
              {f.fix?.kind === 'switch_offer' ? (
                <LineButton line={line} intent="switch" fields={{ offerId: f.fix.offerId }}>
                  Switch to {f.fix.pharmacyName}
                  <span className="visually-hidden"> for {whose}</span>
                </LineButton>
              ) : null}
              {f.fix?.kind === 'request_renewal' && i === firstRenewal ? (
                renewals[f.fix.prescriptionId] ? (
                  <span className="text-sm">
                    Renewal asked of {renewals[f.fix.prescriptionId]!.prescriberName}, {formatDateTime(renewals[f.fix.prescriptionId]!.askedAt)} ·{' '}
                    <Link to={`/prescriptions/${f.fix.prescriptionId}`}>prescription</Link>
                  </span>
                ) : (
                  <LineButton line={line} intent="renewal" fields={{ prescriptionId: f.fix.prescriptionId }}>
                    Ask for renewal<span className="visually-hidden"> of {line.patientName}’s {line.medicationName} from {f.fix.name}</span>
                  </LineButton>
                )
              ) : null}
              {f.fix?.kind === 'edit_sig' ? (
                <Button size="sm" onClick={() => onEditSig((f.fix as { missing: string[] }).missing)}>
                  Edit SIG<span className="visually-hidden"> of {whose}</span>
                </Button>
              ) : null}
              {f.fix?.kind === 'record_weight' ? <RecordWeight line={line} patientId={f.fix.patientId} /> : null}
              {f.severity === 'warning' && !f.acknowledged ? (
                <LineButton line={line} intent="acknowledge" fields={{ rule: f.rule }}>
                  Acknowledge<span className="visually-hidden"> {f.rule} warning for {whose}</span>
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
    </>
  );
}
