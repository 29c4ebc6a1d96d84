import { describe, expect, it } from 'vitest';
import { matchRequest, medicationScore, similarity } from './matching';
import { TODAY, owner, pet, rx } from './test-fixtures';

describe('similarity', () => {
  it('allows a typo or a swap in longer words but never matches short different names', () => {
    expect(similarity('methimazol', 'methimazole')).toBeGreaterThan(0.8);
    expect(similarility('gabapentn')).toBeGreaterThan(0.8);
    expect(similarity('max', 'mia')).toBe(0);
    expect(similarity('luna', 'lucy')).toBe(0);
  });
});
function similarility(word: string) {
  return similarity(word, 'gabapentin');
}

describe('matchRequest', () => {
  it('finds the prescription by brand name and typo', () => {
    const owners = [owner([pet('p-1', 'Luna', [rx()])])];
    expect(matchRequest({ patientName: 'luna', medication: 'Felimazole' }, owners, TODAY)).toMatchObject({ patientId: 'p-1', prescriptionId: 'rx-1', problem: null });
    expect(matchRequest({ patientName: 'Lunaa', medication: 'methimazol gel' }, owners, TODAY).prescriptionId).toBe('rx-1');
    expect(medicationScore('tapazole 5mg', rx())).toBe(1);
  });

  it('tells two pets of the same name apart by their medication, and otherwise asks the front desk', () => {
    const apoquel = rx({ id: 'rx-2', medicationId: 'm-2', medicationName: 'Oclacitinib', synonyms: ['Apoquel'], compounded: false });
    const owners = [owner([pet('p-1', 'Max', [rx()]), pet('p-2', 'Max', [apoquel])])];
    expect(matchRequest({ patientName: 'Max', medication: 'apoquel' }, owners, TODAY).patientId).toBe('p-2');
    const both = [owner([pet('p-1', 'Max', [rx()]), pet('p-2', 'Max', [rx({ id: 'rx-3' })])])];
    const r = matchRequest({ patientName: 'Max', medication: 'methimazole' }, both, TODAY);
    expect(r.problem).toBe('patient_ambiguous');
    expect(r.candidates.map((c) => c.id)).toEqual(['p-1', 'p-2']);
  });

  it('prefers the one usable prescription among renewals, and never picks between two usable strengths', () => {
    const old = rx({ id: 'rx-old', status: 'expired', expiresOn: '2026-01-01', writtenOn: '2025-01-01' });
    expect(matchRequest({ patientName: 'Luna', medication: 'methimazole' }, [owner([pet('p-1', 'Luna', [old, rx()])])], TODAY).prescriptionId).toBe('rx-1');
    const twoStrengths = [owner([pet('p-1', 'Luna', [rx(), rx({ id: 'rx-25', medicationId: 'm-25', strength: '2.5 mg/0.1 mL' })])])];
    const r = matchRequest({ patientName: 'Luna', medication: 'methimazole' }, twoStrengths, TODAY);
    expect(r.problem).toBe('prescription_ambiguous');
    expect(r.candidates).toHaveLength(2);
  });

  it('scans the whole SMS text for a pet name when the parse missed it', () => {
    const owners = [owner([pet('p-1', 'Mochi', [rx()]), pet('p-2', 'Tofu', [])])];
    expect(matchRequest({ patientName: '', medication: '', text: 'mochi needs her felimazole' }, owners, TODAY)).toMatchObject({ patientId: 'p-1', prescriptionId: 'rx-1' });
  });

  it('reports what is missing', () => {
    expect(matchRequest({ patientName: 'Luna', medication: 'x' }, [], TODAY).problem).toBe('owner_not_found');
    expect(matchRequest({ patientName: 'Zed', medication: 'x' }, [owner([pet('p-1', 'Luna', [])])], TODAY).problem).toBe('patient_not_found');
    expect(matchRequest({ patientName: 'Luna', medication: 'insulin' }, [owner([pet('p-1', 'Luna', [rx()])])], TODAY).problem).toBe('prescription_not_found');
  });
});
