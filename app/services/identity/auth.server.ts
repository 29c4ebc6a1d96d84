import { randomBytes } from 'node:crypto';
import { createCookie, createSessionStorage, redirect } from '@remix-run/node';
import { getDb } from '../../../db/client';
import { hashApiKey, verifyPassword } from '../../../db/credentials';
import { json } from '../../../db/json';
import type { Role } from '../../../db/schema';
import { getEnv } from '../../env.server';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { addLogFields } from '../platform/logger.server';
import type { Principal, UserPrincipal } from './principal';
import { clearRateLimit, hitRateLimit } from './rate-limit.server';

const SESSION_HOURS = 12;
/** Failed logins allowed per account and per address in a window, before 429. */
export const LOGIN_LIMIT = { perAccount: 5, perIp: 20, windowSeconds: 15 * 60 };

type SessionData = { userId: string };
let storage: ReturnType<typeof createSessionStorage<SessionData>> | undefined;

// Sessions live in Postgres (so logout and deactivation take effect everywhere); the cookie
// holds only a signed random id.
function sessionStorage() {
  if (storage) return storage;
  const env = getEnv();
  const cookie = createCookie('__vialcart', {
    httpOnly: true,
    sameSite: 'lax',
    secure: env.NODE_ENV === 'production',
    path: '/',
    secrets: [env.SESSION_SECRET],
    maxAge: SESSION_HOURS * 3600,
  });
  storage = createSessionStorage<SessionData>({
    cookie,
    async createData(data, expires) {
      const id = randomBytes(24).toString('base64url');
      const userId = typeof data.userId === 'string' ? data.userId : null;
      if (!userId) throw new Error('a session needs a user');
      await getDb()
        .insertInto('sessions')
        .values({ id, userId, data: json(data), expiresAt: expires ?? new Date(now().getTime() + SESSION_HOURS * 3600_000) })
        .execute();
      return id;
    },
    async readData(id) {
      const row = await getDb().selectFrom('sessions').select(['data', 'expiresAt']).where('id', '=', id).executeTakeFirst();
      if (!row || row.expiresAt.getTime() <= now().getTime()) return null;
      return row.data as SessionData;
    },
    async updateData(id, data, expires) {
      await getDb()
        .updateTable('sessions')
        .set({ data: json(data), ...(expires ? { expiresAt: expires } : {}) })
        .where('id', '=', id)
        .execute();
    },
    async deleteData(id) {
      await getDb().deleteFrom('sessions').where('id', '=', id).execute();
    },
  });
  return storage;
}

export function getSession(request: Request) {
  return sessionStorage().getSession(request.headers.get('Cookie'));
}

/** The address a request came from, for rate limits (the first X-Forwarded-For hop behind a proxy). */
export function clientAddress(request: Request): string {
  return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || request.headers.get('x-real-ip') || 'local';
}

async function loadUser(userId: string): Promise<UserPrincipal | null> {
  const row = await getDb()
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'clinicId', 'pharmacyId', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row || !row.active) return null;
  addLogFields({ userId: row.id, ...(row.clinicId ? { clinicId: row.clinicId } : {}), ...(row.pharmacyId ? { pharmacyId: row.pharmacyId } : {}) });
  return { kind: 'user', userId: row.id, name: row.name, email: row.email, role: row.role, clinicId: row.clinicId, pharmacyId: row.pharmacyId };
}

/**
 * Checks an email and password. Throws `rate_limited` after too many failures for the
 * account or the address, and `unauthorized` with one message for any wrong pair (no hint
 * whether the email exists).
 */
