import { sql } from 'kysely';
import { getDb } from '../../../db/client';

/** Whether the database answers, and how fast. */
export async function checkHealth(): Promise<{ ok: boolean; database: 'up' | 'down'; latencyMs: number }> {
  const started = Date.now();
  try {
    await sql`select 1`.execute(getDb());
    return { ok: true, database: 'up', latencyMs: Date.now() - started };
  } catch {
    return { ok: false, database: 'down', latencyMs: Date.now() - started };
  }
}
