import { describe, expect, it } from 'vitest';
import { daysBetween, prescriptionLapse, refillsLeft, wellnessCurrent } from './eligibility';

const rx = { status: 'active' as const, expiresOn: '2026-12-31', refillsAuthorized: 3, refillsUsed: 1 };

describe('eligibility judgments', () => {
  it('counts refills left, never below zero', () => {
    expect(refillsLeft(rx)).toBe(2);
    expect(refillsLeft({ refillsAuthorized: 1, refillsUsed: 4 })).toBe(0);
  });

  it('holds a prescription fillable through its expiry day, and names the first reason it is not', () => {
    expect(prescriptionLapse(rx, '2026-12-31')).toBeNull();
    expect(prescriptionLapse(rx, '2027-01-01')).toBe('expired');
    expect(prescriptionLapse({ ...rx, refillsUsed: 3 }, '2026-06-01')).toBe('no_refills');
    expect(prescriptionLapse({ ...rx, status: 'cancelled', refillsUsed: 3 }, '2027-06-01')).toBe('not_active');
  });

  it('keeps a wellness exam current through the same day a window later', () => {
    expect(wellnessCurrent('2025-11-22', 12, '2026-11-22')).toBe(true);
    expect(wellnessCurrent('2025-11-21', 12, '2026-11-22')).toBe(false);
    expect(wellnessCurrent(null, 12, '2026-11-22')).toBe(false);
  });

  it('counts calendar days across a month end', () => {
    expect(daysBetween('2026-10-30', '2026-11-02')).toBe(3);
    expect(daysBetween('2026-11-02', '2026-10-30')).toBe(-3);
  });
});
