import type { Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { isUuid, type Role } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import { ensurePrescriber, inviteUser, resendInvitation, revokeInvitations } from './invitations.server';
import { clinicScope, type Principal } from './principal';
import { endUserSessions } from './sessions.server';

// A clinic's staff, as its manager runs them on /settings/staff: invite by email with a role,
// change a role, deactivate (sessions and the keys they made end at once), reactivate, resend
// an invitation. Every change is audited. Another clinic's person is a 404.

/** The clinic roles a manager hands out (the clinic portal's roles). */
export type ClinicRole = Extract<Role, 'technician' | 'veterinarian' | 'manager' | 'front_desk'>;

/** Where a person stands: invited (no password yet), active, or deactivated. */
export type StaffStatus = 'invited' | 'active' | 'deactivated';

/** One person on the staff page. */
export type StaffMember = {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: StaffStatus;
  lastLoginAt: string | null;
  /** When the latest invitation link stops working (invited people only). */
  invitationExpiresAt: string | null;
  prescriberId: string | null;
  isYou: boolean;
};

function requireManager(principal: Principal): string {
  const clinicId = clinicScope(principal);
  if (principal.kind !== 'user' || (principal.role !== 'manager' && principal.role !== 'admin')) {
    throw new DomainError('forbidden', 'Only a manager can manage the clinic’s staff.');
  }
  return clinicId;
}

function statusOf(row: { active: boolean; deactivatedAt: Date | null }): StaffStatus {
  return row.active ? 'active' : row.deactivatedAt ? 'deactivated' : 'invited';
}

/** The clinic's staff, active first, then invited, then deactivated; by name. */
export async function listStaff(principal: Principal): Promise<StaffMember[]> {
  const clinicId = requireManager(principal);
  const rows = await getDb()
    .selectFrom('users as u')
    .leftJoin('prescribers as p', 'p.userId', 'u.id')
    .select((eb) => [
      'u.id',
      'u.name',
      'u.email',
      'u.role',
      'u.active',
      'u.deactivatedAt',
      'u.lastLoginAt',
      'p.id as prescriberId',
      eb.selectFrom('invitations as i').select((e) => e.fn.max('i.expiresAt').as('x')).whereRef('i.userId', '=', 'u.id').where('i.acceptedAt', 'is', null).where('i.revokedAt', 'is', null).as('invitationExpiresAt'),
    ])
    .where('u.clinicId', '=', clinicId)
    .orderBy('u.name')
    .execute();
  const order: Record<StaffStatus, number> = { active: 0, invited: 1, deactivated: 2 };
  return rows
    .map((r) => {
      const status = statusOf(r);
      const expires = r.invitationExpiresAt as Date | string | null;
      return {
        id: r.id,
        name: r.name,
        email: r.email,
        role: r.role,
        status,
        lastLoginAt: r.lastLoginAt ? r.lastLoginAt.toISOString() : null,
        invitationExpiresAt: status === 'invited' && expires ? new Date(expires).toISOString() : null,
        prescriberId: r.prescriberId,
        isYou: principal.kind === 'user' && principal.userId === r.id,
      };
    })
    .sort((a, b) => order[a.status] - order[b.status]);
}

/** Invites someone to the clinic with a role; a veterinarian gets their prescriber record. */
export async function inviteStaff(principal: Principal, input: { email: string; name?: string | undefined; role: ClinicRole }): Promise<{ userId: string }> {
  const clinicId = requireManager(principal);
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const { userId } = await inviteUser(tx, principal, { ...input, clinicId, pharmacyId: null });
      return { userId };
    });
}

/** A person of this clinic, locked for a change; another clinic's is a 404. */
async function member(tx: Transaction<Database>, clinicId: string, userId: string) {
  if (!isUuid(userId)) throw notFound('Person');
  const row = await tx
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'active', 'deactivatedAt', 'passwordHash', 'clinicId'])
    .where('id', '=', userId)
    .where('clinicId', '=', clinicId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Person');
  return row;
}

