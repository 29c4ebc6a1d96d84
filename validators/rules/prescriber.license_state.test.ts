import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { prescriberLicenseState } from './prescriber.license_state';

describe('prescriber.license_state', () => {
  it("passes a prescriber licensed in the clinic's state", () => {
    expect(run(prescriberLicenseState, makeContext(), [makeLine({ prescriberId: 'okafor' })])).toEqual([]);
  });

  it("fails an owner shipment to a state the prescriber is not licensed in, offering a vet who is", () => {
    const line = makeLine({ prescriberId: 'okafor', shipTo: 'owner', shipState: 'NV' });
    const findings = run(prescriberLicenseState, makeContext(), [line]);
    expect(findings).toEqual([
      {
        message: "Dr. Ben Okafor has no licence in NV (the owner's state).",
        hint: 'Switch the prescriber to Dr. Ana Ortiz, licensed in CA and NV.',
        fix: { kind: 'switch_prescriber', prescriberId: 'ortiz', name: 'Dr. Ana Ortiz' },
      },
    ]);
  });

  it("passes an owner shipment when licensed in both the clinic's and the owner's state", () => {
    expect(run(prescriberLicenseState, makeContext(), [makeLine({ shipTo: 'owner', shipState: 'NV' })])).toEqual([]);
  });

  it('only looks at the ship state for owner shipments', () => {
    // A clinic shipment's state is the clinic's; a stray value there must not ask for a licence.
    expect(run(prescriberLicenseState, makeContext(), [makeLine({ prescriberId: 'okafor', shipTo: 'clinic', shipState: 'NV' })])).toEqual([]);
  });

  it('edge: a licence expiring today is active; one that expired yesterday is not', () => {
    const expiringToday = makeContext((c) => {
      c.prescribers.okafor!.licenses = [{ state: 'CA', number: 'VET 17710', expiresOn: '2025-06-15' }];
    });
    expect(run(prescriberLicenseState, expiringToday, [makeLine({ prescriberId: 'okafor' })])).toEqual([]);

    const expiredYesterday = makeContext((c) => {
      c.prescribers.okafor!.licenses = [{ state: 'CA', number: 'VET 17710', expiresOn: '2025-06-14' }];
    });
    const [finding] = run(prescriberLicenseState, expiredYesterday, [makeLine({ prescriberId: 'okafor' })]);
    expect(finding?.message).toBe("Dr. Ben Okafor's licence in CA (the clinic's state) expired on 2025-06-14.");
    expect(finding?.fix).toEqual({ kind: 'switch_prescriber', prescriberId: 'ortiz', name: 'Dr. Ana Ortiz' });
  });

  it('offers no fix when no veterinarian is licensed there, and never a technician', () => {
    const line = makeLine({ shipTo: 'owner', shipState: 'OR' });
    const [finding] = run(prescriberLicenseState, makeContext(), [line]);
    expect(finding?.fix).toBeUndefined();
    expect(finding?.hint).toMatch(/No veterinarian of the clinic holds a current licence in CA and OR/);
  });

  it('fails a prescriber who is not on file', () => {
    const [finding] = run(prescriberLicenseState, makeContext(), [makeLine({ prescriberId: 'ghost' })]);
    expect(finding?.message).toBe('The prescriber on this line is not on file at the clinic.');
    expect(finding?.fix).toMatchObject({ kind: 'switch_prescriber', prescriberId: 'ortiz' });
  });
});
