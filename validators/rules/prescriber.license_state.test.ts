import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run, type ContextDraft } from '../test-fixtures';
import { prescriberLicenseState } from './prescriber.license_state';

// Lines fill Bella's gabapentin prescription, written by Dr. Okafor unless a test says otherwise.
// A fix never swaps the prescriber on it: it asks a veterinarian who can to renew it.
const byOkafor = (change?: (c: ContextDraft) => void) =>
  makeContext((c) => {
    c.prescriptions['rx-gaba-bella']!.prescriberId = 'okafor';
    change?.(c);
  });
const okaforLine = (over: Parameters<typeof makeLine>[0] = {}) => makeLine({ prescriberId: 'okafor', prescriptionId: 'rx-gaba-bella', ...over });

describe('prescriber.license_state', () => {
  it("passes a prescriber licensed in the clinic's state", () => {
    expect(run(prescriberLicenseState, makeContext(), [makeLine({ prescriberId: 'okafor' })])).toEqual([]);
  });

  it('fails an owner shipment to a state the prescriber is not licensed in, asking a vet who is to renew', () => {
    const line = okaforLine({ shipTo: 'owner', shipState: 'NV' });
    const findings = run(prescriberLicenseState, byOkafor(), [line]);
    expect(findings).toEqual([
      {
        message: "Dr. Ben Okafor has no licence in NV (the owner's state).",
        hint: 'Ask Dr. Ana Ortiz, licensed in CA and NV, to renew the prescription.',
        fix: { kind: 'request_renewal', prescriptionId: 'rx-gaba-bella', prescriberId: 'ortiz', name: 'Dr. Ana Ortiz' },
      },
    ]);
  });

  it('offers no one-click fix on a line without a prescription: a licensed veterinarian writes one', () => {
    const [finding] = run(prescriberLicenseState, makeContext(), [makeLine({ prescriberId: 'okafor', shipTo: 'owner', shipState: 'NV' })]);
    expect(finding).toEqual({ message: "Dr. Ben Okafor has no licence in NV (the owner's state).", hint: 'A veterinarian licensed in CA and NV writes the prescription for this line.' });
  });

  it("passes an owner shipment when licensed in both the clinic's and the owner's state", () => {
    expect(run(prescriberLicenseState, makeContext(), [makeLine({ shipTo: 'owner', shipState: 'NV' })])).toEqual([]);
  });

  it('only looks at the ship state for owner shipments', () => {
    // A clinic shipment's state is the clinic's; a stray value there must not ask for a licence.
    expect(run(prescriberLicenseState, makeContext(), [makeLine({ prescriberId: 'okafor', shipTo: 'clinic', shipState: 'NV' })])).toEqual([]);
  });

  it('edge: a licence expiring today is active; one that expired yesterday is not', () => {
    const expiringToday = byOkafor((c) => {
      c.prescribers.okafor!.licenses = [{ state: 'CA', number: 'VET 17710', expiresOn: '2025-06-15' }];
    });
    expect(run(prescriberLicenseState, expiringToday, [okaforLine()])).toEqual([]);

    const expiredYesterday = byOkafor((c) => {
      c.prescribers.okafor!.licenses = [{ state: 'CA', number: 'VET 17710', expiresOn: '2025-06-14' }];
    });
    const [finding] = run(prescriberLicenseState, expiredYesterday, [okaforLine()]);
    expect(finding?.message).toBe("Dr. Ben Okafor's licence in CA (the clinic's state) expired on 2025-06-14.");
    expect(finding?.fix).toEqual({ kind: 'request_renewal', prescriptionId: 'rx-gaba-bella', prescriberId: 'ortiz', name: 'Dr. Ana Ortiz' });
  });

  it('offers no fix when no veterinarian is licensed there, and never a technician', () => {
    const line = makeLine({ shipTo: 'owner', shipState: 'OR', prescriptionId: 'rx-gaba-bella' });
    const [finding] = run(prescriberLicenseState, makeContext(), [line]);
    expect(finding?.fix).toBeUndefined();
    expect(finding?.hint).toMatch(/No veterinarian of the clinic holds a current licence in CA and OR/);
  });

  it('fails a prescriber who is not on file', () => {
    const [finding] = run(prescriberLicenseState, makeContext(), [makeLine({ prescriberId: 'ghost', prescriptionId: 'rx-gaba-bella' })]);
    expect(finding?.message).toBe('The prescriber on this line is not on file at the clinic.');
    expect(finding?.fix).toMatchObject({ kind: 'request_renewal', prescriberId: 'ortiz' });
  });
});
