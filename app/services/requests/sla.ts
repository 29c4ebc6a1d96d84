/**
 * A request's service levels, pure: the clinic's settings (targets per queue, end of day,
 * reminder and escalation) and the timers of a request routed to a queue.
 */
import { TARGETED_QUEUES, addDays, calendarDay, zonedInstant, type RequestQueue, type TargetedQueue } from '../../../validators/vocabulary';

export { zonedInstant };

/** A clinic's request settings (clinics.sla_settings, with defaults for what is unset). */
export type SlaSettings = {
  /** Minutes to the target per queue; exception_prescription's target is the end of the clinic's day. */
  targetMinutes: Record<TargetedQueue, number>;
  /** "HH:MM" in the clinic's time zone: when "same day" ends. */
  dayEndsAt: string;
  /** Reminder of urgent technician requests, minutes after intake. */
  urgentReminderMinutes: number;
  /** Escalation to the escalation contact, minutes after intake (or at the target when that is later). */
  escalateAfterMinutes: number;
  /** Runs out within this many days → urgent. */
  urgentWithinDays: number;
  /** A dose change this recent needs a veterinarian's review. */
  doseChangeDays: number;
};

export const DEFAULT_SLA: SlaSettings = {
  targetMinutes: { tech_urgent: 120, tech_standard: 240, vet_review: 120, exception_exam: 1440, front_desk: 60 },
  dayEndsAt: '18:00',
  urgentReminderMinutes: 30,
  escalateAfterMinutes: 240,
  urgentWithinDays: 2,
  doseChangeDays: 30,
};

const int = (v: unknown, min: number, max: number, fallback: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;

/** The settings stored in clinics.sla_settings, each unset or invalid value replaced by its default. */
export function readSlaSettings(raw: unknown): SlaSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const t = (r.targetMinutes && typeof r.targetMinutes === 'object' ? r.targetMinutes : {}) as Record<string, unknown>;
  const d = DEFAULT_SLA;
  return {
    // Stored with the queue names as keys; read through the database client's CamelCasePlugin,
    // which renames nested keys too, they come back as `techUrgent`: accept both.
    targetMinutes: Object.fromEntries(TARGETED_QUEUES.map((q) => [q, int(t[q] ?? t[q.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())], 5, 10080, d.targetMinutes[q])])) as SlaSettings['targetMinutes'],
    dayEndsAt: typeof r.dayEndsAt === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(r.dayEndsAt) ? r.dayEndsAt : d.dayEndsAt,
    urgentReminderMinutes: int(r.urgentReminderMinutes, 5, 1440, d.urgentReminderMinutes),
    escalateAfterMinutes: int(r.escalateAfterMinutes, 15, 10080, d.escalateAfterMinutes),
    urgentWithinDays: int(r.urgentWithinDays, 0, 14, d.urgentWithinDays),
    doseChangeDays: int(r.doseChangeDays, 0, 365, d.doseChangeDays),
  };
}

/** When a request routed to `queue` at `at` is due, is reminded, and escalates. */
export function slaTimers(queue: RequestQueue, at: Date, settings: SlaSettings, timeZone: string): { dueAt: Date; remindAt: Date; escalateAt: Date } {
  const plus = (minutes: number) => new Date(at.getTime() + minutes * 60_000);
  let dueAt: Date;
  if (queue === 'exception_prescription') {
    // "Call the owner the same day": by the end of the clinic's day, or tomorrow's when it has ended.
    const day = calendarDay(at, timeZone);
    dueAt = zonedInstant(day, settings.dayEndsAt, timeZone);
    if (dueAt.getTime() <= at.getTime()) {
      dueAt = zonedInstant(addDays(day, 1), settings.dayEndsAt, timeZone);
    }
  } else {
    dueAt = plus(settings.targetMinutes[queue]);
  }
  const remindAt = queue === 'tech_urgent' ? new Date(Math.min(dueAt.getTime(), plus(settings.urgentReminderMinutes).getTime())) : dueAt;
  const escalateAt = new Date(Math.max(plus(settings.escalateAfterMinutes).getTime(), dueAt.getTime()));
  return { dueAt, remindAt, escalateAt };
}