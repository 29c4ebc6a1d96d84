/**
 * Dates are the clinic's calendar day: a prescription "valid through March 3" is valid until
 * midnight where the clinic is, not in UTC. Services get `now` from their clock
 * (app/services/platform/clock.server.ts, `clinicDay`); this is the pure half.
 */

/** A calendar date as ISO `YYYY-MM-DD`; compared as strings, which orders them correctly. */
export type IsoDate = string;

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date of `at` in `timeZone` (an IANA name such as `America/Los_Angeles`). An
 * unknown zone falls back to UTC rather than failing a page.
 */
export function calendarDay(at: Date, timeZone: string): IsoDate {
  let format = formats.get(timeZone);
  if (!format) {
    try {
      // en-CA writes dates as YYYY-MM-DD.
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      return at.toISOString().slice(0, 10);
    }
    formats.set(timeZone, format);
  }
  return format.format(at);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `day` plus `days` calendar days (negative to go back). Throws a RangeError for a string that is no ISO date. */
export function addDays(day: IsoDate, days: number): IsoDate {
  const t = ISO_DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`not an ISO date: ${day}`);
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}

/** The UTC instant of wall-clock `hhmm` on calendar day `isoDate` in `timeZone`. */
export function zonedInstant(isoDate: string, hhmm: string, timeZone: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const offset = (at: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(new Date(at))
        .map((p) => [p.type, p.value]),
    );
    return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - at;
  };
  let t = guess - offset(guess);
  t = guess - offset(t); // once more across a DST change
  return new Date(t);
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of `at` in `timeZone`, as "HH:MM" (24-hour). An unknown zone reads as UTC. */
export function wallClock(at: Date, timeZone: string): string {
  let format = clocks.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    } catch {
      return at.toISOString().slice(11, 16);
    }
    clocks.set(timeZone, format);
  }
  return format.format(at);
}

/**
 * Whether `name` is an IANA time zone the runtime knows (`America/Chicago`, `Pacific/Honolulu`,
 * `UTC`). Offsets and abbreviations (`-05:00`, `EST`) are refused: a clinic's day follows its
 * zone's daylight-saving rules.
 */
export function isTimeZone(name: string): boolean {
  if (!/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The time zones of US clinics, offered first when a clinic's zone is chosen (any IANA zone is accepted). */
export const US_TIME_ZONES = [
  'America/New_York',
  'America/Detroit',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Chicago',
  'America/Denver',
  'America/Boise',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'America/Adak',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'America/St_Thomas',
  'Pacific/Guam',
  'Pacific/Saipan',
  'Pacific/Pago_Pago',
] as const;
