import { describe, expect, it } from 'vitest';
import { requestContext } from '../test-fixtures';
import { requestPrescriptionDoseChange } from './prescription.dose_change';

describe('prescription.dose_change (request)', () => {
  it('asks for a review of a dose changed within the window, the last day included', () => {
    expect(requestPrescriptionDoseChange(requestContext({ prescription: { lastDoseChangeOn: '2026-11-10' } }))).toEqual({ ok: false, detail: 'Dose changed on 2026-11-10 (12 days ago): a veterinarian reviews.' });
    expect(requestPrescriptionDoseChange(requestContext({ prescription: { lastDoseChangeOn: '2026-10-23' } })).ok).toBe(false);
    expect(requestPrescriptionDoseChange(requestContext({ prescription: { lastDoseChangeOn: '2026-10-22' } }))).toEqual({ ok: true, detail: 'Last dose change 2026-10-22.' });
    expect(requestPrescriptionDoseChange(requestContext())).toEqual({ ok: true, detail: 'No recent dose change.' });
  });

  it('reads the window from the clinic', () => {
    expect(requestPrescriptionDoseChange(requestContext({ prescription: { lastDoseChangeOn: '2026-11-10' }, clinic: { doseChangeDays: 7 } })).ok).toBe(true);
  });
});
