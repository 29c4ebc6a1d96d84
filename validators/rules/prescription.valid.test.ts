import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { prescriptionValid } from './prescription.valid';

// rx-gaba-bella: 5 refills authorised, 3 used, expires 2025-06-15 + …; see the fixture.
const rxLine = makeLine({ prescriptionId: 'rx-gaba-bella' });

describe('prescription.valid', () => {
  it('passes a line without a prescription and one with a valid prescription', () => {
    expect(run(prescriptionValid, makeContext(), [makeLine()])).toEqual([]);
    expect(run(prescriptionValid, makeContext(), [rxLine])).toEqual([]);
  });

  it('edge: a prescription expiring today is valid; one that expired yesterday is not', () => {
    const expiring = (expiresOn: string) => makeContext((c) => {
      c.prescriptions['rx-gaba-bella']!.expiresOn = expiresOn;
    });
    expect(run(prescriptionValid, expiring('2025-06-15'), [rxLine])).toEqual([]);
    expect(run(prescriptionValid, expiring('2025-06-14'), [rxLine])).toEqual([
      {
        message: 'The prescription expired on 2025-06-14.',
        hint: 'Ask Dr. Ana Ortiz to renew it.',
        fix: { kind: 'request_renewal', prescriptionId: 'rx-gaba-bella', prescriberId: 'ortiz', name: 'Dr. Ana Ortiz' },
      },
    ]);
  });

  it('fails when no refills are left, asking the prescriber who wrote it to renew it', () => {
    const used = makeContext((c) => {
      c.prescriptions['rx-gaba-bella']!.refillsUsed = 5;
    });
    expect(run(prescriptionValid, used, [rxLine])).toEqual([
      {
        message: 'No refills left: 5 of 5 used.',
        hint: 'Ask Dr. Ana Ortiz to renew it.',
        fix: { kind: 'request_renewal', prescriptionId: 'rx-gaba-bella', prescriberId: 'ortiz', name: 'Dr. Ana Ortiz' },
      },
    ]);
  });

  it('fills a never-filled prescription written in vialcart once more than its refills (a C-II has 0)', () => {
    const fresh = makeContext((c) => {
      Object.assign(c.prescriptions['rx-gaba-bella']!, { refillsAuthorized: 0, refillsUsed: 0, originalFillPending: true });
    });
    expect(run(prescriptionValid, fresh, [rxLine])).toEqual([]);
    const twice = run(prescriptionValid, fresh, [rxLine, rxLine]);
    expect(twice.map((f) => f.message)).toEqual([expect.stringMatching(/^2 lines fill this prescription .* but only 1 refill is left\.$/)]);
    // Once filled (or when it came from elsewhere), 0 refills means none left.
    const filled = makeContext((c) => {
      Object.assign(c.prescriptions['rx-gaba-bella']!, { refillsAuthorized: 0, refillsUsed: 0, originalFillPending: false });
    });
    expect(run(prescriptionValid, filled, [rxLine])[0]?.message).toBe('No refills left: 0 of 0 used.');
  });

  it('asks another licensed veterinarian when the one who wrote it can no longer renew it', () => {
    const lapsed = makeContext((c) => {
      c.prescriptions['rx-gaba-bella']!.refillsUsed = 5;
      c.prescribers.ortiz!.licenses = [];
    });
    expect(run(prescriptionValid, lapsed, [rxLine])[0]?.fix).toEqual({ kind: 'request_renewal', prescriptionId: 'rx-gaba-bella', prescriberId: 'okafor', name: 'Dr. Ben Okafor' });
  });

  it('fails a line naming another prescriber than the one who wrote its prescription', () => {
    const [finding, ...rest] = run(prescriptionValid, makeContext(), [makeLine({ prescriptionId: 'rx-gaba-bella', prescriberId: 'okafor' })]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      message: 'The line names Dr. Ben Okafor, but the prescription was written by Dr. Ana Ortiz.',
      hint: 'An order names the veterinarian who wrote its prescription: set the line back to Dr. Ana Ortiz, or ask for a renewal.',
    });
  });

  it('says a discontinued or renewed prescription cannot be filled, without offering a renewal', () => {
    for (const [status, message] of [
      ['discontinued', 'The veterinarian discontinued this prescription.'],
      ['superseded', 'This prescription was renewed; the line still points at the old one.'],
    ] as const) {
      const ctx = makeContext((c) => {
        c.prescriptions['rx-gaba-bella']!.status = status;
      });
      const [finding] = run(prescriptionValid, ctx, [rxLine]);
      expect(finding?.message).toBe(message);
      expect(finding?.fix).toBeUndefined();
    }
  });

  it('edge: the last refill can be used once, not by two lines of the cart', () => {
    const lastOne = makeContext((c) => {
      c.prescriptions['rx-gaba-bella']!.refillsUsed = 4;
    });
    expect(run(prescriptionValid, lastOne, [rxLine])).toEqual([]);
    const twice = [rxLine, makeLine({ id: 'line-2', prescriptionId: 'rx-gaba-bella', shipTo: 'owner' })];
    expect(run(prescriptionValid, lastOne, twice, 1)[0]?.message).toBe(
      '2 lines fill this prescription (with line 1), but only 1 refill is left.',
    );
  });

  it('fails a cancelled prescription, and one for another patient', () => {
    const cancelled = makeContext((c) => {
      c.prescriptions['rx-gaba-bella']!.status = 'cancelled';
    });
    expect(run(prescriptionValid, cancelled, [rxLine])[0]?.message).toBe('The prescription is cancelled.');
    expect(run(prescriptionValid, makeContext(), [makeLine({ patientId: 'milo', prescriptionId: 'rx-gaba-bella' })])[0]?.message).toBe(
      'The prescription on this line is for another patient or medication.',
    );
  });

  it('fails a prescription that is not on file', () => {
    expect(run(prescriptionValid, makeContext(), [makeLine({ prescriptionId: 'rx-gone' })])).toHaveLength(1);
  });
});
