import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// The patient pickers read the first rows of "pets whose name starts with …" in name order.
// A b-tree on the lower-case name in byte order ("C" collation), then the id (the tie-break),
// answers both the prefix range and the order, so the first ten of thousands of matches come
// off the index without sorting; the pattern-ops index it replaces answered only the range.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists patients_name_sort on patients (clinic_id, (lower(name) collate "C"), id)`.execute(db);
  await sql`drop index if exists patients_name_prefix`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists patients_name_prefix on patients (clinic_id, lower(name) text_pattern_ops)`.execute(db);
  await sql`drop index if exists patients_name_sort`.execute(db);
}
