/** Facts for the requests room's pure tests: Luna's methimazole gel, and owners and pets around it. */
import type { OwnerFacts, PrescriptionFacts } from './matching';

export const TODAY = '2026-11-22';

export function rx(over: Partial<PrescriptionFacts> = {}): PrescriptionFacts {
  return {
    id: 'rx-1', medicationId: 'm-1', medicationName: 'Methimazole', strength: '5 mg/0.1 mL', form: 'transdermal gel', synonyms: ['Felimazole', 'Tapazole'],
    controlledSchedule: null, compounded: true, sig: 'Apply 0.1 ml to inner pinna BID', status: 'active', writtenOn: '2026-06-01', expiresOn: '2027-06-01',
    refillsAuthorized: 5, refillsUsed: 1, lastDoseChangeOn: null, standingOrder: false, ...over,
  };
}

export const owner = (pets: OwnerFacts['pets']): OwnerFacts => ({ id: 'c-1', name: 'Ana Garcia', pets });
export const pet = (id: string, name: string, prescriptions: PrescriptionFacts[], over: Partial<OwnerFacts['pets'][number]> = {}) => ({
  id, name, species: 'cat', status: 'active' as const, lastWellnessExamOn: '2026-05-01', prescriptions, ...over,
});
