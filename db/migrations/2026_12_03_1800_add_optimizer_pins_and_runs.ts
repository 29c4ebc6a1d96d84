import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// "Optimise pharmacies" in the cart: a line the clinic pinned keeps its offer whatever the
// optimizer finds (`cart_lines.optimizer_pinned`), and each applied optimisation is kept with
// the offers its lines had before (`cart_optimizations.moves`), so it can be undone once as one
// more change of the cart while those lines are as the optimisation left them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cart_lines add column optimizer_pinned boolean not null default false`.execute(db);
  await sql`
    create table cart_optimizations (
      id uuid primary key default gen_random_uuid(),
      clinic_id uuid not null references clinics(id),
      cart_id uuid not null references carts(id) on delete cascade,
      applied_by uuid references users(id),
      applied_at timestamptz not null default now(),
      cart_version integer not null,
      solver text not null,
      total_before_cents integer not null,
      total_after_cents integer not null,
      moves jsonb not null,
      undone_at timestamptz,
      undone_by uuid references users(id)
    )`.execute(db);
  await sql`create index cart_optimizations_cart_idx on cart_optimizations (cart_id, applied_at desc)`.execute(db);
  await sql`create index cart_optimizations_clinic_idx on cart_optimizations (clinic_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table cart_optimizations`.execute(db);
  await sql`alter table cart_lines drop column optimizer_pinned`.execute(db);
}
