import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// The dose-range check doses by the patient's latest weight; a weight older than the clinic's
// window (months, default 6) is flagged as too old to dose by.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table clinics add column weight_window_months integer not null default 6
    check (weight_window_months between 1 and 60)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table clinics drop column weight_window_months`.execute(db);
}
