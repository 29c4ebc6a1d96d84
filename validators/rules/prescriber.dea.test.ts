import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { prescriberDea } from './prescriber.dea';

const bupe = { patientId: 'milo', offerId: 'bupe-sunset', medicationId: 'buprenorphine', pharmacyId: 'sunset', prescriptionId: 'rx-bupe-milo' };
const hydro = { patientId: 'bella', offerId: 'hydro-sunset', medicationId: 'hydrocodone', pharmacyId: 'sunset' };

describe('prescriber.dea', () => {
  it('ignores medications that are not controlled', () => {
    expect(run(prescriberDea, makeContext(), [makeLine({ prescriberId: 'okafor' })])).toEqual([]);
  });

  it('passes a C-III line by a prescriber with an active CA registration for schedule III', () => {
    expect(run(prescriberDea, makeContext(), [makeLine(bupe)])).toEqual([]);
  });

  // The fix asks a veterinarian with DEA to renew the prescription (written by Dr. Okafor
  // here); it never puts another veterinarian's name on his prescription.
  const byOkafor = makeContext((c) => {
    c.prescriptions['rx-bupe-milo']!.prescriberId = 'okafor';
  });

  it('fails a prescriber without DEA and asks one with it to renew the prescription', () => {
    const [finding, ...rest] = run(prescriberDea, byOkafor, [makeLine({ ...bupe, prescriberId: 'okafor' })]);
    expect(rest).toEqual([]);
    expect(finding?.message).toBe(
      'Buprenorphine 0.3 mg/ml oral transmucosal is C-III; Dr. Ben Okafor has no active DEA registration covering schedule III in CA.',
    );
    expect(finding?.hint).toBe('Ask Dr. Ana Ortiz, who holds one, to renew the prescription.');
    expect(finding?.fix).toEqual({ kind: 'request_renewal', prescriptionId: 'rx-bupe-milo', prescriberId: 'ortiz', name: 'Dr. Ana Ortiz' });
  });

  it('offers no one-click fix on a line without a prescription: a veterinarian with DEA writes one', () => {
    const { prescriptionId: _, ...manual } = bupe;
    const [finding] = run(prescriberDea, makeContext(), [makeLine({ ...manual, prescriberId: 'okafor' })]);
    expect(finding?.fix).toBeUndefined();
    expect(finding?.hint).toBe('A veterinarian with a DEA registration covering schedule III in CA writes the prescription for this line.');
  });

  it('requires the narcotic class: a 3N-only registration does not cover buprenorphine', () => {
    const ctx = makeContext((c) => {
      c.prescribers.ortiz!.deaRegistrations = [{ state: 'CA', number: 'BO1234563', schedules: ['IIN', 'IIIN', 'IV', 'V'], expiresOn: '2027-01-31' }];
    });
    expect(run(prescriberDea, ctx, [makeLine(bupe)])[0]?.message).toMatch(/covering schedule III in CA/);
  });

  it("requires the registration in the owner's state for owner shipments", () => {
    const ctx = makeContext((c) => {
      c.prescribers.ortiz!.deaRegistrations = c.prescribers.ortiz!.deaRegistrations.filter((r) => r.state === 'CA');
    });
    const [finding] = run(prescriberDea, ctx, [makeLine({ ...bupe, shipTo: 'owner', shipState: 'NV' })]);
    expect(finding?.message).toMatch(/in NV\.$/);
    expect(finding?.fix).toBeUndefined();
  });

  it('edge: a registration expiring today is active; one that expired yesterday is not', () => {
    const on = (expiresOn: string) =>
      makeContext((c) => {
        c.prescribers.ortiz!.deaRegistrations = [{ state: 'CA', number: 'BO1234563', schedules: ['III'], expiresOn }];
      });
    expect(run(prescriberDea, on('2025-06-15'), [makeLine(bupe)])).toEqual([]);
    expect(run(prescriberDea, on('2025-06-14'), [makeLine(bupe)])).toHaveLength(1);
  });

  it('fails a C-II prescription that authorises refills', () => {
    const ctx = makeContext((c) => {
      c.prescriptions['rx-hydro'] = {
        id: 'rx-hydro', patientId: 'bella', medicationId: 'hydrocodone', refillsAuthorized: 1, refillsUsed: 0,
        writtenOn: '2025-06-01', expiresOn: '2025-12-01', status: 'active',
      };
    });
    const [finding] = run(prescriberDea, ctx, [makeLine({ ...hydro, prescriptionId: 'rx-hydro' })]);
    expect(finding?.message).toBe('Hydrocodone 1 mg/ml oral solution is C-II and cannot be refilled, but its prescription authorises 1 refill(s).');
  });

  it('fails a C-III–V prescription with more than 5 refills; exactly 5 passes', () => {
    const refills = (n: number) => makeContext((c) => {
      c.prescriptions['rx-bupe-milo']!.refillsAuthorized = n;
    });
    expect(run(prescriberDea, refills(5), [makeLine(bupe)])).toEqual([]);
    expect(run(prescriberDea, refills(6), [makeLine(bupe)])[0]?.message).toMatch(/at most 5 refills, this one authorises 6/);
  });

  it('edge: a C-III–V prescription is good through the day six months after it was written', () => {
    const written = (writtenOn: string) => makeContext((c) => {
      c.prescriptions['rx-bupe-milo']!.writtenOn = writtenOn;
    });
    expect(run(prescriberDea, written('2024-12-15'), [makeLine(bupe)])).toEqual([]);
    expect(run(prescriberDea, written('2024-12-14'), [makeLine(bupe)])[0]?.message).toMatch(/written on 2024-12-14, more than six months ago/);
  });

  it('fails when the medication is unknown rather than assume it is not controlled', () => {
    expect(run(prescriberDea, makeContext(), [makeLine({ medicationId: 'nope' })])).toHaveLength(1);
  });

  it('uses the DEA list to tell a non-narcotic C-III (ketamine) needs IIIN', () => {
    const ctx = makeContext((c) => {
      c.medications.ketamine = { ...c.medications.buprenorphine!, id: 'ketamine', name: 'Ketamine 100 mg/ml', ingredients: ['ketamine'] };
      c.prescribers.ortiz!.deaRegistrations = [{ state: 'CA', number: 'BO1234563', schedules: ['IIIN'], expiresOn: '2027-01-31' }];
    });
    expect(run(prescriberDea, ctx, [makeLine({ medicationId: 'ketamine' })])).toEqual([]);
  });
});
