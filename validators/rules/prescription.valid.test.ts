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
      { message: 'The prescription expired on 2025-06-14.', hint: 'Ask the veterinarian for a new prescription.' },
    ]);
  });

  it('fails when no refills are left', () => {
    const used = makeContext((c) => {
      c.prescriptions['rx-gaba-bella']!.refillsUsed = 5;
    });
    expect(run(prescriptionValid, used, [rxLine])[0]?.message).toBe('No refills left: 5 of 5 used.');
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
