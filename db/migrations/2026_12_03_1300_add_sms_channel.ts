import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// The SMS channel through Twilio (docs/sms.md): a clinic's number and credentials, the
// owners' consent (an append-only log: the latest entry for a number decides), every text
// received (one row per Twilio MessageSid, so a replayed webhook is answered from here), and
// the delivery state of each text sent.
const UP_SQL = `
create table clinic_sms_settings (
  clinic_id uuid primary key references clinics(id) on delete cascade,
  -- The clinic's Twilio number (E.164): texts to it are the clinic's; texts from the clinic come from it.
  phone_number text unique check (phone_number is null or phone_number ~ '^\\+[1-9][0-9]{6,14}$'),
  messaging_service_sid text check (messaging_service_sid is null or messaging_service_sid ~ '^MG[0-9a-fA-F]{32}$'),
  account_sid text check (account_sid is null or account_sid ~ '^AC[0-9a-fA-F]{32}$'),
  -- Secrets are sealed by the application (never stored or shown in full); *_hint keeps the last 4 characters.
  auth_token_sealed text,
  auth_token_hint text,
  api_key_sid text check (api_key_sid is null or api_key_sid ~ '^SK[0-9a-fA-F]{32}$'),
  api_key_secret_sealed text,
  api_key_secret_hint text,
  -- Reminders by text wait while the clinic's local time is in [quiet_start, quiet_end).
  quiet_start text not null default '20:00' check (quiet_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  quiet_end text not null default '08:00' check (quiet_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

create table sms_consents (
  -- In order of recording: the highest id for a number is its current state.
  id bigint generated always as identity primary key,
  clinic_id uuid not null references clinics(id),
  phone text not null,
  action text not null check (action in ('opt_in', 'opt_out')),
  source text not null check (source in ('web_form', 'keyword', 'staff', 'api')),
  keyword text,
  -- The exact words the owner agreed to (web form), or the keyword they texted.
  consent_text text,
  client_id uuid references clients(id),
  refill_request_id uuid references refill_requests(id),
  message_sid text,
  created_at timestamptz not null default now()
);
create index sms_consents_number_idx on sms_consents (clinic_id, phone, id desc);

create table sms_messages (
  message_sid text primary key,
  -- In order of arrival (the owner's next text answers the question the last one was asked).
  id bigint generated always as identity unique,
  clinic_id uuid not null references clinics(id),
  from_phone text not null,
  to_phone text not null,
  body text not null,
  kind text not null check (kind in ('request', 'answer', 'keyword', 'ignored')),
  keyword text,
  refill_request_id uuid references refill_requests(id),
  -- What vialcart answered (the TwiML message), replayed for a repeated delivery.
  reply text,
  -- The question asked back (which pet / which medication), answered by the owner's next text.
  question text,
  created_at timestamptz not null default now()
);
create index sms_messages_sender_idx on sms_messages (clinic_id, from_phone, id desc);

alter table notifications
  add column data jsonb not null default '{}',
  add column provider text,
  add column provider_message_id text,
  add column delivery_status text check (delivery_status is null or delivery_status in ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed')),
  add column delivery_error_code integer,
  add column delivery_updated_at timestamptz,
  add column segments integer check (segments is null or segments >= 0),
  add column encoding text check (encoding is null or encoding in ('GSM-7', 'UCS-2')),
  add column fallback_of_id uuid references notifications(id);
create unique index notifications_provider_message_idx on notifications (provider, provider_message_id) where provider_message_id is not null;
-- An undelivered text falls back to email once.
create unique index notifications_fallback_idx on notifications (fallback_of_id) where fallback_of_id is not null;
`;

const DOWN_SQL = `
drop index if exists notifications_fallback_idx;
drop index if exists notifications_provider_message_idx;
alter table notifications
  drop column if exists fallback_of_id,
  drop column if exists encoding,
  drop column if exists segments,
  drop column if exists delivery_updated_at,
  drop column if exists delivery_error_code,
  drop column if exists delivery_status,
  drop column if exists provider_message_id,
  drop column if exists provider,
  drop column if exists data;
drop table if exists sms_messages;
drop table if exists sms_consents;
drop table if exists clinic_sms_settings;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
