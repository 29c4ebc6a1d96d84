import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { hashNewPassword } from './passwords.server';
import type { UserPrincipal } from './principal';
import { issueToken, TOKEN_LIFETIME_MINUTES, tokenHash } from './tokens.server';

// First run: while no administrator exists, every page leads to /setup, which creates the
// platform administrator — but only with the setup link a server printed to its log when it
// started (a random token per boot, valid 24 hours; only its hash is stored, so any server of
// the deployment accepts it). Once an administrator exists, /setup is gone for good
// (docs/onboarding.md).

const ADMIN_KEY = Symbol.for('vialcart.admin-exists');
type WithAdmin = typeof globalThis & { [ADMIN_KEY]?: boolean };

/** Whether the platform has an administrator (remembered once true: one is never removed). */
export async function adminExists(): Promise<boolean> {
  const g = globalThis as WithAdmin;
  if (g[ADMIN_KEY]) return true;
  const row = await getDb().selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst();
  if (row) g[ADMIN_KEY] = true;
  return !!row;
}

/** Forgets what adminExists remembered (tests that swap databases). */
export function forgetAdminExists(): void {
  delete (globalThis as WithAdmin)[ADMIN_KEY];
}

/**
 * At boot: when no administrator exists, a new setup token (stored hashed, valid 24 hours) for
 * the log's setup link; null when setup is done. Expired tokens are cleared.
 */
export async function prepareSetup(): Promise<string | null> {
  if (await adminExists()) return null;
  const db = getDb();
  const at = now();
  await db.deleteFrom('setupTokens').where('expiresAt', '<=', at).execute();
  const { token, hash } = issueToken('setup');
  await db
    .insertInto('setupTokens')
    .values({ tokenHash: hash, expiresAt: new Date(at.getTime() + TOKEN_LIFETIME_MINUTES.setup * 60_000), createdAt: at })
    .execute();
  return token;
}

/** Whether a setup link may be used now: a token a server issued, not expired, and no administrator yet. */
export async function setupTokenValid(token: string | undefined | null): Promise<boolean> {
  const hash = tokenHash('setup', token);
  if (!hash || (await adminExists())) return false;
  const row = await getDb().selectFrom('setupTokens').select('expiresAt').where('tokenHash', '=', hash).executeTakeFirst();
  return !!row && row.expiresAt.getTime() > now().getTime();
}

/** What the setup page says when its link does not work. */
export const SETUP_LINK_PROBLEM =
  'This setup link is not valid or has expired. Use the link the server printed to its log when it started (restart it for a new one).';

/**
 * Creates the platform administrator with the setup token; the setup is then closed for good
 * (every token is deleted). Two setups at once: the second finds an administrator and fails.
 */
export async function completeSetup(token: string, input: { name: string; email: string; password: string }): Promise<UserPrincipal> {
  const hash = tokenHash('setup', token);
  if (!hash) throw new DomainError('bad_request', SETUP_LINK_PROBLEM, { token: SETUP_LINK_PROBLEM });
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashNewPassword(input.password, [input.name, email]);
  const user = await getDb()
    .transaction()
    .execute(async (tx) => {
      // One setup at a time, whichever server it reaches.
      await sql`select pg_advisory_xact_lock(hashtext('vialcart.setup'))`.execute(tx);
      const admin = await tx.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst();
      const row = await tx.selectFrom('setupTokens').select('expiresAt').where('tokenHash', '=', hash).executeTakeFirst();
      if (admin || !row || row.expiresAt.getTime() <= now().getTime()) throw new DomainError('bad_request', SETUP_LINK_PROBLEM, { token: SETUP_LINK_PROBLEM });
      const taken = await tx.selectFrom('users').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', email)).executeTakeFirst();
      if (taken) throw new DomainError('conflict', 'This email already has an account.', { email: 'This email already has an account.' });
      const created = await tx
        .insertInto('users')
        .values({ email, name: input.name.trim(), role: 'admin', passwordHash, active: true, clinicId: null, pharmacyId: null, createdAt: now(), lastLoginAt: now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.deleteFrom('setupTokens').execute();
      const admin_: UserPrincipal = { kind: 'user', userId: created.id, name: input.name.trim(), email, role: 'admin', clinicId: null, pharmacyId: null };
      await audit(tx, { actorType: 'system', actorLabel: 'first-run setup' }, { action: 'user.setup_admin', subjectType: 'user', subjectId: created.id, detail: { email } });
      return admin_;
    });
  (globalThis as WithAdmin)[ADMIN_KEY] = true;
  return user;
}
