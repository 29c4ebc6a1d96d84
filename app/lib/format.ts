/**
 * Display formatting, the same on the server and in the browser.
 *
 * Everything is formatted for 'en-US' and, for times, an explicit IANA time zone: the server
 * and the browser must print the same text or hydration breaks, so nothing here reads the
 * machine's locale, zone or clock. Missing values (null/undefined) print as {@link EMPTY}.
 */
import { US_STATE_NAMES, isRole, isUspsCode, type Role } from '../../validators/vocabulary';

const LOCALE = 'en-US';

/** What a missing value prints as. */
export const EMPTY = '—';

/**
 * The zone used when a caller names none. UTC is wrong for every clinic but right for none
 * in particular, and it is the same on every machine; pages should pass the clinic's zone
 * (see `TimeZoneProvider` in app/components/time-zone.tsx).
 */
export const DEFAULT_TIME_ZONE = 'UTC';

const wholeNumber = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const decimalNumber = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });

/** Options shared by the money formatters. */
export interface MoneyOptions {
  /** Print a leading "+" on positive amounts, for differences ("+$1.20"). */
  signed?: boolean;
}

/**
 * Integer cents as US dollars: 123456 → "$1,234.56", -50 → "-$0.50".
 * Works in integers throughout, so no amount is ever rounded on its way to the screen.
 * @throws RangeError when `cents` is not a safe integer: a float here is a bug upstream.
 */
export function formatMoney(cents: number | null | undefined, options: MoneyOptions = {}): string {
  if (cents == null) return EMPTY;
  if (!Number.isSafeInteger(cents)) {
    throw new RangeError(`formatMoney expects integer cents, got ${String(cents)}`);
  }
  const abs = Math.abs(cents);
  const remainder = abs % 100;
  const dollars = (abs - remainder) / 100;
  const sign = cents < 0 ? '-' : options.signed && cents > 0 ? '+' : '';
  return `${sign}$${wholeNumber.format(dollars)}.${String(remainder).padStart(2, '0')}`;
}

/** A count with grouping: 20000 → "20,000". */
export function formatNumber(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return EMPTY;
  return decimalNumber.format(value);
}

/** A date as an ISO 8601 string (what loaders send) or a Date (what services hold). */
export type DateInput = string | Date;

