import { daysBetween } from '../../lib/eligibility';
import type { RequestRuleCheck } from '../types';

/** `prescription.dose_change`: a dose changed within the clinic's window (30 days by default) needs a veterinarian's review. */
export const requestPrescriptionDoseChange: RequestRuleCheck = ({ prescription: rx, clinic, today }) => {
  const changed = rx.lastDoseChangeOn;
  if (changed === null) return { ok: true, detail: 'No recent dose change.' };
  const daysAgo = daysBetween(changed, today);
  return daysAgo <= clinic.doseChangeDays
    ? { ok: false, detail: `Dose changed on ${changed} (${daysAgo} days ago): a veterinarian reviews.` }
    : { ok: true, detail: `Last dose change ${changed}.` };
};
