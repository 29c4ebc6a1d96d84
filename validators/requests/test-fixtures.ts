/** A matched request's context for the request-check tests: Luna, an active cat, and a commercial prescription with refills left. */
import type { RequestContext } from './types';

type Over = { today?: string; clinic?: Partial<RequestContext['clinic']>; patient?: Partial<RequestContext['patient']>; prescription?: Partial<RequestContext['prescription']> };

export function requestContext(over: Over = {}): RequestContext {
  return {
    today: over.today ?? '2026-11-22',
    clinic: { wellnessWindowMonths: 12, doseChangeDays: 30, ...over.clinic },
    patient: { name: 'Luna', status: 'active', lastWellnessExamOn: '2026-05-01', ...over.patient },
    prescription: {
      status: 'active',
      expiresOn: '2027-06-01',
      refillsAuthorized: 5,
      refillsUsed: 1,
      controlledSchedule: null,
      compounded: false,
      lastDoseChangeOn: null,
      ...over.prescription,
    },
  };
}
