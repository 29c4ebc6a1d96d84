import { redirect } from '@remix-run/node';
import { getDb } from '../../../db/client';
import { hashApiKey } from '../../../db/credentials';
import type { ApiKeyScope, Role } from '../../../db/schema';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { addLogFields } from '../platform/logger.server';
import { checkPassword } from './passwords.server';
import type { Principal, UserPrincipal } from './principal';
import { addressKey, backoffWait, clearRateLimit, recordFailure, type Backoff } from './rate-limit.server';
import { endSession, getSession, startSession } from './sessions.server';

export { getSession } from './sessions.server';

/**
 * Sign-in back-off (docs/security.md): only failures count, per account and per address; after
 * the free ones each failure doubles the wait before the next try, up to a cap. There is no
 * lockout, and a correct sign-in never counts: a clinic behind one address switching users all
 * day is never held up by its own successes.
 */
export const LOGIN_BACKOFF = {
  account: { freeFailures: 5, baseSeconds: 1, maxSeconds: 5 * 60, windowSeconds: 15 * 60 },
  address: { freeFailures: 20, baseSeconds: 1, maxSeconds: 5 * 60, windowSeconds: 15 * 60 },
} satisfies Record<string, Backoff>;

/** Why a signed-in person is turned away although their session is valid. */
export type Refusal = 'clinic_suspended' | 'pharmacy_suspended';

/** What the login page says for each `?reason=`. */
export const REFUSAL_MESSAGES: Record<Refusal | 'password_reset' | 'signed_out_everywhere', string> = {
  clinic_suspended: 'Your clinic’s account is suspended. Ask vialcart support to restore it.',
  pharmacy_suspended: 'Your pharmacy’s account is suspended. Ask vialcart support to restore it.',
  password_reset: 'Your password was changed. Sign in with the new one.',
  signed_out_everywhere: 'You were signed out.',
};

type Loaded = { user: UserPrincipal } | { refused: Refusal } | null;

