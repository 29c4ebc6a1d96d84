import { describe, expect, it } from 'vitest';
import { requestContext } from '../test-fixtures';
import { requestPrescriptionActive } from './prescription.active';

describe('prescription.active (request)', () => {
  it('passes a prescription valid through today with a refill left, and says how many are left', () => {
    expect(requestPrescriptionActive(requestContext())).toEqual({ ok: true, detail: 'Valid through 2027-06-01; 4 of 5 refills left.' });
    expect(requestPrescriptionActive(requestContext({ prescription: { expiresOn: '2026-11-22', refillsAuthorized: 1, refillsUsed: 0 } }))).toEqual({ ok: true, detail: 'Valid through 2026-11-22; 1 of 1 refill left.' });
  });

  it('names the first reason it cannot be filled: not active, expired, out of refills', () => {
    expect(requestPrescriptionActive(requestContext({ prescription: { status: 'cancelled', expiresOn: '2026-01-01' } }))).toEqual({ ok: false, detail: 'The prescription is cancelled (expired on 2026-01-01).' });
    expect(requestPrescriptionActive(requestContext({ prescription: { expiresOn: '2026-11-21', refillsUsed: 5 } }))).toEqual({ ok: false, detail: 'The prescription expired on 2026-11-21.' });
    expect(requestPrescriptionActive(requestContext({ prescription: { refillsUsed: 5 } }))).toEqual({ ok: false, detail: 'No refills left: 5 of 5 used.' });
  });
});
