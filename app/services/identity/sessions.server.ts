import { createHash, randomBytes } from 'node:crypto';
import { createCookie, createSessionStorage } from '@remix-run/node';
import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database } from '../../../db/schema';
import { getEnv } from '../../env.server';
import { now } from '../platform/clock.server';
import type { UserPrincipal } from './principal';

/** How long a session lasts without signing in again. */
export const SESSION_HOURS = 12;
/** How stale `last_seen_at` may get before a request writes it again. */
const LAST_SEEN_EVERY_MS = 5 * 60_000;

type SessionData = { userId: string; userAgent?: string };
let storage: ReturnType<typeof createSessionStorage<SessionData>> | undefined;

/**
 * The key a session's row is stored under: the SHA-256 of the cookie's random id, so a copy of
 * the sessions table (a backup, a dump) signs nobody in (docs/security.md).
 */
export function sessionKey(cookieId: string): string {
  return createHash('sha256').update(cookieId).digest('hex');
}

/**
 * The session cookie's name: `__Host-vialcart` in production (the browser then takes it only
 * over HTTPS, for this host, path `/`, never a parent domain's); `__vialcart` outside production,
 * where the app may be served over plain http.
 */
export function sessionCookieName(production: boolean): string {
  return production ? '__Host-vialcart' : '__vialcart';
}

// Sessions live in Postgres (so signing out everywhere, a password reset and deactivation take
// effect at once on every server); the cookie holds only a signed random id, the table its hash.
export function sessionStorage() {
  if (storage) return storage;
  const env = getEnv();
  const production = env.NODE_ENV === 'production';
  const cookie = createCookie(sessionCookieName(production), {
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
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
      const at = now();
      await getDb()
        .insertInto('sessions')
        .values({
          id: sessionKey(id),
          userId,
          data: json({ userId }),
          userAgent: typeof data.userAgent === 'string' ? data.userAgent.slice(0, 300) : null,
          lastSeenAt: at,
          createdAt: at,
          expiresAt: expires ?? new Date(at.getTime() + SESSION_HOURS * 3600_000),
        })
        .execute();
      return id;
    },
    async readData(id) {
      const key = sessionKey(id);
      const row = await getDb().selectFrom('sessions').select(['data', 'expiresAt', 'lastSeenAt']).where('id', '=', key).executeTakeFirst();
      const at = now();
      if (!row || row.expiresAt.getTime() <= at.getTime()) return null;
      if (!row.lastSeenAt || at.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_EVERY_MS) {
        await getDb().updateTable('sessions').set({ lastSeenAt: at }).where('id', '=', key).execute();
      }
      return row.data as SessionData;
    },
    async updateData(id, data, expires) {
      await getDb()
        .updateTable('sessions')
        .set({ data: json({ userId: data.userId }), ...(expires ? { expiresAt: expires } : {}) })
        .where('id', '=', sessionKey(id))
        .execute();
    },
    async deleteData(id) {
      await getDb().deleteFrom('sessions').where('id', '=', sessionKey(id)).execute();
    },
  });
  return storage;
}

export function getSession(request: Request) {
  return sessionStorage().getSession(request.headers.get('Cookie'));
}

/** The stored key of the request's session (for "this device"), or null when signed out. */
export async function currentSessionId(request: Request): Promise<string | null> {
  const session = await getSession(request);
  return session.id ? sessionKey(session.id) : null;
}

/** A `Set-Cookie` value starting a new session for `user`. */
export async function startSession(user: UserPrincipal, userAgent: string | null): Promise<string> {
  const session = await sessionStorage().getSession();
  session.set('userId', user.userId);
  if (userAgent) session.set('userAgent', userAgent);
  return sessionStorage().commitSession(session, { expires: new Date(now().getTime() + SESSION_HOURS * 3600_000) });
}

/** A `Set-Cookie` value ending the request's session (and its row). */
export async function endSession(request: Request): Promise<string> {
  return sessionStorage().destroySession(await getSession(request));
}

/** Ends every session of a user (deactivation, password reset), in the caller's transaction; `except` keeps one. */
export async function endUserSessions(db: Kysely<Database>, userId: string, except?: string | null): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('userId', '=', userId)
    .$if(!!except, (q) => q.where('id', '<>', except!))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends the sessions of every user of a clinic (its suspension is lifted: nobody resumes an old one). */
export async function endClinicSessions(db: Kysely<Database>, clinicId: string): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('userId', 'in', (eb) => eb.selectFrom('users').select('id').where('clinicId', '=', clinicId))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** One of a user's open sessions, as the account page lists them. */
export type SessionView = { key: string; createdAt: string; lastSeenAt: string | null; expiresAt: string; userAgent: string | null; current: boolean };

/** A user's open sessions, newest first; `current` marks the one of this request. */
export async function listUserSessions(userId: string, currentId: string | null): Promise<SessionView[]> {
  const rows = await getDb()
    .selectFrom('sessions')
    .select(['id', 'createdAt', 'lastSeenAt', 'expiresAt', 'userAgent'])
    .where('userId', '=', userId)
    .where('expiresAt', '>', now())
    .orderBy('createdAt', 'desc')
    .execute();
  return rows.map((r, i) => ({
    // Never the session id itself: the page needs a React key, not a credential.
    key: `${r.createdAt.getTime()}-${i}`,
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt ? r.lastSeenAt.toISOString() : null,
    expiresAt: r.expiresAt.toISOString(),
    userAgent: r.userAgent,
    current: r.id === currentId,
  }));
}
