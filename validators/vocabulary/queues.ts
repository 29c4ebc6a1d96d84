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

/**
 * The queues with a target in minutes, which a manager sets in Settings. The prescription
 * exception has none: it is due by the end of the clinic's day.
 */
export const TARGETED_QUEUES = REQUEST_QUEUES.filter((q): q is Exclude<RequestQueue, 'exception_prescription'> => q !== 'exception_prescription');

/** A queue with a target in minutes. */
export type TargetedQueue = Exclude<RequestQueue, 'exception_prescription'>;

/** The queues whose work is a phone call to the owner. */
export const CALL_QUEUES = ['front_desk', 'exception_prescription'] as const satisfies readonly RequestQueue[];

/** Whether a string names a request queue. */
export function isRequestQueue(value: string): value is RequestQueue {
  return (REQUEST_QUEUES as readonly string[]).includes(value);
}
