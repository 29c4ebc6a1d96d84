import { prescriptionLapse, refillsLeft } from '../../lib/eligibility';
import type { RequestRuleCheck } from '../types';

/**
 * `prescription.active`: the prescription can be filled today — active, valid through its
 * expiry day, a refill left (the judgment the cart's `prescription.valid` makes per line).
 */
export const requestPrescriptionActive: RequestRuleCheck = ({ prescription: rx, today }) => {
  switch (prescriptionLapse(rx, today)) {
    case 'not_active':
      return { ok: false, detail: `The prescription is ${rx.status} (expired on ${rx.expiresOn}).` };
    case 'expired':
      return { ok: false, detail: `The prescription expired on ${rx.expiresOn}.` };
    case 'no_refills':
      return { ok: false, detail: `No refills left: ${rx.refillsUsed} of ${rx.refillsAuthorized} used.` };
    case null: {
      const left = refillsLeft(rx);
      return { ok: true, detail: `Valid through ${rx.expiresOn}; ${left} of ${rx.refillsAuthorized} refill${rx.refillsAuthorized === 1 ? '' : 's'} left.` };
    }
  }
};
