import { describe, expect, it } from 'vitest';
import { makeContext, makeLine, run } from '../test-fixtures';
import { patientWellness } from './patient.wellness';

const examOn = (date: string | null, months = 12) =>
  makeContext((c) => {
    c.patients.bella!.lastWellnessExamOn = date;
    c.clinic.wellnessWindowMonths = months;
  });

describe('patient.wellness', () => {
  it('passes an exam within the window', () => {
    expect(run(patientWellness, examOn('2025-01-10'), [makeLine()])).toEqual([]);
  });

  it('flags an exam older than the window', () => {
    expect(run(patientWellness, examOn('2024-03-01'), [makeLine()])).toEqual([
      {
        message: "Bella's last wellness exam was on 2024-03-01, more than 12 months ago.",
        hint: 'Book a wellness exam (send the owner the booking link).',
      },
    ]);
  });

  it('edge: an exam exactly 12 months ago is within; a day earlier is not', () => {
    expect(run(patientWellness, examOn('2024-06-15'), [makeLine()])).toEqual([]);
    expect(run(patientWellness, examOn('2024-06-14'), [makeLine()])).toHaveLength(1);
  });

  it("uses the clinic's window", () => {
    expect(run(patientWellness, examOn('2024-10-01', 6), [makeLine()])).toHaveLength(1);
    expect(run(patientWellness, examOn('2024-10-01', 12), [makeLine()])).toEqual([]);
  });

  it('flags a patient with no exam on record', () => {
    expect(run(patientWellness, examOn(null), [makeLine()])[0]?.message).toBe('Bella has no wellness exam on record.');
  });
});
