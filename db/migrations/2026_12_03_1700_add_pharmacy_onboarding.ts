import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// Pharmacies onboarded by the platform administrator: their 503A licence, NABP and NPI numbers
// and a contact person; a rotated signing secret keeps verifying until its overlap window ends
// (previous_webhook_secret + previous_secret_expires_at), and so does a rotated API key
// (previous_key_hash + previous_key_expires_at). docs/onboarding.md, "Secrets and rotation".
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table pharmacies
      add column license503a text,
      add column nabp_number text,
      add column npi text check (npi is null or npi ~ '^[0-9]{10}$'),
      add column contact_name text,
      add column previous_webhook_secret text,
      add column previous_secret_expires_at timestamptz,
      add column secret_rotated_at timestamptz,
      add column updated_at timestamptz not null default now(),
      add constraint pharmacies_previous_secret_check check ((previous_webhook_secret is null) = (previous_secret_expires_at is null))`.execute(db);
  await sql`
    alter table api_keys
      add column previous_key_hash text,
      add column previous_key_expires_at timestamptz,
      add column rotated_at timestamptz,
      add constraint api_keys_previous_key_check check ((previous_key_hash is null) = (previous_key_expires_at is null))`.execute(db);
  // How an accepted order's pharmacy is paid, decided when it accepts: by Stripe transfer, or on
  // account (outside Stripe: its account cannot receive transfers). Null before acceptance.
  await sql`alter table orders add column pharmacy_payout text check (pharmacy_payout in ('transfer', 'on_account'))`.execute(db);
  await sql`create index api_keys_previous_hash_idx on api_keys (previous_key_hash) where previous_key_hash is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists api_keys_previous_hash_idx`.execute(db);
  await sql`alter table orders drop column if exists pharmacy_payout`.execute(db);
  await sql`
    alter table api_keys
      drop constraint if exists api_keys_previous_key_check,
      drop column if exists rotated_at,
      drop column if exists previous_key_expires_at,
      drop column if exists previous_key_hash`.execute(db);
  await sql`
    alter table pharmacies
      drop constraint if exists pharmacies_previous_secret_check,
      drop column if exists updated_at,
      drop column if exists secret_rotated_at,
      drop column if exists previous_secret_expires_at,
      drop column if exists previous_webhook_secret,
      drop column if exists contact_name,
      drop column if exists npi,
      drop column if exists nabp_number,
      drop column if exists license503a`.execute(db);
}
