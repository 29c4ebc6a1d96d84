import { describe, expect, it } from 'vitest';
import { requestContext } from '../test-fixtures';
import { requestPatientWellness } from './patient.wellness';

describe('patient.wellness (request)', () => {
  it('passes an exam within the window, exactly a window ago included', () => {
    expect(requestPatientWellness(requestContext())).toEqual({ ok: true, detail: 'Last wellness exam 2026-05-01, within 12 months.' });
    expect(requestPatientWellness(requestContext({ patient: { lastWellnessExamOn: '2025-11-22' } })).ok).toBe(true);
  });

  it('fails an overdue exam and a missing one, by the clinic’s window', () => {
    expect(requestPatientWellness(requestContext({ patient: { lastWellnessExamOn: '2025-11-21' } }))).toEqual({ ok: false, detail: 'Last wellness exam 2025-11-21, more than 12 months ago.' });
    expect(requestPatientWellness(requestContext({ patient: { lastWellnessExamOn: '2026-04-01' }, clinic: { wellnessWindowMonths: 6 } })).detail).toBe('Last wellness exam 2026-04-01, more than 6 months ago.');
    expect(requestPatientWellness(requestContext({ patient: { lastWellnessExamOn: null } }))).toEqual({ ok: false, detail: 'No wellness exam on record.' });
  });
});
