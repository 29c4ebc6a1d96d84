/**
 * The request queues (docs/refill-requests.md): where an owner's refill request waits for
 * staff. The names are API contract values and must not change.
 */

/** Every request queue, in the order staff scan them (urgent work first, calls last). */
export const REQUEST_QUEUES = [
  'tech_urgent',
  'tech_standard',
  'vet_review',
  'exception_prescription',
  'exception_exam',
  'front_desk',
] as const;

/** A request queue's name, as stored and as the API shows it. */
export type RequestQueue = (typeof REQUEST_QUEUES)[number];

/** Whether a string names a request queue. */
export function isRequestQueue(value: string): value is RequestQueue {
  return (REQUEST_QUEUES as readonly string[]).includes(value);
}
