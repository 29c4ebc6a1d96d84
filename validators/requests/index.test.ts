import { describe, expect, it } from 'vitest';
import { REQUEST_CHECK_IDS, REQUEST_RULES, checkRequest, needsVetReview } from './index';
import { requestContext } from './test-fixtures';

describe('checkRequest', () => {
  it('answers every check in order, each with a sentence', () => {
    const checks = checkRequest(requestContext({ prescription: { compounded: true } }));
    expect(checks.map((c) => c.check)).toEqual([...REQUEST_CHECK_IDS]);
    expect(checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(['medication.compounded']);
    expect(checks.every((c) => c.detail.length > 0)).toBe(true);
  });

  it('knows which failures wait for a veterinarian and which are exceptions', () => {
    expect(REQUEST_CHECK_IDS.filter(needsVetReview)).toEqual(['medication.controlled', 'medication.compounded', 'prescription.dose_change']);
    expect(needsVetReview('match.owner')).toBe(false);
    expect(REQUEST_RULES['patient.wellness'].failure).toBe('exception');
  });
});
