import { describe, expect, it } from 'vitest';
import { makeContext, TODAY } from '../test-fixtures';
import type { ControlledSchedule, DeaRegistrationSchedule, PrescriberContext } from '../types';
import { checkPrescriptionWriting, defaultExpiry, maxRefillsFor, type WritingFacts, type WritingProblem } from './writing';

const ctx = makeContext();
/** Licensed in CA with a CA DEA registration covering every schedule. */
const ORTIZ = ctx.prescribers.ortiz!;
/** Licensed in CA, no DEA registration. */
const OKAFOR = ctx.prescribers.okafor!;

const REQUIRED: Record<ControlledSchedule, DeaRegistrationSchedule> = { II: 'II', III: 'III', IV: 'IV', V: 'V' };

function facts(over: Partial<WritingFacts> & { schedule?: ControlledSchedule | null } = {}): WritingFacts {
  const schedule = over.schedule === undefined ? null : over.schedule;
  return {
    today: TODAY,
    clinicState: 'CA',
    schedule,
    requiredDea: schedule ? REQUIRED[schedule] : null,
    prescriber: ORTIZ,
    writtenOn: TODAY,
    expiresOn: defaultExpiry(TODAY, schedule, 12),
    refillsAuthorized: 0,
    ...over,
  };
}

const fields = (problems: WritingProblem[]) => Object.fromEntries(problems.map((p) => [p.field, p.kind]));

// One row per schedule × what is written: the refills and months of validity, and what the
// rules say about them (field → input/rule), for a writer who holds DEA and one who does not.
type Row = { schedule: ControlledSchedule | null; refills: number; months: number; withDea: Record<string, string>; withoutDea: Record<string, string> };
const TABLE: Row[] = [
  { schedule: null, refills: 11, months: 12, withDea: {}, withoutDea: {} },
  { schedule: null, refills: 0, months: 13, withDea: { expiresOn: 'rule' }, withoutDea: { expiresOn: 'rule' } },
  { schedule: 'II', refills: 0, months: 6, withDea: {}, withoutDea: { actingUserId: 'rule' } },
  { schedule: 'II', refills: 0, months: 12, withDea: {}, withoutDea: { actingUserId: 'rule' } },
  { schedule: 'II', refills: 1, months: 6, withDea: { refillsAuthorized: 'rule' }, withoutDea: { actingUserId: 'rule', refillsAuthorized: 'rule' } },
  { schedule: 'III', refills: 5, months: 6, withDea: {}, withoutDea: { actingUserId: 'rule' } },
  { schedule: 'III', refills: 6, months: 6, withDea: { refillsAuthorized: 'rule' }, withoutDea: { actingUserId: 'rule', refillsAuthorized: 'rule' } },
  { schedule: 'III', refills: 2, months: 7, withDea: { expiresOn: 'rule' }, withoutDea: { actingUserId: 'rule', expiresOn: 'rule' } },
  { schedule: 'IV', refills: 5, months: 6, withDea: {}, withoutDea: { actingUserId: 'rule' } },
  { schedule: 'IV', refills: 6, months: 13, withDea: { refillsAuthorized: 'rule', expiresOn: 'rule' }, withoutDea: { actingUserId: 'rule', refillsAuthorized: 'rule', expiresOn: 'rule' } },
  { schedule: 'V', refills: 5, months: 6, withDea: {}, withoutDea: { actingUserId: 'rule' } },
  { schedule: 'V', refills: 0, months: 7, withDea: { expiresOn: 'rule' }, withoutDea: { actingUserId: 'rule', expiresOn: 'rule' } },
];

const addMonthsTo = (months: number) => {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};

