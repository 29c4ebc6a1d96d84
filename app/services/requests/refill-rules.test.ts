import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SLA,
  checkEligibility,
  effectiveUrgency,
  matchRequest,
  medicationScore,
  normalizePhone,
  parseSmsText,
  readSlaSettings,
  routeRequest,
  similarity,
  slaTimers,
  zonedInstant,
  type OwnerFacts,
  type PrescriptionFacts,
} from './refill-rules';

const TODAY = '2026-11-22';

function rx(over: Partial<PrescriptionFacts> = {}): PrescriptionFacts {
  return {
    id: 'rx-1', medicationId: 'm-1', medicationName: 'Methimazole', strength: '5 mg/0.1 mL', form: 'transdermal gel', synonyms: ['Felimazole', 'Tapazole'],
    controlledSchedule: null, compounded: true, sig: 'Apply 0.1 ml to inner pinna BID', status: 'active', writtenOn: '2026-06-01', expiresOn: '2027-06-01',
    refillsAuthorized: 5, refillsUsed: 1, lastDoseChangeOn: null, standingOrder: false, ...over,
  };
}

const owner = (pets: OwnerFacts['pets']): OwnerFacts => ({ id: 'c-1', name: 'Ana Garcia', pets });
const pet = (id: string, name: string, prescriptions: PrescriptionFacts[], over: Partial<OwnerFacts['pets'][number]> = {}) => ({
  id, name, species: 'cat', status: 'active' as const, lastWellnessExamOn: '2026-05-01', prescriptions, ...over,
});

describe('normalizePhone', () => {
  it.each([
    ['(916) 555-0123', '+19165550123'],
    ['916.555.0123', '+19165550123'],
    ['1 916 555 0123', '+19165550123'],
    ['+44 20 7946 0958', '+442079460958'],
    ['555-0123', null],
    ['', null],
  ])('%s → %s', (input, out) => expect(normalizePhone(input)).toBe(out));
});

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

describe('parseSmsText', () => {
  it('reads the pet, the medication and days left', () => {
    expect(parseSmsText('need more methimazole for Luna, 3 days left')).toEqual({ patientName: 'Luna', medication: 'methimazole', daysLeft: 3, urgency: 'routine' });
    expect(parseSmsText('Hi, need more Apoquel for Max, out today. Thanks!')).toMatchObject({ patientName: 'Max', medication: 'Apoquel', daysLeft: 0, urgency: 'today' });
    expect(parseSmsText("Bella's felimazole refill pls - 2 doses left")).toMatchObject({ patientName: 'Bella', medication: 'felimazole', dosesLeft: 2 });
    expect(parseSmsText('refill gabapentin for my dog Rocky, one day left')).toMatchObject({ medication: 'gabapentin', daysLeft: 1, urgency: 'soon' });
  });
  it('never throws on garbage', () => {
    for (const s of ['', '!!!', '\u0000'.repeat(10), 'x'.repeat(5000), "'); DROP TABLE x;--"]) expect(() => parseSmsText(s)).not.toThrow();
  });
});

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

describe('eligibility and routing', () => {
  const route = (over: Partial<PrescriptionFacts>, petOver: Record<string, unknown> = {}, urgency: 'routine' | 'today' | 'soon' = 'routine') =>
    routeRequest({ problem: null }, checkEligibility({ name: 'Luna', status: 'active', lastWellnessExamOn: '2026-05-01', ...petOver } as never, rx(over), { wellnessWindowMonths: 12 }, DEFAULT_SLA, TODAY), urgency).queue;

  it('follows the table, first matching row first', () => {
    expect(route({ compounded: false })).toBe('tech_standard');
    expect(route({ compounded: false }, {}, 'soon')).toBe('tech_urgent');
    expect(route({ compounded: true })).toBe('vet_review');
    expect(route({ compounded: false, controlledSchedule: 'IV' })).toBe('vet_review');
    expect(route({ compounded: false, lastDoseChangeOn: '2026-11-10' })).toBe('vet_review');
    expect(route({ compounded: false, lastDoseChangeOn: '2026-09-01' })).toBe('tech_standard');
    expect(route({ expiresOn: '2026-11-21' })).toBe('exception_prescription');
    expect(route({ refillsUsed: 5 })).toBe('exception_prescription');
    expect(route({ compounded: false }, { lastWellnessExamOn: '2025-11-21' })).toBe('exception_exam');
    expect(route({ compounded: false }, { lastWellnessExamOn: '2025-11-22' })).toBe('tech_standard'); // exactly 12 months: still within
    expect(route({ expiresOn: '2026-01-01' }, { lastWellnessExamOn: '2020-01-01' })).toBe('exception_prescription');
    expect(route({}, { status: 'deceased' })).toBe('front_desk');
    expect(routeRequest({ problem: 'patient_ambiguous' }, [], 'today').queue).toBe('front_desk');
  });

  it('counts doses left in days by the SIG', () => {
    expect(effectiveUrgency({ urgency: 'routine', dosesLeft: 4 }, 'Give 1 tablet PO BID', DEFAULT_SLA)).toBe('soon');
    expect(effectiveUrgency({ urgency: 'routine', dosesLeft: 4 }, 'Give 1 tablet PO once daily', DEFAULT_SLA)).toBe('routine');
    expect(effectiveUrgency({ urgency: 'routine', daysLeft: 0 }, null, DEFAULT_SLA)).toBe('today');
  });
});

describe('SLA timers', () => {
  const at = new Date('2026-11-22T17:00:00Z'); // 09:00 in Los Angeles
  it('uses the targets, the urgent reminder and escalation at 4 h', () => {
    const t = slaTimers('tech_urgent', at, DEFAULT_SLA, 'America/Los_Angeles');
    expect((t.dueAt.getTime() - at.getTime()) / 60_000).toBe(120);
    expect((t.remindAt.getTime() - at.getTime()) / 60_000).toBe(30);
    expect((t.escalateAt.getTime() - at.getTime()) / 60_000).toBe(240);
    expect((slaTimers('front_desk', at, DEFAULT_SLA, 'UTC').dueAt.getTime() - at.getTime()) / 60_000).toBe(60);
  });
  it('puts "same day" at the end of the clinic’s day, or the next day’s after it', () => {
    expect(slaTimers('exception_prescription', at, DEFAULT_SLA, 'America/Los_Angeles').dueAt.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    const evening = new Date('2026-11-23T03:00:00Z'); // 19:00 in Los Angeles
    expect(slaTimers('exception_prescription', evening, DEFAULT_SLA, 'America/Los_Angeles').dueAt.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(zonedInstant('2026-07-01', '18:00', 'America/Los_Angeles').toISOString()).toBe('2026-07-02T01:00:00.000Z');
  });
  it('reads stored settings, replacing what is invalid by the default', () => {
    expect(readSlaSettings({ targetMinutes: { tech_standard: 180, vet_review: -5 }, dayEndsAt: '25:00' })).toMatchObject({ targetMinutes: { tech_standard: 180, vet_review: 120 }, dayEndsAt: '18:00' });
  });
});
