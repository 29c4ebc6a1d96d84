import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// Onboarding without the demo (docs/onboarding.md): the first administrator's setup tokens,
// staff invitations and password resets (only hashes of their tokens are stored), invited
// users without a password yet, deactivation and clinic suspension, API key scopes, the
// sessions a user sees on their account page, and account emails in the notifications outbox.
const UP_SQL = `
create table setup_tokens (
  token_hash text primary key,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);

alter table users alter column password_hash drop not null;
alter table users add column deactivated_at timestamptz;
alter table users add constraint users_active_has_password check (not active or password_hash is not null);

create table invitations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id) on delete cascade,
  token_hash text not null unique,
  invited_by uuid references users(id),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index invitations_user_idx on invitations (user_id, created_at desc);

create table password_resets (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id) on delete cascade,
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index password_resets_user_idx on password_resets (user_id, created_at desc);

alter table clinics add column suspended_at timestamptz;
alter table clinics add column rx_expiry_months integer not null default 12 check (rx_expiry_months between 1 and 24);

alter table sessions add column user_agent text;
alter table sessions add column last_seen_at timestamptz;

alter table api_keys add column scope text not null default 'write' check (scope in ('read', 'write'));
alter table api_keys add column created_by uuid references users(id);
create index api_keys_clinic_idx on api_keys (clinic_id, created_at desc);
create index api_keys_pharmacy_idx on api_keys (pharmacy_id, created_at desc);

alter table notifications alter column clinic_id drop not null;
alter table notifications add column audience text not null default 'owner' check (audience in ('owner', 'staff'));
alter table notifications add column pharmacy_id uuid references pharmacies(id);
alter table notifications add column user_id uuid references users(id);
alter table notifications add column sealed_link text;
alter table notifications add constraint notifications_owner_has_clinic check (audience = 'staff' or clinic_id is not null);
create index notifications_staff_idx on notifications (created_at desc) where audience = 'staff';
`;

const DOWN_SQL = `
drop index if exists notifications_staff_idx;
delete from notifications where clinic_id is null;
alter table notifications drop constraint if exists notifications_owner_has_clinic;
alter table notifications drop column if exists sealed_link;
alter table notifications drop column if exists user_id;
alter table notifications drop column if exists pharmacy_id;
alter table notifications drop column if exists audience;
alter table notifications alter column clinic_id set not null;
drop index if exists api_keys_pharmacy_idx;
drop index if exists api_keys_clinic_idx;
alter table api_keys drop column if exists created_by;
alter table api_keys drop column if exists scope;
alter table sessions drop column if exists last_seen_at;
alter table sessions drop column if exists user_agent;
alter table clinics drop column if exists rx_expiry_months;
alter table clinics drop column if exists suspended_at;
drop table if exists password_resets;
drop table if exists invitations;
alter table users drop constraint if exists users_active_has_password;
alter table users drop column if exists deactivated_at;
update users set password_hash = '!' where password_hash is null;
alter table users alter column password_hash set not null;
drop table if exists setup_tokens;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
