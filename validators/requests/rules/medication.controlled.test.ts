import { describe, expect, it } from 'vitest';
import { requestContext } from '../test-fixtures';
import { requestMedicationControlled } from './medication.controlled';

describe('medication.controlled (request)', () => {
  it('asks for a veterinarian with DEA for a controlled substance', () => {
    expect(requestMedicationControlled(requestContext())).toEqual({ ok: true, detail: 'Not a controlled substance.' });
    expect(requestMedicationControlled(requestContext({ prescription: { controlledSchedule: 'IV' } }))).toEqual({ ok: false, detail: 'Schedule IV controlled substance: a veterinarian with DEA registration approves.' });
  });
});
