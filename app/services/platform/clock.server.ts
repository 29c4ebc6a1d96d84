/** Where services get the time, so SLA and reminder tests never sleep. */
import { calendarDay, type IsoDate } from '../../../validators/vocabulary';

export type Clock = { now(): Date };

const systemClock: Clock = { now: () => new Date() };
const CLOCK_KEY = Symbol.for('vialcart.clock');
type WithClock = typeof globalThis & { [CLOCK_KEY]?: Clock };

export function now(): Date {
  return ((globalThis as WithClock)[CLOCK_KEY] ?? systemClock).now();
}

/**
 * Today, the clinic's calendar day ('YYYY-MM-DD' in its time zone), by the injectable clock.
 * Every date a service compares — expiry, licences, fills, invoices — is a clinic's day
 * (validators/vocabulary/calendar.ts).
 */
export function clinicDay(timeZone: string): IsoDate {
  return calendarDay(now(), timeZone);
}

/** Replaces the clock (tests); `undefined` restores the system clock. */
export function setClock(clock: Clock | undefined): void {
  (globalThis as WithClock)[CLOCK_KEY] = clock;
}

/** A clock that stands still until moved: for tests of timers. */
export function manualClock(start: Date | string) {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(at: Date | string) {
      t = new Date(at).getTime();
    },
  };
}
