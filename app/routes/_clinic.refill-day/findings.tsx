/**
 * A line's findings, each with its one-click fix or "Acknowledge". "Ask for renewal" asks the
 * veterinarian who can renew the line's prescription (once per line, however many findings
 * offer it); once asked, the line says whom and when until the renewal arrives.
 */
import { Link } from '@remix-run/react';
import { Button } from '~/components/button';
import { StatusBadge } from '~/components/status-badge';
import { formatDateTime } from '~/lib/format';
import { LineButton } from './line-button';
import type { Line, Renewals } from './types';

export function Findings({ line, renewals, onEditSig }: { line: Line; renewals: Renewals; onEditSig: (missing: string[]) => void }) {
  if (line.findings.length === 0) return <span className="text-sm muted">No findings</span>;
  const firstRenewal = line.findings.findIndex((f) => f.fix?.kind === 'request_renewal');
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