describe('writing a prescription: DEA rules per schedule', () => {
  it.each(TABLE)('C-$schedule, $refills refills, $months months', (row) => {
    const written = { schedule: row.schedule, refillsAuthorized: row.refills, expiresOn: addMonthsTo(row.months) };
    expect(fields(checkPrescriptionWriting(facts({ ...written, prescriber: ORTIZ })))).toEqual(row.withDea);
    expect(fields(checkPrescriptionWriting(facts({ ...written, prescriber: OKAFOR })))).toEqual(row.withoutDea);
  });

  it('names the schedule, the state and the writer when the DEA registration is missing, expired, elsewhere or too narrow', () => {
    const without = checkPrescriptionWriting(facts({ schedule: 'II', prescriber: OKAFOR }));
    expect(without).toEqual([{ field: 'actingUserId', kind: 'rule', message: 'This is a C-II drug: Dr. Ben Okafor holds no current DEA registration in CA covering schedule II.' }]);
    const variants: PrescriberContext[] = [
      { ...ORTIZ, deaRegistrations: [{ ...ORTIZ.deaRegistrations[0]!, expiresOn: '2025-06-14' }] },
      { ...ORTIZ, deaRegistrations: ORTIZ.deaRegistrations.filter((d) => d.state !== 'CA') },
      { ...ORTIZ, deaRegistrations: [{ ...ORTIZ.deaRegistrations[0]!, schedules: ['IIN', 'III', 'IIIN', 'IV', 'V'] }] },
    ];
    for (const prescriber of variants) expect(fields(checkPrescriptionWriting(facts({ schedule: 'II', prescriber })))).toEqual({ actingUserId: 'rule' });
    // A registration expiring today still counts today.
    const lastDay = { ...ORTIZ, deaRegistrations: [{ ...ORTIZ.deaRegistrations[0]!, expiresOn: TODAY }] };
    expect(checkPrescriptionWriting(facts({ schedule: 'II', prescriber: lastDay }))).toEqual([]);
  });

  it('asks for a non-narcotic class only when the medication is one (IIN)', () => {
    const nonNarcoticOnly = { ...ORTIZ, deaRegistrations: [{ ...ORTIZ.deaRegistrations[0]!, schedules: ['IIN'] as const }] };
    expect(checkPrescriptionWriting(facts({ schedule: 'II', requiredDea: 'IIN', prescriber: nonNarcoticOnly }))).toEqual([]);
    expect(fields(checkPrescriptionWriting(facts({ schedule: 'II', requiredDea: 'II', prescriber: nonNarcoticOnly })))).toEqual({ actingUserId: 'rule' });
  });
});

describe('writing a prescription: dates and the writer', () => {
  it('refuses a future written date, an expiry before it or already past, as bad input', () => {
    expect(checkPrescriptionWriting(facts({ writtenOn: '2025-06-16', expiresOn: '2026-01-01' }))).toEqual([
      { field: 'writtenOn', kind: 'input', message: 'The written date is in the future; use today or an earlier day.' },
    ]);
    expect(fields(checkPrescriptionWriting(facts({ expiresOn: '2025-06-01' })))).toEqual({ expiresOn: 'input' });
    expect(fields(checkPrescriptionWriting(facts({ writtenOn: '2025-01-01', expiresOn: '2025-06-14' })))).toEqual({ expiresOn: 'input' });
    // Written earlier and still valid: fine.
    expect(checkPrescriptionWriting(facts({ writtenOn: '2025-01-01', expiresOn: '2025-12-31' }))).toEqual([]);
  });

  it('refuses a writer who is not a veterinarian or not licensed in the clinic’s state', () => {
    expect(fields(checkPrescriptionWriting(facts({ prescriber: ctx.prescribers.tran! })))).toEqual({ actingUserId: 'rule' });
    expect(checkPrescriptionWriting(facts({ clinicState: 'NV', prescriber: OKAFOR }))).toEqual([
      { field: 'actingUserId', kind: 'rule', message: 'Dr. Ben Okafor holds no current licence in NV, where the clinic practises.' },
    ]);
  });

  it('defaults the expiry to the clinic’s policy, at most 12 months, and six months for C-III to C-V', () => {
    expect(defaultExpiry('2025-08-31', null, 12)).toBe('2026-08-31');
    expect(defaultExpiry('2025-08-31', null, 3)).toBe('2025-11-30');
    expect(defaultExpiry('2025-08-31', null, 40)).toBe('2026-08-31');
    expect(defaultExpiry('2025-08-31', 'II', 12)).toBe('2026-08-31');
    expect(defaultExpiry('2025-08-31', 'IV', 12)).toBe('2026-02-28');
    expect(defaultExpiry('2025-08-31', 'V', 3)).toBe('2025-11-30');
    expect([null, 'II', 'III', 'IV', 'V'].map((s) => maxRefillsFor(s as ControlledSchedule | null))).toEqual([null, 0, 5, 5, 5]);
  });
});
