import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, makeSig, run } from '../test-fixtures';
import { sigComplete } from './sig.complete';

const ctx = makeContext();

describe('sig.complete', () => {
  it('passes a SIG with dose, route and frequency', () => {
    expect(run(sigComplete, ctx, [makeLine()])).toEqual([]);
  });

  it('names the one missing part and offers to edit it', () => {
    const line = makeLine({ sig: 'Give 0.5 ml twice daily', parsedSig: makeSig({ complete: false, missing: ['route'], route: undefined }) });
    const [finding, ...rest] = run(sigComplete, ctx, [line]);
    expect(rest).toEqual([]);
    expect(finding?.message).toBe('The directions (SIG) do not say the route.');
    expect(finding?.fix).toEqual({ kind: 'edit_sig', missing: ['route'] });
  });

  it('names every missing part of "as directed"', () => {
    const line = makeLine({
      sig: 'Use as directed',
      parsedSig: { complete: false, missing: ['dose', 'route', 'frequency'], asNeeded: false },
    });
    const [finding] = run(sigComplete, ctx, [line]);
    expect(finding?.message).toBe('The directions (SIG) do not say the dose, route or frequency.');
    expect(finding?.fix).toEqual({ kind: 'edit_sig', missing: ['dose', 'route', 'frequency'] });
  });

  it('says an empty SIG is empty', () => {
    const line = makeLine({ sig: '  ', parsedSig: { complete: false, missing: ['dose', 'route', 'frequency'], asNeeded: false } });
    expect(run(sigComplete, ctx, [line])[0]?.message).toBe('The directions (SIG) are empty.');
  });

  it('edge: an incomplete SIG whose missing list is empty still names what was not found', () => {
    const line = makeLine({ parsedSig: makeSig({ complete: false, missing: [], frequency: undefined, timesPerDay: undefined }) });
    expect(run(sigComplete, ctx, [line])[0]?.fix).toEqual({ kind: 'edit_sig', missing: ['frequency'] });
  });
});
