import { createContext, useContext, type ReactNode } from 'react';
import { DEFAULT_TIME_ZONE } from '~/lib/format';

const TimeZoneContext = createContext<string>(DEFAULT_TIME_ZONE);

/** Props of {@link TimeZoneProvider}. */
export interface TimeZoneProviderProps {
  /** IANA zone the signed-in clinic works in, e.g. "America/Los_Angeles". */
  timeZone: string;
  children: ReactNode;
}

/**
 * Sets the zone `DateTimeText` and `DateText` print times in, for everything inside it.
 * Put it once in root.tsx around the outlet, with the zone the loader sent, so the server
 * render and the browser's hydration print the same times.
 */
export function TimeZoneProvider({ timeZone, children }: TimeZoneProviderProps) {
  return <TimeZoneContext.Provider value={timeZone}>{children}</TimeZoneContext.Provider>;
}

/** The zone set by the nearest {@link TimeZoneProvider} (UTC when there is none). */
export function useTimeZone(): string {
  return useContext(TimeZoneContext);
}