function notYourself(principal: Principal, userId: string, what: string): void {
  if (principal.kind === 'user' && principal.userId === userId) throw new DomainError('conflict', `You cannot ${what} yourself: ask another manager.`);
}

/** Refuses a change that would leave the clinic without an active manager. */
async function keepAManager(tx: Transaction<Database>, clinicId: string, leaving: string): Promise<void> {
  const others = await tx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('clinicId', '=', clinicId)
    .where('role', '=', 'manager')
    .where('active', '=', true)
    .where('id', '<>', leaving)
    .executeTakeFirstOrThrow();
  if (Number(others.n) === 0) throw new DomainError('conflict', 'The clinic needs at least one active manager.');
}

/** Changes a person's role (not one's own; never the last manager's). A new veterinarian gets a prescriber record. */
export async function changeStaffRole(principal: Principal, userId: string, role: ClinicRole): Promise<void> {
  const clinicId = requireManager(principal);
  notYourself(principal, userId, 'change the role of');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const person = await member(tx, clinicId, userId);
      if (person.role === role) return;
      if (person.role === 'manager' && person.active) await keepAManager(tx, clinicId, userId);
      await tx.updateTable('users').set({ role }).where('id', '=', userId).execute();
      if (role === 'veterinarian') await ensurePrescriber(tx, { userId, clinicId, name: person.name });
      await audit(tx, principal, { clinicId, action: 'user.role_changed', subjectType: 'user', subjectId: userId, detail: { from: person.role, to: role } });
    });
}

/**
 * Deactivates a person: they cannot sign in, their sessions end and the API keys they created
 * are revoked at once (the next request is refused), a pending invitation stops working. Their
 * records and history stay.
 */
export async function deactivateStaff(principal: Principal, userId: string): Promise<void> {
  const clinicId = requireManager(principal);
  notYourself(principal, userId, 'deactivate');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const person = await member(tx, clinicId, userId);
      if (person.deactivatedAt) return;
      if (person.role === 'manager' && person.active) await keepAManager(tx, clinicId, userId);
      const at = now();
      await tx.updateTable('users').set({ active: false, deactivatedAt: at }).where('id', '=', userId).execute();
      const sessions = await endUserSessions(tx, userId);
      const keys = await tx.updateTable('apiKeys').set({ revokedAt: at }).where('createdBy', '=', userId).where('revokedAt', 'is', null).executeTakeFirst();
      await revokeInvitations(tx, userId);
      await audit(tx, principal, {
        clinicId,
        action: 'user.deactivated',
        subjectType: 'user',
        subjectId: userId,
        detail: { email: person.email, sessionsEnded: sessions, apiKeysRevoked: Number(keys.numUpdatedRows) },
      });
    });
}

/**
 * Reactivates a deactivated person: one who had chosen a password may sign in again (keys
 * revoked at deactivation stay revoked); one who never accepted their invitation is invited
 * again with a new link.
 */
export async function reactivateStaff(principal: Principal, userId: string): Promise<{ invited: boolean }> {
  const clinicId = requireManager(principal);
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const person = await member(tx, clinicId, userId);
      if (!person.deactivatedAt) throw new DomainError('conflict', 'This person is not deactivated.');
      const invited = !person.passwordHash;
      await tx.updateTable('users').set({ active: !invited, deactivatedAt: null }).where('id', '=', userId).execute();
      await audit(tx, principal, { clinicId, action: 'user.reactivated', subjectType: 'user', subjectId: userId, detail: { email: person.email } });
      if (invited) await resendInvitation(tx, principal, userId);
      return { invited };
    });
}

/** Sends an invited person a new link (the earlier one stops working). */
export async function resendStaffInvitation(principal: Principal, userId: string): Promise<void> {
  const clinicId = requireManager(principal);
  await getDb()
    .transaction()
    .execute(async (tx) => {
      await member(tx, clinicId, userId);
      await resendInvitation(tx, principal, userId);
    });
}
