import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { patientActive } from './patient.active';

describe('patient.active', () => {
  it('passes an active patient', () => {
    expect(run(patientActive, makeContext(), [makeLine()])).toEqual([]);
  });

  it.each(['deceased', 'inactive'] as const)('fails a patient marked %s', (status) => {
    const ctx = makeContext((c) => {
      c.patients.bella!.status = status;
    });
    const [finding] = run(patientActive, ctx, [makeLine()]);
    expect(finding?.message).toBe(`Bella is marked ${status}.`);
    expect(finding?.hint).toEqual(status === 'deceased' ? 'Remove this line.' : expect.stringMatching(/^Reactivate/));
  });

  it('edge: fails a patient who is not on file', () => {
    expect(run(patientActive, makeContext(), [makeLine({ patientId: 'nobody' })])[0]?.message).toBe(
      'This patient is not on file at the clinic.',
    );
  });
});
