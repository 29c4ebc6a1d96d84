import { formatDate, formatDateTime, formatRelative, type DateInput, EMPTY } from '~/lib/format';
import { useTimeZone } from './time-zone';

function isoOf(value: DateInput): string | undefined {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return undefined;
  return typeof value === 'string' ? value : date.toISOString();
}

/** Props of {@link DateText} and {@link DateTimeText}. */
export interface DateTextProps {
  /** ISO 8601 string (a date "2026-11-21" or a timestamp) or a Date; null shows a dash. */
  value: DateInput | null | undefined;
  /** Zone to print in; defaults to the nearest TimeZoneProvider's. */
  timeZone?: string;
  className?: string;
}

function ZonedTime({
  value,
  timeZone,
  className,
  format,
}: DateTextProps & { format: typeof formatDate }) {
  const zone = useTimeZone();
  if (value == null) return <span className={className}>{EMPTY}</span>;
  return (
    <time dateTime={isoOf(value)} className={className}>
      {format(value, { timeZone: timeZone ?? zone })}
    </time>
  );
}

/** A calendar date in a `<time>` element: "Nov 21, 2026". */
export function DateText(props: DateTextProps) {
  return <ZonedTime {...props} format={formatDate} />;
}

/** A date and time in a `<time>` element: "Nov 21, 2026, 3:05 PM". */
export function DateTimeText(props: DateTextProps) {
  return <ZonedTime {...props} format={formatDateTime} />;
}

/** Props of {@link RelativeTime}. */
export interface RelativeTimeProps {
  /** The moment to describe. */
  value: DateInput | null | undefined;
  /**
   * The moment to measure from, sent by the loader (the services' clock): never read the
   * clock while rendering, or the server and the browser disagree.
   */
  now: DateInput;
  /** A deadline (SLA target, need-by date): once past it reads "overdue …" and is marked. */
  deadline?: boolean;
  className?: string;
}

/**
 * "in 2 h", "35 min ago", "overdue 1 h 5 min", in a `<time>` whose title is the exact moment
 * (so a hover or a screen reader's description gives the absolute time too).
 */
export function RelativeTime({ value, now, deadline = false, className }: RelativeTimeProps) {
  const zone = useTimeZone();
  if (value == null) return <span className={className}>{EMPTY}</span>;
  const text = formatRelative(value, now, { deadline });
  const overdue = deadline && text.startsWith('overdue');
  const classes = [overdue ? 'overdue' : '', className ?? ''].filter(Boolean).join(' ') || undefined;
  return (
    <time dateTime={isoOf(value)} title={formatDateTime(value, { timeZone: zone })} className={classes}>
      {text}
    </time>
  );
}
