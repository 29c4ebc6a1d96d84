import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CALL_QUEUES,
  REQUEST_QUEUES,
  TARGETED_QUEUES,
  addDays,
  calendarDay,
  fieldsOf,
  isRequestQueue,
  isRole,
  isUuid,
  medicationLabel,
} from './index';

describe('request queues', () => {
  it('lists the six queues in the order staff scan them, urgent first', () => {
    expect(REQUEST_QUEUES).toEqual(['tech_urgent', 'tech_standard', 'vet_review', 'exception_prescription', 'exception_exam', 'front_desk']);
    expect(TARGETED_QUEUES).not.toContain('exception_prescription');
    expect(TARGETED_QUEUES).toHaveLength(5);
    expect(CALL_QUEUES.every(isRequestQueue)).toBe(true);
    expect(isRequestQueue('to_dispense')).toBe(false);
  });
});

describe('ids', () => {
  it('accepts UUIDs and refuses hex shapes that are no UUID, as z.uuid() does', () => {
    const samples = [
      '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b', // v4
      'D2E1F0A9-1B2C-5D3E-8F4A-5B6C7D8E9F0A', // v5, upper case
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa',
      '6f1c2a4e-8b3d-0e5f-9a7b-1c2d3e4f5a6b', // version 0
      '6f1c2a4e-8b3d-4e5f-7a7b-1c2d3e4f5a6b', // not the RFC variant
      '6f1c2a4e8b3d4e5f9a7b1c2d3e4f5a6b',
      ' 6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b',
      '',
    ];
    expect(samples.map(isUuid)).toEqual([true, true, true, true, false, false, false, false, false, false]);
    expect(samples.map((s) => z.uuid().safeParse(s).success)).toEqual(samples.map(isUuid));
    expect(isUuid(42)).toBe(false);
  });
});

describe('fieldsOf', () => {
  it('keeps the first message of each path and files whole-value issues under the root key', () => {
    const parsed = z.object({ lines: z.array(z.object({ quantity: z.number().int('Whole vials.').min(1, 'At least one.') })) }).safeParse({ lines: [{ quantity: 0.5 }] });
    expect(fieldsOf(parsed.error!.issues)).toEqual({ 'lines.0.quantity': 'Whole vials.' });
    expect(fieldsOf([{ path: [], message: 'Send a JSON object.' }])).toEqual({ '(body)': 'Send a JSON object.' });
    expect(fieldsOf([{ path: [], message: 'x' }], 'body')).toEqual({ body: 'x' });
  });
});

describe('calendar', () => {
  it('gives the calendar day where the clinic is, not in UTC', () => {
    const lateEvening = new Date('2026-03-04T05:30:00Z'); // 21:30 on March 3 in California
    expect(calendarDay(lateEvening, 'America/Los_Angeles')).toBe('2026-03-03');
    expect(calendarDay(lateEvening, 'America/New_York')).toBe('2026-03-04');
    expect(calendarDay(lateEvening, 'Not/AZone')).toBe('2026-03-04');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-03-08', -8)).toBe('2026-02-28');
    expect(addDays('2026-11-01', 1)).toBe('2026-11-02'); // across the end of daylight saving time
    expect(() => addDays('31/01/2026', 1)).toThrow(RangeError);
  });
});

describe('roles and labels', () => {
  it('knows the six roles and names a medication by name, strength and form', () => {
    expect(['technician', 'veterinarian', 'manager', 'front_desk', 'pharmacist', 'admin'].every(isRole)).toBe(true);
    expect(isRole('owner')).toBe(false);
    expect(medicationLabel({ name: 'Methimazole', strength: '5 mg/ml', form: 'oral suspension' })).toBe('Methimazole 5 mg/ml oral suspension');
  });
});

describe('the vocabulary is a leaf', () => {
  it('imports nothing but its own files and validators/data', () => {
    const dir = fileURLToPath(new URL('./', import.meta.url));
    const imports = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => [...readFileSync(dir + f, 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map((m) => m[1]!));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((path) => !path.startsWith('./') && !path.startsWith('../data/'))).toEqual([]);
  });
});
