import { clinicDay } from '../../app/services/platform/clock.server';
import { DEMO_TIMEZONE } from '../../db/seed';

/** Today in the demo clinics' time zone by the services' clock: the day services compare dates on. */
export function demoToday(): string {
  return clinicDay(DEMO_TIMEZONE);
}
