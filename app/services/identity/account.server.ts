import { getDb } from '../../../db/client';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { checkPassword, hashNewPassword } from './passwords.server';
import type { UserPrincipal } from './principal';
import { hitRateLimit } from './rate-limit.server';
import { endUserSessions, listUserSessions, type SessionView } from './sessions.server';

// A signed-in person's own account (/account): change the password (the current one is
// required, and the other sessions end), see the open sessions, sign out of all the others.

/** Wrong current passwords allowed per user in a window. */
const CHANGE_LIMIT = { perUser: 5, windowSeconds: 15 * 60 };

/** The audit scope of a person: their clinic or pharmacy. */
function scopeOf(user: UserPrincipal) {
  return { clinicId: user.clinicId, pharmacyId: user.pharmacyId };
}

/** The person's open sessions; `current` marks this one. */
export function accountSessions(user: UserPrincipal, currentSessionId: string | null): Promise<SessionView[]> {
  return listUserSessions(user.userId, currentSessionId);
}

/**
 * Changes the signed-in person's password: the current one must match (a wrong one is a 400 on
 * `currentPassword`, rate-limited), the new one must be strong; every other session ends.
 */
export async function changePassword(user: UserPrincipal, input: { currentPassword: string; password: string }, currentSessionId: string | null): Promise<{ sessionsEnded: number }> {
  const limit = await hitRateLimit(`password-change:${user.userId}`, CHANGE_LIMIT.perUser, CHANGE_LIMIT.windowSeconds);
  if (!limit.allowed) {
    throw new DomainError('rate_limited', `Too many attempts. Try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes.`, undefined, { retryAfterSeconds: limit.retryAfterSeconds });
  }
  const row = await getDb().selectFrom('users').select(['passwordHash']).where('id', '=', user.userId).executeTakeFirstOrThrow();
  if (!(await checkPassword(row.passwordHash, input.currentPassword))) {
    throw new DomainError('bad_request', 'That is not your current password.', { currentPassword: 'That is not your current password.' });
  }
  if (input.currentPassword === input.password) {
    throw new DomainError('bad_request', 'Choose a password different from the current one.', { password: 'Choose a password different from the current one.' });
  }
  const passwordHash = await hashNewPassword(input.password, [user.name, user.email]);
  return getDb()
    .transaction()
    .execute(async (tx) => {
      await tx.updateTable('users').set({ passwordHash }).where('id', '=', user.userId).execute();
      await tx.updateTable('passwordResets').set({ usedAt: now() }).where('userId', '=', user.userId).where('usedAt', 'is', null).execute();
      const sessionsEnded = await endUserSessions(tx, user.userId, currentSessionId);
      await audit(tx, user, { ...scopeOf(user), action: 'user.password_changed', subjectType: 'user', subjectId: user.userId, detail: { sessionsEnded } });
      return { sessionsEnded };
    });
}

/** Signs the person out of every session but this one. */
export async function signOutOtherSessions(user: UserPrincipal, currentSessionId: string | null): Promise<{ sessionsEnded: number }> {
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const sessionsEnded = await endUserSessions(tx, user.userId, currentSessionId);
      await audit(tx, user, { ...scopeOf(user), action: 'user.signed_out_elsewhere', subjectType: 'user', subjectId: user.userId, detail: { sessionsEnded } });
      return { sessionsEnded };
    });
}