/** Options shared by the date formatters. */
export interface TimeZoneOptions {
  /** IANA zone to show times in, e.g. "America/Los_Angeles". Default {@link DEFAULT_TIME_ZONE}. */
  timeZone?: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(value: DateInput): Date | null {
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? null : date;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(kind: 'date' | 'dateTime', timeZone: string): Intl.DateTimeFormat {
  const cacheKey = `${kind}|${timeZone}`;
  let formatter = formatters.get(cacheKey);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(LOCALE, {
      dateStyle: 'medium',
      ...(kind === 'dateTime' ? { timeStyle: 'short' } : {}),
      timeZone,
    });
    formatters.set(cacheKey, formatter);
  }
  return formatter;
}

// ICU versions disagree on the space before AM/PM (U+202F in newer ones); Node and the browser
// can ship different ICUs, so normalise it to keep server and client text identical.
function normaliseSpaces(text: string): string {
  return text.replace(/[\u202f\u00a0]/g, ' ');
}

/**
 * A calendar date: "Nov 21, 2026". A date-only string ("2026-11-21", e.g. a birth date or an
 * expiry) is a calendar date with no zone and prints as that date wherever you are; a
 * timestamp prints as its date in `timeZone`. Unparseable input is returned as given.
 */
export function formatDate(value: DateInput | null | undefined, options: TimeZoneOptions = {}): string {
  if (value == null) return EMPTY;
  const date = parseDate(value);
  if (!date) return String(value);
  const dateOnly = typeof value === 'string' && DATE_ONLY.test(value);
  const timeZone = dateOnly ? 'UTC' : (options.timeZone ?? DEFAULT_TIME_ZONE);
  return normaliseSpaces(dateTimeFormat('date', timeZone).format(date));
}

/** A moment: "Nov 21, 2026, 3:05 PM" in `timeZone`. A date-only string prints as {@link formatDate}. */
export function formatDateTime(value: DateInput | null | undefined, options: TimeZoneOptions = {}): string {
  if (value == null) return EMPTY;
  if (typeof value === 'string' && DATE_ONLY.test(value)) return formatDate(value);
  const date = parseDate(value);
  if (!date) return String(value);
  return normaliseSpaces(dateTimeFormat('dateTime', options.timeZone ?? DEFAULT_TIME_ZONE).format(date));
}

/** Options of {@link formatRelative}. */
export interface RelativeOptions {
  /** The moment is a deadline (an SLA target, a need-by): past reads "overdue 1 h 5 min". */
  deadline?: boolean;
}

const MINUTE_MS = 60_000;

/** A span of whole minutes in at most two units: "35 min", "1 h 5 min", "2 d 3 h", "12 d". */
function formatSpan(totalMinutes: number): string {
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return days < 7 && hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/**
 * How far `value` is from `now`, in whole minutes (truncated): "in 2 h", "35 min ago", or for a
 * deadline "overdue 1 h 5 min". `now` is a parameter, never the clock, so the server and the
 * browser print the same text and tests need no fake timers.
 */
export function formatRelative(
  value: DateInput | null | undefined,
  now: DateInput,
  options: RelativeOptions = {},
): string {
  if (value == null) return EMPTY;
  const target = parseDate(value);
  const reference = parseDate(now);
  if (!target || !reference) return EMPTY;
  const diff = target.getTime() - reference.getTime();
  const minutes = Math.floor(Math.abs(diff) / MINUTE_MS);
  if (minutes === 0) return options.deadline ? 'due now' : 'now';
  const span = formatSpan(minutes);
  if (diff > 0) return `in ${span}`;
  return options.deadline ? `overdue ${span}` : `${span} ago`;
}

/** "front_desk" → "Front desk": the fallback label for codes nobody named yet. */
export function humanize(code: string): string {
  const words = code.trim().replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const SPECIES_LABELS: Record<string, string> = {
  dog: 'Dog',
  canine: 'Dog',
  cat: 'Cat',
  feline: 'Cat',
  rabbit: 'Rabbit',
  ferret: 'Ferret',
  horse: 'Horse',
  equine: 'Horse',
};

/** A species code as a label: "dog" → "Dog", "equine" → "Horse"; others are humanized. */
export function formatSpecies(species: string | null | undefined): string {
  if (species == null || species.trim() === '') return EMPTY;
  return SPECIES_LABELS[species.trim().toLowerCase()] ?? humanize(species);
}

/** A stored E.164 phone as people read it: "+19165550123" → "(916) 555-0123"; other countries as stored. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return EMPTY;
  const us = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return us ? `(${us[1]}) ${us[2]}-${us[3]}` : e164;
}

/**
 * How long before `today` a calendar day was, in the largest whole unit: "today", "yesterday",
 * "12 days ago", "3 months ago", "2 years ago". Both are ISO days on the clinic's calendar
 * (the loader sends `today`), so the server and the browser print the same.
 */
export function formatDaysAgo(day: string | null | undefined, today: string): string {
  if (!day) return EMPTY;
  const from = Date.parse(`${day}T00:00:00Z`);
  const to = Date.parse(`${today}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) return EMPTY;
  const days = Math.round((to - from) / 86_400_000);
  if (days < 0) return 'in the future';
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 60) return `${days} days ago`;
  const months = Math.floor(days / 30.44);
  if (months < 24) return `${months} months ago`;
  return `${Math.floor(days / 365.25)} years ago`;
}

/**
 * An age from a birth day on the clinic's calendar: "8 mo", "3 y", "11 y"; under a month
 * "4 wk". Both are ISO days (the loader sends `today`), so the server and the browser agree.
 */
export function formatAge(birthDate: string | null | undefined, today: string): string {
  if (!birthDate) return EMPTY;
  const [by, bm, bd] = birthDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.slice(0, 10).split('-').map(Number) as [number, number, number];
  if ([by, bm, bd, ty, tm, td].some((n) => !Number.isFinite(n))) return EMPTY;
  const months = (ty - by) * 12 + (tm - bm) - (td < bd ? 1 : 0);
  if (months < 0) return EMPTY;
  if (months >= 24) return `${Math.floor(months / 12)} y`;
  if (months >= 1) return `${months} mo`;
  const days = Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(by, bm - 1, bd)) / 86_400_000);
  return `${Math.max(0, Math.floor(days / 7))} wk`;
}

/**
 * A body weight: 4.2 → "4.2 kg", 32 → "32.0 kg". Under 1 kg keeps two decimals (0.85 kg),
 * because doses for kittens and ferrets are computed per kilogram.
 */
export function formatWeight(kg: number | null | undefined): string {
  if (kg == null || !Number.isFinite(kg)) return EMPTY;
  const text = new Intl.NumberFormat(LOCALE, {
    minimumFractionDigits: 1,
    maximumFractionDigits: Math.abs(kg) < 1 ? 2 : 1,
  }).format(kg);
  return `${text} kg`;
}

/** Options of {@link formatState}. */
export interface StateOptions {
  /** Append the code: "California (CA)". */
  withCode?: boolean;
}

/** A USPS code as its name: "CA" → "California". An unknown code is returned upper-cased. */
export function formatState(code: string | null | undefined, options: StateOptions = {}): string {
  if (code == null || code.trim() === '') return EMPTY;
  const upper = code.trim().toUpperCase();
  if (!isUspsCode(upper)) return upper;
  const name = US_STATE_NAMES[upper];
  return options.withCode ? `${name} (${upper})` : name;
}

const ROLE_LABELS: Record<Role, string> = {
  technician: 'Technician',
  veterinarian: 'Veterinarian',
  manager: 'Manager',
  front_desk: 'Front desk',
  pharmacist: 'Pharmacist',
  admin: 'Admin',
};

/** A user role as a label: "front_desk" → "Front desk". */
export function formatRole(role: string | null | undefined): string {
  if (role == null || role.trim() === '') return EMPTY;
  return isRole(role) ? ROLE_LABELS[role] : humanize(role);
}

/** How the greeting names a user: "Dr. Alvarez" for a titled name, otherwise the first name. */
export function greetingName(name: string): string {
  const parts = name.trim().split(/\s+/);
  return /^(dr|doctor)\.?$/i.test(parts[0] ?? '') && parts.length > 1 ? `Dr. ${parts[parts.length - 1]}` : (parts[0] ?? name);
}
