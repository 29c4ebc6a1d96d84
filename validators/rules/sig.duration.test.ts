import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, makeSig, run } from '../test-fixtures';
import { sigDuration } from './sig.duration';

const ctx = makeContext();

describe('sig.duration', () => {
  it('passes a SIG with a duration', () => {
    expect(run(sigDuration, ctx, [makeLine()])).toEqual([]);
  });

  it('warns when there is no duration and offers to add one', () => {
    const [finding] = run(sigDuration, ctx, [makeLine({ parsedSig: makeSig({ durationDays: undefined }) })]);
    expect(finding?.message).toBe('The directions (SIG) give no duration.');
    expect(finding?.fix).toEqual({ kind: 'edit_sig', missing: ['duration'] });
  });

  it('edge: a one-day course is a duration', () => {
    expect(run(sigDuration, ctx, [makeLine({ parsedSig: makeSig({ durationDays: 1 }) })])).toEqual([]);
  });
});
