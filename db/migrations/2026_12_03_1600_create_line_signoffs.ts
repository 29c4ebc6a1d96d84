import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// A veterinarian's sign-off is bound to the content it authorised: one row per sign-off with
// the canonical content signed and its SHA-256, the DEA registration relied on, and when and
// by whom it was cleared (a later change of a bound field). At most one current (uncleared)
// sign-off per line. Sign-offs recorded on the line itself before this binding carry no
// content, so they are moved here as cleared: the history stays, an open line needs a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table line_signoffs (
      id uuid primary key default gen_random_uuid(),
      clinic_id uuid not null references clinics(id),
      cart_line_id uuid not null references cart_lines(id) on delete cascade,
      user_id uuid not null references users(id),
      prescriber_id uuid references prescribers(id),
      content_hash text not null,
      content jsonb not null,
      dea_registration jsonb,
      signed_at timestamptz not null default now(),
      cleared_at timestamptz,
      cleared_by uuid references users(id),
      cleared_reason text
    )`.execute(db);
  await sql`create unique index line_signoffs_current_idx on line_signoffs (cart_line_id) where cleared_at is null`.execute(db);
  await sql`create index line_signoffs_line_idx on line_signoffs (cart_line_id, signed_at)`.execute(db);
  await sql`create index line_signoffs_clinic_idx on line_signoffs (clinic_id)`.execute(db);
  await sql`
    insert into line_signoffs (clinic_id, cart_line_id, user_id, prescriber_id, content_hash, content, signed_at, cleared_at, cleared_reason)
    select l.clinic_id, l.id, l.vet_signoff_by, (select p.id from prescribers p where p.user_id = l.vet_signoff_by limit 1),
           '', '{}'::jsonb, coalesce(l.vet_signoff_at, l.updated_at), now(), 'recorded before sign-offs were bound to content'
    from cart_lines l where l.vet_signoff_by is not null`.execute(db);
  await sql`alter table cart_lines drop column vet_signoff_by, drop column vet_signoff_at`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cart_lines add column vet_signoff_by uuid references users(id), add column vet_signoff_at timestamptz`.execute(db);
  await sql`
    update cart_lines l set vet_signoff_by = s.user_id, vet_signoff_at = s.signed_at
    from line_signoffs s where s.cart_line_id = l.id and s.cleared_at is null`.execute(db);
  await sql`drop table line_signoffs`.execute(db);
}
