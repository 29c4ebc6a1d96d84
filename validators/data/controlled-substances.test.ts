import { describe, expect, it } from 'vitest';
import {
  FEDERAL_CONTROLLED_SUBSTANCES,
  NOT_FEDERALLY_CONTROLLED,
  STATE_CONTROLLED_SUBSTANCES,
  isNarcoticByName,
  scheduleForMedicationName,
  stateSchedulesFor,
} from './controlled-substances';

describe('scheduleForMedicationName', () => {
  it.each([
    ['Buprenorphine HCl 0.3 mg/ml oral transmucosal', 'III'],
    ['Tramadol 25 mg capsules', 'IV'],
    ['Phenobarbital 15 mg/ml oral suspension', 'IV'],
    ['Butorphanol tartrate 1 mg chew', 'IV'],
    ['Diazepam 5 mg/ml', 'IV'],
    ['Midazolam nasal spray', 'IV'],
    ['Alprazolam 0.25 mg', 'IV'],
    ['Ketamine 100 mg/ml', 'III'],
    ['Hydrocodone bitartrate / homatropine 5 mg tablets', 'II'],
    ['Methadone 10 mg/ml', 'II'],
    ['Fentanyl transdermal', 'II'],
    ['Morphine sulfate 1 mg/ml', 'II'],
    ['Testosterone cypionate 100 mg/ml', 'III'],
    ['Stanozolol 50 mg/ml', 'III'],
    ['Pentobarbital sodium 390 mg/ml', 'II'],
    ['Tiletamine-zolazepam', 'III'],
    ['Pregabalin 50 mg/ml', 'V'],
  ])('%s is C-%s', (name, schedule) => {
    expect(scheduleForMedicationName(name)).toBe(schedule);
  });

  it.each(['Gabapentin 100 mg/ml', 'Methimazole 5 mg/0.1 ml transdermal', 'Lactated placebo', ''])(
    '%s is not federally controlled',
    (name) => {
      expect(scheduleForMedicationName(name)).toBeNull();
    },
  );

  it('matches whole words only', () => {
    expect(scheduleForMedicationName('Hydromorphone 2 mg/ml')).toBe('II');
    expect(scheduleForMedicationName('Nordiazepam')).toBe('IV');
    expect(scheduleForMedicationName('Methylphenobarbital')).toBe('IV');
  });

  it('gives a combination its most restrictive schedule', () => {
    expect(scheduleForMedicationName('Ketamine / diazepam')).toBe('III');
  });
});

describe('isNarcoticByName', () => {
  it('splits C-II/III narcotics from non-narcotics as DEA registrations do', () => {
    expect(isNarcoticByName('Buprenorphine')).toBe(true);
    expect(isNarcoticByName('Ketamine')).toBe(false);
    expect(isNarcoticByName('Pentobarbital')).toBe(false);
    expect(isNarcoticByName('Methadone')).toBe(true);
    expect(isNarcoticByName('Gabapentin')).toBeNull();
  });
});

describe('reference rows', () => {
  it('name a source on every row', () => {
    for (const row of [...FEDERAL_CONTROLLED_SUBSTANCES, ...STATE_CONTROLLED_SUBSTANCES, ...NOT_FEDERALLY_CONTROLLED]) {
      expect(row.source, row.name).not.toBe('');
    }
  });

  it('keep gabapentin state-only, with unverified rows marked', () => {
    expect(FEDERAL_CONTROLLED_SUBSTANCES.some((r) => r.name === 'Gabapentin')).toBe(false);
    expect(stateSchedulesFor('Gabapentin 50 mg/ml', 'KY')).toMatchObject([{ state: 'KY', schedule: 'V', verified: true }]);
    expect(stateSchedulesFor('Gabapentin 50 mg/ml', 'UT')).toMatchObject([{ verified: false }]);
    expect(stateSchedulesFor('Gabapentin 50 mg/ml', 'CA')).toEqual([]);
    expect(NOT_FEDERALLY_CONTROLLED.map((r) => r.name)).toContain('Gabapentin');
  });
});
