/**
 * Quiet hours, pure: reminders by text wait while the clinic's local time is inside its quiet
 * window (default 20:00–08:00), and go out when it ends. Windows may wrap midnight; a window
 * whose start equals its end is no window.
 */
import { addDays, calendarDay, wallClock, zonedInstant } from '../../../validators/vocabulary';

/** A clinic's quiet window, "HH:MM" local time: from `start` (inclusive) to `end` (exclusive). */
export type QuietHours = { start: string; end: string };

export const DEFAULT_QUIET_HOURS: QuietHours = { start: '20:00', end: '08:00' };

/** Whether `at` falls inside the quiet window in `timeZone`. */
export function inQuietHours(at: Date, timeZone: string, quiet: QuietHours): boolean {
  if (quiet.start === quiet.end) return false;
  const t = wallClock(at, timeZone);
  return quiet.start < quiet.end ? t >= quiet.start && t < quiet.end : t >= quiet.start || t < quiet.end;
}

/** `at` itself when it is outside the quiet window, otherwise the instant the window ends. */
export function afterQuietHours(at: Date, timeZone: string, quiet: QuietHours): Date {
  if (!inQuietHours(at, timeZone, quiet)) return at;
  const day = calendarDay(at, timeZone);
  const today = zonedInstant(day, quiet.end, timeZone);
  return today.getTime() > at.getTime() ? today : zonedInstant(addDays(day, 1), quiet.end, timeZone);
}
