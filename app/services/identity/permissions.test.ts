import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLINIC_ROLES } from '../../../validators/vocabulary';
import { approvalRule } from '../requests/approval';
import { ACTIONS, KEY_NEEDS_ACTING_USER, PERMISSIONS, allowed, can, requestAction, requirePermission, roleTableMarkdown, type Action, type Holder } from './permissions';
import type { Principal } from './principal';

const user = (role: Holder): Principal =>
  role === 'api_key'
    ? { kind: 'clinic_key', keyId: 'k1', clinicId: 'c1' }
    : { kind: 'user', userId: 'u1', name: 'Someone', email: 'x@example.com', role, clinicId: role === 'admin' ? null : 'c1', pharmacyId: null };

/** Every row of the table, as the product decided it (docs/roles.md, "Choices and why"). */
const EXPECTED: Record<Action, readonly Holder[]> = {
  'cart.edit': ['technician', 'veterinarian', 'manager', 'front_desk', 'api_key'],
  'cart.checkout': ['technician', 'veterinarian', 'manager'],
  'finding.acknowledge': ['technician', 'veterinarian', 'manager'],
  'line.signoff': ['veterinarian'],
  'request.approve.standing_order': ['technician', 'veterinarian', 'api_key'],
  'request.approve.vet_review': ['veterinarian'],
  'request.approve.controlled': ['veterinarian'],
  'request.deny': ['technician', 'veterinarian', 'api_key'],
  'request.deny.vet_review': ['veterinarian'],
  'request.request_exam': ['technician', 'veterinarian', 'api_key'],
  'request.request_exam.vet_review': ['veterinarian'],
  'prescription.write': ['veterinarian'],
  'templates.edit': ['manager', 'admin'],
  'settings.manage': ['manager', 'admin'],
  'staff.manage': ['manager', 'admin'],
  'keys.manage': ['manager', 'admin'],
  'records.import': ['manager', 'admin'],
  'catalog.import': ['admin'],
  'records.merge': ['manager', 'admin'],
};
const HOLDERS: Holder[] = [...CLINIC_ROLES, 'admin', 'pharmacist', 'api_key'];

describe('the role table', () => {
  it.each(ACTIONS.map((a) => [a]))('%s: exactly the roles decided, and requirePermission agrees', (action) => {
    expect([...PERMISSIONS[action].roles].sort()).toEqual([...EXPECTED[action]].sort());
    for (const holder of HOLDERS) {
      const may = EXPECTED[action].includes(holder);
      expect(can(holder, action), `${holder} ${action}`).toBe(may);
      expect(allowed(user(holder), action)).toBe(may);
      if (may) expect(() => requirePermission(user(holder), action)).not.toThrow();
      else expect(() => requirePermission(user(holder), action)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    }
  });

  it('no clinic role but technicians, veterinarians and managers pays; the front desk does not', () => {
    expect(CLINIC_ROLES.filter((r) => can(r, 'cart.checkout'))).toEqual(['technician', 'veterinarian', 'manager']);
    expect(() => requirePermission(user('front_desk'), 'cart.checkout')).toThrow(/Only a technician, veterinarian or manager may pay for the cart/);
  });

  it('a key acting alone cannot pay, sign off or acknowledge: it is told to name an actingUserId', () => {
    for (const action of KEY_NEEDS_ACTING_USER) {
      expect(() => requirePermission(user('api_key'), action)).toThrow(/name an actingUserId/);
    }
  });

  it('on veterinarian review only a veterinarian denies or asks for an exam; other queues take the plain rows', () => {
    expect(requestAction('deny', 'vet_review')).toBe('request.deny.vet_review');
    expect(requestAction('request_exam', 'vet_review')).toBe('request.request_exam.vet_review');
    expect(requestAction('deny', 'tech_standard')).toBe('request.deny');
    for (const role of CLINIC_ROLES) {
      expect(allowed(user(role), requestAction('deny', 'vet_review'))).toBe(role === 'veterinarian');
      expect(allowed(user(role), requestAction('request_exam', 'vet_review'))).toBe(role === 'veterinarian');
    }
    expect(allowed(user('api_key'), requestAction('deny', 'vet_review'))).toBe(false);
  });

  it('approval follows the table: a vet approves a controlled vet-review refill, a technician or key only a standing order', () => {
    const controlled = { queue: 'vet_review' as const, status: 'open', prescriptionId: 'rx', controlledSchedule: 'IV', standingOrder: false, compounded: true };
    const standing = { queue: 'tech_standard' as const, status: 'open', prescriptionId: 'rx', controlledSchedule: null, standingOrder: true, compounded: false };
    expect(approvalRule(user('veterinarian'), controlled).allowed).toBe(true);
    for (const role of ['technician', 'manager', 'front_desk', 'api_key'] as const) expect(approvalRule(user(role), controlled).allowed).toBe(false);
    expect(approvalRule(user('technician'), standing).allowed).toBe(true);
    expect(approvalRule(user('api_key'), standing).allowed).toBe(true);
    expect(approvalRule(user('manager'), standing).allowed).toBe(false);
    expect(approvalRule(user('front_desk'), standing).allowed).toBe(false);
  });

  it('docs/roles.md holds the table the code has', () => {
    const doc = readFileSync(new URL('../../../docs/roles.md', import.meta.url), 'utf8');
    const table = doc.split('<!-- role-table:start -->')[1]?.split('<!-- role-table:end -->')[0]?.trim();
    expect(table, `docs/roles.md's table is stale; replace it with:\n${roleTableMarkdown()}`).toBe(roleTableMarkdown());
  });
});
