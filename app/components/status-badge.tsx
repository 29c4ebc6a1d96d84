import { orderStatusLook, requestQueueLook, severityLook, type StatusLook } from '~/lib/status';
import { Badge } from './badge';

const LOOKS: Record<StatusBadgeProps['kind'], (code: string) => StatusLook> = {
  order: orderStatusLook,
  queue: requestQueueLook,
  severity: severityLook,
};

/** Props of {@link StatusBadge}. */
export interface StatusBadgeProps {
  /** Which table the code belongs to (app/lib/status.ts). */
  kind: 'order' | 'queue' | 'severity';
  /** The code as stored, e.g. "delivery_failed", "vet_review", "error". */
  code: string;
  className?: string;
}

/** A {@link Badge} with the label and tone app/lib/status.ts gives a code. */
export function StatusBadge({ kind, code, className }: StatusBadgeProps) {
  const look = LOOKS[kind](code);
  return (
    <Badge tone={look.tone} className={className}>
      {look.label}
    </Badge>
  );
}
