import { describe, expect, it } from 'vitest';
import { checkEligibility, effectiveUrgency, routeRequest } from './routing';
import { DEFAULT_SLA } from './sla';
import type { PrescriptionFacts } from './matching';
import { TODAY, rx } from './test-fixtures';

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
