/** Where services get the time, so SLA and reminder tests never sleep. */
export type Clock = { now(): Date };

const systemClock: Clock = { now: () => new Date() };
const CLOCK_KEY = Symbol.for('vialcart.clock');
type WithClock = typeof globalThis & { [CLOCK_KEY]?: Clock };

export function now(): Date {
  return ((globalThis as WithClock)[CLOCK_KEY] ?? systemClock).now();
}

/** Today's date (UTC) as 'YYYY-MM-DD'. */
export function today(): string {
  return now().toISOString().slice(0, 10);
}

/** Today's date as 'YYYY-MM-DD' in a time zone (a clinic's), by the injectable clock. */
export function todayIn(timeZone: string): string {
  try {
    // en-CA formats dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now());
  } catch {
    return today();
  }
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
