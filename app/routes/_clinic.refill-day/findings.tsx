/** A line's findings, each with its one-click fix or "Acknowledge". */
import { Button } from '~/components/button';
import { StatusBadge } from '~/components/status-badge';
import { formatDateTime } from '~/lib/format';
import { LineButton } from './line-button';
import type { Line, Prescriber } from './types';

export function Findings({ line, prescribers, onEditSig }: { line: Line; prescribers: Prescriber[]; onEditSig: (missing: string[]) => void }) {
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
