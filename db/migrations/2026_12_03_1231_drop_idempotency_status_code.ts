import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// An idempotency key stores the first answer's value; the HTTP status it is sent with is the
// route's to decide (a replay of a create is answered 200 or 201 by the route), so the
// stored status code goes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table idempotency_keys drop column if exists status_code`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table idempotency_keys add column if not exists status_code integer not null default 201`.execute(db);
  await sql`alter table idempotency_keys alter column status_code drop default`.execute(db);
}
