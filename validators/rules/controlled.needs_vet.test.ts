import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { controlledNeedsVet } from './controlled.needs_vet';

const ctx = makeContext();
const tramadol = { offerId: 'tram-cascade', medicationId: 'tramadol', pharmacyId: 'cascade' };

describe('controlled.needs_vet', () => {
  it('passes a controlled line entered manually by the prescriber', () => {
    expect(run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source: 'manual' })])).toEqual([]);
  });

  it('passes a non-controlled quickfill without sign-off', () => {
    expect(run(controlledNeedsVet, ctx, [makeLine({ source: 'quickfill' })])).toEqual([]);
  });

  it.each(['quickfill', 'reorder', 'request'] as const)('fails a controlled %s line without sign-off', (source) => {
    const [finding] = run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source })]);
    expect(finding?.message).toMatch(/^Tramadol 25 mg capsules is C-IV and came from .*; a veterinarian has not signed it off\.$/);
  });

  it('passes when a veterinarian with DEA for the schedule signed it off', () => {
    expect(run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source: 'request', vetSignedOffBy: 'ortiz' })])).toEqual([]);
  });

  it('fails a sign-off by a technician or an unknown user', () => {
    for (const who of ['tran', 'stranger']) {
      const [finding] = run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source: 'quickfill', vetSignedOffBy: who })]);
      expect(finding?.message).toMatch(/signed off by someone who is not a veterinarian/);
    }
  });

  it('edge: fails a sign-off by a veterinarian without DEA, or whose DEA expired yesterday', () => {
    const [noDea] = run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source: 'quickfill', vetSignedOffBy: 'okafor' })]);
    expect(noDea?.message).toBe('Tramadol 25 mg capsules is C-IV; Dr. Ben Okafor signed it off but has no active DEA registration for schedule IV in CA.');
    const expired = makeContext((c) => {
      c.prescribers.ortiz!.deaRegistrations = [{ state: 'CA', number: 'BO1234563', schedules: ['IV'], expiresOn: '2025-06-14' }];
    });
    expect(run(controlledNeedsVet, expired, [makeLine({ ...tramadol, source: 'quickfill', vetSignedOffBy: 'ortiz' })])).toHaveLength(1);
  });
});
