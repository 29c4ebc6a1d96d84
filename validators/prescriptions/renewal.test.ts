import { describe, expect, it } from 'vitest';
import { makeContext, TODAY } from '../test-fixtures';
import { canWrite, renewalPrescriber } from './renewal';

const ctx = makeContext((d) => {
  d.prescribers.adams = { id: 'adams', name: 'Dr. Zoe Adams', userRole: 'veterinarian', licenses: [{ state: 'CA', number: 'VET 1', expiresOn: '2026-01-01' }], deaRegistrations: [] };
  d.prescribers.lapsed = { id: 'lapsed', name: 'Dr. Al Lapsed', userRole: 'veterinarian', licenses: [{ state: 'CA', number: 'VET 2', expiresOn: '2025-06-14' }], deaRegistrations: [] };
});
const all = Object.values(ctx.prescribers);

describe('who is asked to renew a prescription', () => {
  it('asks the veterinarian who wrote it while they can write it again', () => {
    expect(renewalPrescriber(all, { writerId: 'okafor', states: ['CA'], dea: null, today: TODAY })?.id).toBe('okafor');
  });

  it('asks the first other veterinarian by name who can, when the writer’s licence lapsed', () => {
    expect(renewalPrescriber(all, { writerId: 'lapsed', states: ['CA'], dea: null, today: TODAY })?.name).toBe('Dr. Ana Ortiz');
  });

  it('asks one with a DEA registration covering the schedule for a controlled drug', () => {
    expect(renewalPrescriber(all, { writerId: 'okafor', states: ['CA'], dea: 'II', today: TODAY })?.id).toBe('ortiz');
    expect(canWrite(ctx.prescribers.okafor!, ['CA'], 'IV', TODAY)).toBe(false);
  });

  it('never asks a technician, and says nobody when no veterinarian can', () => {
    expect(canWrite(ctx.prescribers.tran!, ['CA'], null, TODAY)).toBe(false);
    expect(renewalPrescriber(all, { writerId: 'tran', states: ['TX'], dea: null, today: TODAY })).toBeNull();
  });
});
