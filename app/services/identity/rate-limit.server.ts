import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { getEnv } from '../../env.server';
import { getDb } from '../../../db/client';
import { now } from '../platform/clock.server';

/**
 * Fixed-window counter in Postgres, shared by every app server: `limit` hits per
 * `windowSeconds` per bucket (e.g. "login:ip:1.2.3.4"). Returns whether this hit is allowed.
 */
export async function hitRateLimit(
  bucket: string,
  limit: number,
  windowSeconds: number,
): Promise<{ allowed: boolean; retryAfterSeconds: number; count: number }> {
  const at = now();
  const resetAt = new Date(at.getTime() + windowSeconds * 1000);
  const row = await sql<{ count: number; resetAt: Date }>`
    insert into rate_limits (bucket, count, reset_at) values (${bucket}, 1, ${resetAt})
    on conflict (bucket) do update set
      count = case when rate_limits.reset_at <= ${at} then 1 else rate_limits.count + 1 end,
      reset_at = case when rate_limits.reset_at <= ${at} then ${resetAt} else rate_limits.reset_at end
    returning count, reset_at as "resetAt"`.execute(getDb());
  const r = row.rows[0]!;
  const retryAfterSeconds = Math.max(1, Math.ceil((new Date(r.resetAt).getTime() - at.getTime()) / 1000));
  return { allowed: r.count <= limit, retryAfterSeconds, count: r.count };
}

/** Clears a bucket (a successful login forgives earlier failures from that account). */
export async function clearRateLimit(bucket: string): Promise<void> {
  await getDb().deleteFrom('rateLimits').where('bucket', '=', bucket).execute();
}

/**
 * A client address as a rate limit's bucket names it: a keyed hash (HMAC-SHA-256 with the
 * session secret), so the rate-limit table never holds anyone's IP address in the clear.
 */
export function addressKey(address: string): string {
  return createHmac('sha256', getEnv().SESSION_SECRET).update(`address:${address}`).digest('base64url').slice(0, 32);
}

/** A progressive delay: after `freeFailures`, each failure doubles the wait (from `baseSeconds`, at most `maxSeconds`). */
export type Backoff = { freeFailures: number; baseSeconds: number; maxSeconds: number; windowSeconds: number };

/** The wait a bucket's failures impose, in seconds (0: go ahead); failures older than the window are forgotten. */
export function backoffSeconds(failures: number, policy: Backoff): number {
  if (failures < policy.freeFailures) return 0;
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (failures - policy.freeFailures));
}

/** How long `bucket` must still wait under `policy` (0: not at all). Reads only. */
export async function backoffWait(bucket: string, policy: Backoff): Promise<number> {
  const row = await getDb().selectFrom('rateLimits').select(['count', 'resetAt']).where('bucket', '=', bucket).executeTakeFirst();
  const at = now().getTime();
  if (!row || row.resetAt.getTime() <= at) return 0;
  // Every failure moves `reset_at` to a window after it, so the last failure was a window before.
  const lastFailure = row.resetAt.getTime() - policy.windowSeconds * 1000;
  const until = lastFailure + backoffSeconds(row.count, policy) * 1000;
  return Math.max(0, Math.ceil((until - at) / 1000));
}

/** Records one failure against `bucket`: counted for a window after this failure. */
export async function recordFailure(bucket: string, policy: Backoff): Promise<void> {
  const at = now();
  const resetAt = new Date(at.getTime() + policy.windowSeconds * 1000);
  await sql`
    insert into rate_limits (bucket, count, reset_at) values (${bucket}, 1, ${resetAt})
    on conflict (bucket) do update set
      count = case when rate_limits.reset_at <= ${at} then 1 else rate_limits.count + 1 end,
      reset_at = ${resetAt}`.execute(getDb());
}
