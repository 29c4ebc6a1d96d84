import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { controlledNeedsVet } from './controlled.needs_vet';

const ctx = makeContext();
const tramadol = { offerId: 'tram-cascade', medicationId: 'tramadol', pharmacyId: 'cascade' };

describe('controlled.needs_vet', () => {
  it('fails a controlled line entered manually without a sign-off: the source does not exempt it', () => {
    const [finding] = run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source: 'manual' })]);
    expect(finding?.message).toBe('Tramadol 25 mg capsules is C-IV; a veterinarian has not signed it off.');
  });

  it('fails a line whose content changed after it was signed off, naming who signed', () => {
    const [finding] = run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source: 'request', staleSignoffBy: 'Dr. Ana Ortiz' })]);
    expect(finding?.message).toBe('Tramadol 25 mg capsules is C-IV; the line changed after Dr. Ana Ortiz signed it off, so it needs a new sign-off.');
  });

  it("fails when the signer's DEA does not cover the owner's state of an out-of-state shipment", () => {
    const [finding] = run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source: 'manual', vetSignedOffBy: 'ortiz', shipTo: 'owner', shipState: 'AZ' })]);
    expect(finding?.message).toMatch(/has no active DEA registration for schedule IV in AZ\.$/);
  });

  it('passes a non-controlled quickfill without sign-off', () => {
    expect(run(controlledNeedsVet, ctx, [makeLine({ source: 'quickfill' })])).toEqual([]);
  });

  it.each(['manual', 'quickfill', 'reorder', 'request'] as const)('fails a controlled %s line without sign-off', (source) => {
    const [finding] = run(controlledNeedsVet, ctx, [makeLine({ ...tramadol, source })]);
    expect(finding?.message).toBe('Tramadol 25 mg capsules is C-IV; a veterinarian has not signed it off.');
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