export async function authenticate(email: string, password: string, address: string): Promise<UserPrincipal> {
  const normalized = email.trim().toLowerCase();
  const accountBucket = `login:account:${normalized}`;
  const [account, ip] = await Promise.all([
    hitRateLimit(accountBucket, LOGIN_LIMIT.perAccount, LOGIN_LIMIT.windowSeconds),
    hitRateLimit(`login:ip:${address}`, LOGIN_LIMIT.perIp, LOGIN_LIMIT.windowSeconds),
  ]);
  if (!account.allowed || !ip.allowed) {
    const wait = Math.max(account.allowed ? 0 : account.retryAfterSeconds, ip.allowed ? 0 : ip.retryAfterSeconds);
    throw new DomainError('rate_limited', `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.`, undefined, { retryAfterSeconds: wait });
  }
  const row = await getDb()
    .selectFrom('users')
    .select(['id', 'passwordHash', 'active'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', normalized))
    .executeTakeFirst();
  const ok = row ? await verifyPassword(row.passwordHash, password) : false;
  if (!row || !ok || !row.active) {
    throw new DomainError('unauthorized', 'That email and password do not match an active account.');
  }
  await clearRateLimit(accountBucket);
  await getDb().updateTable('users').set({ lastLoginAt: now() }).where('id', '=', row.id).execute();
  return (await loadUser(row.id))!;
}

/** Starts a session for a user and redirects (Set-Cookie on the redirect). */
export async function createUserSession(user: UserPrincipal, redirectTo: string): Promise<Response> {
  const session = await sessionStorage().getSession();
  session.set('userId', user.userId);
  const cookie = await sessionStorage().commitSession(session, { expires: new Date(now().getTime() + SESSION_HOURS * 3600_000) });
  return redirect(redirectTo, { headers: { 'Set-Cookie': cookie } });
}

export async function logout(request: Request): Promise<Response> {
  const session = await getSession(request);
  return redirect('/login', { headers: { 'Set-Cookie': await sessionStorage().destroySession(session) } });
}

/** The signed-in user, or null. */
export async function getUser(request: Request): Promise<UserPrincipal | null> {
  const session = await getSession(request);
  const userId = session.get('userId');
  return typeof userId === 'string' ? loadUser(userId) : null;
}

/** Home page of a user by role: clinic staff to refill day, pharmacists to their portal. */
export function homeFor(user: UserPrincipal): string {
  if (user.role === 'pharmacist') return '/pharmacy';
  if (user.role === 'admin' && !user.clinicId) return '/admin';
  return '/';
}

/**
 * Guard for pages: the signed-in user, or a redirect to /login (remembering where they were
 * going). With `roles`, another role gets a 403 page; with `area`, users of the other side
 * (clinic vs pharmacy) are sent to their own home.
 */
export async function requireUser(
  request: Request,
  options: { roles?: Role[]; area?: 'clinic' | 'pharmacy' | 'admin' } = {},
): Promise<UserPrincipal> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
  }
  if (options.area === 'clinic' && !user.clinicId) throw redirect(homeFor(user));
  if (options.area === 'pharmacy' && !user.pharmacyId) throw redirect(homeFor(user));
  if (options.area === 'admin' && user.role !== 'admin') throw redirect(homeFor(user));
  if (options.roles && !options.roles.includes(user.role)) {
    throw new Response('Your role cannot open this page.', { status: 403 });
  }
  return user;
}

/** Guard for the JSON APIs: the principal behind `Authorization: Bearer <key>`, of the expected kind. */
export async function requireApiKey(request: Request, kind: 'clinic' | 'pharmacy'): Promise<Principal> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new DomainError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
  const key = match[1]!;
  const row = await getDb()
    .selectFrom('apiKeys')
    .select(['id', 'clinicId', 'pharmacyId', 'revokedAt'])
    .where('keyHash', '=', hashApiKey(key))
    .executeTakeFirst();
  if (!row || row.revokedAt) throw new DomainError('unauthorized', 'That API key is not valid.');
  addLogFields({ apiKeyId: row.id, ...(row.clinicId ? { clinicId: row.clinicId } : {}), ...(row.pharmacyId ? { pharmacyId: row.pharmacyId } : {}) });
  if (kind === 'clinic') {
    if (!row.clinicId) throw new DomainError('unauthorized', 'This API needs a clinic API key.');
    return { kind: 'clinic_key', keyId: row.id, clinicId: row.clinicId };
  }
  if (!row.pharmacyId) throw new DomainError('unauthorized', 'This API needs a pharmacy API key.');
  return { kind: 'pharmacy_key', keyId: row.id, pharmacyId: row.pharmacyId };
}