async function loadUser(userId: string): Promise<Loaded> {
  const row = await getDb()
    .selectFrom('users')
    .leftJoin('clinics', 'clinics.id', 'users.clinicId')
    .leftJoin('pharmacies', 'pharmacies.id', 'users.pharmacyId')
    .select(['users.id', 'users.name', 'users.email', 'users.role', 'users.clinicId', 'users.pharmacyId', 'users.active', 'clinics.suspendedAt', 'pharmacies.active as pharmacyActive'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!row || !row.active) return null;
  if (row.clinicId && row.suspendedAt) return { refused: 'clinic_suspended' };
  if (row.pharmacyId && row.pharmacyActive === false) return { refused: 'pharmacy_suspended' };
  addLogFields({ userId: row.id, ...(row.clinicId ? { clinicId: row.clinicId } : {}), ...(row.pharmacyId ? { pharmacyId: row.pharmacyId } : {}) });
  return { user: { kind: 'user', userId: row.id, name: row.name, email: row.email, role: row.role, clinicId: row.clinicId, pharmacyId: row.pharmacyId } };
}

/**
 * Checks an email and password. Throws `rate_limited` after too many failures for the
 * account or the address, and `unauthorized` with one message for any wrong pair (no hint
 * whether the email exists; an unknown email costs the same password check).
 */
export async function authenticate(email: string, password: string, address: string): Promise<UserPrincipal> {
  const normalized = email.trim().toLowerCase();
  const accountBucket = `login:account:${normalized}`;
  const addressBucket = `login:ip:${addressKey(address)}`;
  const [accountWait, addressWait] = await Promise.all([backoffWait(accountBucket, LOGIN_BACKOFF.account), backoffWait(addressBucket, LOGIN_BACKOFF.address)]);
  const wait = Math.max(accountWait, addressWait);
  if (wait > 0) {
    throw new DomainError('rate_limited', `Too many wrong passwords. Try again in ${wait < 60 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}.`, undefined, { retryAfterSeconds: wait });
  }
  const failed = async (message: string): Promise<never> => {
    await Promise.all([recordFailure(accountBucket, LOGIN_BACKOFF.account), recordFailure(addressBucket, LOGIN_BACKOFF.address)]);
    throw new DomainError('unauthorized', message);
  };
  const row = await getDb()
    .selectFrom('users')
    .select(['id', 'passwordHash', 'active'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', normalized))
    .executeTakeFirst();
  const ok = await checkPassword(row?.passwordHash, password);
  if (!row || !ok || !row.active) return failed('That email and password do not match an active account.');
  const loaded = await loadUser(row.id);
  if (loaded && 'refused' in loaded) throw new DomainError('unauthorized', REFUSAL_MESSAGES[loaded.refused]);
  if (!loaded) return failed('That email and password do not match an active account.');
  await clearRateLimit(accountBucket);
  await getDb().updateTable('users').set({ lastLoginAt: now() }).where('id', '=', row.id).execute();
  return loaded.user;
}

/** Starts a session for a user and redirects (Set-Cookie on the redirect). */
export async function createUserSession(user: UserPrincipal, redirectTo: string, request?: Request): Promise<Response> {
  const cookie = await startSession(user, request?.headers.get('user-agent') ?? null);
  return redirect(redirectTo, { headers: { 'Set-Cookie': cookie } });
}

export async function logout(request: Request): Promise<Response> {
  return redirect('/login', { headers: { 'Set-Cookie': await endSession(request) } });
}

/** The signed-in user, or null (signed out, deactivated, or their clinic or pharmacy suspended). */
export async function getUser(request: Request): Promise<UserPrincipal | null> {
  const session = await getSession(request);
  const userId = session.get('userId');
  if (typeof userId !== 'string') return null;
  const loaded = await loadUser(userId);
  return loaded && 'user' in loaded ? loaded.user : null;
}

/** Home page of a user by role: clinic staff to refill day, pharmacists to their portal. */
export function homeFor(user: UserPrincipal): string {
  if (user.role === 'pharmacist') return '/pharmacy';
  if (user.role === 'admin' && !user.clinicId) return '/admin';
  return '/';
}

/**
 * Guard for pages: the signed-in user, or a redirect to /login (remembering where they were
 * going; a suspended clinic's or pharmacy's user is signed out and told why). With `roles`,
 * another role gets a 403 page; with `area`, users of the other side (clinic vs pharmacy) are
 * sent to their own home.
 */
/** What a clinic's or pharmacy's staff read on the admin catalog imports page they cannot open. */
export const IMPORTS_REFUSAL =
  'Catalog imports are run by vialcart’s administrators, and your account is not one. To change a pharmacy’s prices or stock, ask the pharmacy to send its price list, or contact vialcart support.';

export async function requireUser(
  request: Request,
  options: { roles?: Role[]; area?: 'clinic' | 'pharmacy' | 'admin'; refusal?: string } = {},
): Promise<UserPrincipal> {
  const session = await getSession(request);
  const userId = session.get('userId');
  const loaded = typeof userId === 'string' ? await loadUser(userId) : null;
  if (loaded && 'refused' in loaded) {
    throw redirect(`/login?reason=${loaded.refused}`, { headers: { 'Set-Cookie': await endSession(request) } });
  }
  if (!loaded) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  const user = loaded.user;
  if (options.area === 'clinic' && !user.clinicId) throw redirect(homeFor(user));
  if (options.area === 'pharmacy' && !user.pharmacyId) throw redirect(homeFor(user));
  if (options.area === 'admin' && user.role !== 'admin') {
    // A page someone outside the area may reasonably look for says why it is closed (a 403
    // with `refusal`) instead of silently sending them home.
    if (options.refusal) throw new Response(options.refusal, { status: 403 });
    throw redirect(homeFor(user));
  }
  if (options.roles && !options.roles.includes(user.role)) {
    throw new Response('Your role cannot open this page.', { status: 403 });
  }
  return user;
}

/** The scope a request needs: reading (GET, HEAD) or writing (every other method). */
export function scopeFor(method: string): ApiKeyScope {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

// Writing `last_used_at` on every call would turn each read into a write; once a minute is
// what the keys page needs.
const LAST_USED_EVERY_MS = 60_000;

/**
 * Guard for the JSON APIs: the principal behind `Authorization: Bearer <key>`, of the expected
 * kind. A revoked key, or one of a suspended clinic or pharmacy, is a 401; a read key on a
 * request that writes is a 403.
 */
export async function requireApiKey(request: Request, kind: 'clinic' | 'pharmacy', scope: ApiKeyScope = scopeFor(request.method)): Promise<Principal> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new DomainError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
  const key = match[1]!;
  const row = await getDb()
    .selectFrom('apiKeys')
    .leftJoin('clinics', 'clinics.id', 'apiKeys.clinicId')
    .leftJoin('pharmacies', 'pharmacies.id', 'apiKeys.pharmacyId')
    .select(['apiKeys.id', 'apiKeys.clinicId', 'apiKeys.pharmacyId', 'apiKeys.revokedAt', 'apiKeys.scope', 'apiKeys.lastUsedAt', 'clinics.suspendedAt', 'pharmacies.active as pharmacyActive'])
    // The key's secret, or its previous secret during a rotation's overlap (api-keys.server.ts).
    .where((eb) => {
      const hash = hashApiKey(key);
      return eb.or([eb('apiKeys.keyHash', '=', hash), eb.and([eb('apiKeys.previousKeyHash', '=', hash), eb('apiKeys.previousKeyExpiresAt', '>', now())])]);
    })
    .executeTakeFirst();
  if (!row || row.revokedAt) throw new DomainError('unauthorized', 'That API key is not valid.');
  if (row.clinicId && row.suspendedAt) throw new DomainError('unauthorized', 'This clinic’s account is suspended: its API keys do not work until it is restored.');
  if (row.pharmacyId && row.pharmacyActive === false) throw new DomainError('unauthorized', 'This pharmacy’s account is suspended: its API keys do not work until it is restored.');
  addLogFields({ apiKeyId: row.id, ...(row.clinicId ? { clinicId: row.clinicId } : {}), ...(row.pharmacyId ? { pharmacyId: row.pharmacyId } : {}) });
  const at = now();
  if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
    await getDb().updateTable('apiKeys').set({ lastUsedAt: at }).where('id', '=', row.id).execute();
  }
  let principal: Principal;
  if (kind === 'clinic') {
    if (!row.clinicId) throw new DomainError('unauthorized', 'This API needs a clinic API key.');
    principal = { kind: 'clinic_key', keyId: row.id, clinicId: row.clinicId };
  } else {
    if (!row.pharmacyId) throw new DomainError('unauthorized', 'This API needs a pharmacy API key.');
    principal = { kind: 'pharmacy_key', keyId: row.id, pharmacyId: row.pharmacyId };
  }
  if (scope === 'write' && row.scope !== 'write') {
    throw new DomainError('forbidden', 'This API key may only read: create a key with the write scope for this request.');
  }
  return principal;
}
