import { describe, expect, it } from 'vitest';
import { requestContext } from '../test-fixtures';
import { requestPatientActive } from './patient.active';

describe('patient.active (request)', () => {
  it('passes an active patient and names an inactive or deceased one', () => {
    expect(requestPatientActive(requestContext())).toEqual({ ok: true, detail: 'Luna is an active patient.' });
    expect(requestPatientActive(requestContext({ patient: { status: 'deceased' } }))).toEqual({ ok: false, detail: 'Luna is deceased.' });
    expect(requestPatientActive(requestContext({ patient: { status: 'inactive' } })).ok).toBe(false);
  });
});
