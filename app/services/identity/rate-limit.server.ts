import { sql } from 'kysely';
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
