import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// Session rows are now keyed by the SHA-256 of the cookie's random id, not the id itself, so a
// copy of the table signs nobody in. Rows stored under the plain id cannot be found by their
// cookie any more: they are removed (everyone signs in again once).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from sessions`.execute(db);
  await sql`comment on column sessions.id is 'SHA-256 (hex) of the session cookie''s random id'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from sessions`.execute(db);
  await sql`comment on column sessions.id is null`.execute(db);
}
