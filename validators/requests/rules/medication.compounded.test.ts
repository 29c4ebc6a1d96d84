import { describe, expect, it } from 'vitest';
import { requestContext } from '../test-fixtures';
import { requestMedicationCompounded } from './medication.compounded';

describe('medication.compounded (request)', () => {
  it('sends a compounded medication to a veterinarian and dispenses a commercial one', () => {
    expect(requestMedicationCompounded(requestContext())).toEqual({ ok: true, detail: 'Commercial product, dispensed from the clinic.' });
    expect(requestMedicationCompounded(requestContext({ prescription: { compounded: true } }))).toEqual({ ok: false, detail: 'Compounded medication: a veterinarian reviews and signs off.' });
  });
});
