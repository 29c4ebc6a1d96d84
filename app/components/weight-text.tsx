import { formatDate, formatDaysAgo, formatWeight } from '~/lib/format';

/** A weight older than this many days is flagged: doses judged on it may be off. */
export const STALE_WEIGHT_DAYS = 180;

/** Props of {@link WeightText}. */
export interface WeightTextProps {
  kg: number | null | undefined;
  /** The day it was measured (ISO), or null when unknown. */
  measuredOn: string | null | undefined;
  /** The clinic's today, from the loader (never the browser's clock). */
  today: string;
  className?: string;
}

/**
 * The current weight and its age — "4.2 kg · weighed 3 months ago" — wherever a dose is
 * judged. A weight older than six months says "reweigh" in words, not only in colour.
 */
export function WeightText({ kg, measuredOn, today, className }: WeightTextProps) {
  if (kg == null) return <span className={['muted', className].filter(Boolean).join(' ')}>No weight on record</span>;
  const days = measuredOn ? Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${measuredOn}T00:00:00Z`)) / 86_400_000) : null;
  const stale = days === null || days > STALE_WEIGHT_DAYS;
  return (
    <span className={['weight-text', className].filter(Boolean).join(' ')}>
      {formatWeight(kg)}{' '}
      <span className={stale ? 'weight-text__age weight-text__age--stale' : 'weight-text__age muted'} title={measuredOn ? `Weighed on ${formatDate(measuredOn)}` : undefined}>
        · {measuredOn ? `weighed ${formatDaysAgo(measuredOn, today)}` : 'date unknown'}
        {stale ? ' (reweigh)' : ''}
      </span>
    </span>
  );
}
