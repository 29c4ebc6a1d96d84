import { getDb } from '../../../db/client';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { enqueue, registerTasks } from '../platform/jobs.server';
import { log } from '../platform/logger.server';
import { appUrl, forgetQueuedLinks, queueAccountEmail } from './account-mail.server';
import { hashNewPassword } from './passwords.server';
import type { UserPrincipal } from './principal';
import { addressKey, hitRateLimit } from './rate-limit.server';
import { endUserSessions } from './sessions.server';
import { issueToken, LINK_PLACEHOLDER, TOKEN_LIFETIME_MINUTES, tokenHash } from './tokens.server';

// "Forgot password?": the request answers the same, in the same time, whether or not the email
// has an account — it only counts the rate limits and queues a job, identical work in both
// cases; the job looks the address up and, for an active account, emails a signed single-use
// link valid for 30 minutes. Using it sets a new password and ends every session of the user
// (docs/onboarding.md).

/** Reset requests allowed per address and per email in a window. */
export const RESET_LIMIT = { perIp: 10, perEmail: 3, windowSeconds: 15 * 60 };

/** What the page says after any request, known email or not. */
export const RESET_REQUESTED_MESSAGE =
  'If an account uses that address, we have emailed it a link to choose a new password. The link works once, for 30 minutes.';

/**
 * Asks for a reset link for `email`. Throws `rate_limited` past the limits (counted per
 * address and per email whether or not the email exists); otherwise queues the lookup.
 */
export async function requestPasswordReset(email: string, address: string): Promise<void> {
  const normalized = email.trim().toLowerCase();
  const [ip, account] = await Promise.all([
    hitRateLimit(`reset:ip:${addressKey(address)}`, RESET_LIMIT.perIp, RESET_LIMIT.windowSeconds),
    hitRateLimit(`reset:email:${normalized}`, RESET_LIMIT.perEmail, RESET_LIMIT.windowSeconds),
  ]);
  if (!ip.allowed || !account.allowed) {
    const wait = Math.max(ip.allowed ? 0 : ip.retryAfterSeconds, account.allowed ? 0 : account.retryAfterSeconds);
    throw new DomainError('rate_limited', `Too many reset requests. Try again in ${Math.ceil(wait / 60)} minutes.`, undefined, { retryAfterSeconds: wait });
  }
  await enqueue(getDb(), 'identity.password_reset', { email: normalized }, { maxAttempts: 3 });
}

/** The job: emails a reset link to the active account with this address, if there is one. */
export async function sendPasswordReset(email: string): Promise<void> {
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const user = await tx
        .selectFrom('users')
        .select(['id', 'name', 'email', 'clinicId', 'pharmacyId'])
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
        .where('active', '=', true)
        .executeTakeFirst();
      if (!user) {
        log().debug('password reset asked for an address without an active account');
        return;
      }
      const at = now();
      // A newer link replaces the earlier ones.
      await tx.updateTable('passwordResets').set({ usedAt: at }).where('userId', '=', user.id).where('usedAt', 'is', null).execute();
      await forgetQueuedLinks(tx, user.id, 'account.password_reset');
      const { token, hash } = issueToken('password_reset');
      await tx
        .insertInto('passwordResets')
        .values({ userId: user.id, tokenHash: hash, expiresAt: new Date(at.getTime() + TOKEN_LIFETIME_MINUTES.password_reset * 60_000), createdAt: at })
        .execute();
      await queueAccountEmail(tx, {
        template: 'account.password_reset',
        to: user.email,
        userId: user.id,
        clinicId: user.clinicId,
        pharmacyId: user.pharmacyId,
        subject: 'Choose a new vialcart password',
        body: [
          `Hello ${user.name},`,
          '',
          'Someone (we hope you) asked to reset the password of your vialcart account.',
          'Choose a new one here (the link works once, for 30 minutes):',
          LINK_PLACEHOLDER,
          '',
          'If it was not you, ignore this email: your password stays as it is.',
        ].join('\n'),
        link: appUrl(`/reset-password/${token}`),
      });
    });
}

/** What a reset link leads to. */
export type ResetState = { status: 'valid'; email: string } | { status: 'invalid' | 'expired' | 'used' };

/** What the reset page says for a link that does not work. */
export const RESET_PROBLEMS: Record<Exclude<ResetState['status'], 'valid'>, string> = {
  invalid: 'This reset link is not valid. Check that you opened the whole link from the email, or ask for a new one.',
  expired: 'This reset link has expired (links work for 30 minutes). Ask for a new one.',
  used: 'This reset link was already used, or a newer one replaced it. Ask for a new one if you still need it.',
};

async function findReset(db: ReturnType<typeof getDb>, token: string | undefined, lock: boolean) {
  const hash = tokenHash('password_reset', token);
  if (!hash) return null;
  return db
    .selectFrom('passwordResets as r')
    .innerJoin('users as u', 'u.id', 'r.userId')
    .select(['r.id', 'r.expiresAt', 'r.usedAt', 'u.id as userId', 'u.email', 'u.name', 'u.role', 'u.clinicId', 'u.pharmacyId', 'u.active'])
    .where('r.tokenHash', '=', hash)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
}

function problemOf(row: Awaited<ReturnType<typeof findReset>>): Exclude<ResetState['status'], 'valid'> | null {
  if (!row || !row.active) return 'invalid';
  if (row.usedAt) return 'used';
  if (row.expiresAt.getTime() <= now().getTime()) return 'expired';
  return null;
}

/** Reads a reset link without using it. */
export async function readPasswordReset(token: string | undefined): Promise<ResetState> {
  const row = await findReset(getDb(), token, false);
  const problem = problemOf(row);
  return problem || !row ? { status: problem ?? 'invalid' } : { status: 'valid', email: row.email };
}

/**
 * Sets a new password through a reset link: checks its strength, uses the link up (and any
 * other of the user's), ends every session of the user, audits, and answers who may now be
 * signed in. A link that does not work is a `bad_request` on `token`.
 */
export async function resetPassword(token: string | undefined, password: string): Promise<UserPrincipal> {
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const row = await findReset(tx, token, true);
      const problem = problemOf(row);
      if (problem || !row) {
        const message = RESET_PROBLEMS[problem ?? 'invalid'];
        throw new DomainError('bad_request', message, { token: message });
      }
      const passwordHash = await hashNewPassword(password, [row.name, row.email]);
      const at = now();
      await tx.updateTable('users').set({ passwordHash }).where('id', '=', row.userId).execute();
      await tx.updateTable('passwordResets').set({ usedAt: at }).where('userId', '=', row.userId).where('usedAt', 'is', null).execute();
      await forgetQueuedLinks(tx, row.userId, 'account.password_reset');
      const sessionsEnded = await endUserSessions(tx, row.userId);
      const user: UserPrincipal = { kind: 'user', userId: row.userId, name: row.name, email: row.email, role: row.role, clinicId: row.clinicId, pharmacyId: row.pharmacyId };
      await audit(tx, user, { clinicId: row.clinicId, pharmacyId: row.pharmacyId, action: 'user.password_reset', subjectType: 'user', subjectId: row.userId, detail: { sessionsEnded } });
      return user;
    });
}

/** Registers the reset job (called from registerAllTasks). */
export function registerPasswordResetTasks(): void {
  registerTasks({
    'identity.password_reset': async (payload: { email: string }) => sendPasswordReset(String(payload.email)),
  });
}
