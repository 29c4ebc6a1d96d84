import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// USPS codes: 50 states, DC, inhabited territories, freely associated states and military
// mail (USPS Publication 28, the same list as validators/vocabulary/us-states.ts).
const USPS_CODES = [
  'AK', 'AL', 'AR', 'AZ', 'CA', 'CO', 'CT', 'DE', 'FL', 'GA', 'HI', 'IA', 'ID', 'IL', 'IN',
  'KS', 'KY', 'LA', 'MA', 'MD', 'ME', 'MI', 'MN', 'MO', 'MS', 'MT', 'NC', 'ND', 'NE', 'NH',
  'NJ', 'NM', 'NV', 'NY', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VA',
  'VT', 'WA', 'WI', 'WV', 'WY', 'DC', 'AS', 'GU', 'MP', 'PR', 'VI', 'FM', 'MH', 'PW', 'AA',
  'AE', 'AP',
];

const UP_SQL = `
create extension if not exists pg_trgm;

create domain usps_state as text check (value in (${USPS_CODES.map((c) => `'${c}'`).join(',')}));
create domain cents as integer check (value >= 0);
create domain dea_schedule as text check (value in ('II', 'III', 'IV', 'V'));

create table clinics (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 1 and 200),
  address_line1 text not null,
  address_line2 text,
  city text not null,
  state usps_state not null,
  postal_code text not null,
  phone text,
  email text,
  timezone text not null default 'America/Los_Angeles',
  wellness_window_months integer not null default 12 check (wellness_window_months between 1 and 60),
  wellness_policy text not null default 'warning' check (wellness_policy in ('warning', 'error')),
  payment_terms_days integer not null default 30 check (payment_terms_days between 0 and 120),
  reminder_lead_days integer not null default 7 check (reminder_lead_days between 0 and 60),
  platform_fee_cents cents not null default 0,
  booking_url text,
  escalation_user_id uuid,
  sla_settings jsonb not null default '{}',
  intake_secret text not null,
  stripe_customer_id text,
  created_at timestamptz not null default now()
);

create table pharmacies (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null,
  resident_state usps_state not null,
  address_line1 text,
  city text,
  postal_code text,
  phone text,
  email text,
  connection_kind text not null default 'portal' check (connection_kind in ('rest', 'portal')),
  connection_settings jsonb not null default '{}',
  webhook_secret text not null,
  stripe_account_id text,
  shipping_cents cents not null default 0,
  cold_chain_fee_cents cents not null default 0,
  turnaround_days integer not null default 3 check (turnaround_days between 0 and 60),
  active boolean not null default true,
  created_at timestamptz not null default now()
);

create table pharmacy_ship_licenses (
  pharmacy_id uuid not null references pharmacies(id) on delete cascade,
  state usps_state not null,
  license_number text not null,
  expires_on date not null,
  primary key (pharmacy_id, state)
);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text not null,
  password_hash text not null,
  role text not null check (role in ('technician', 'veterinarian', 'manager', 'front_desk', 'pharmacist', 'admin')),
  clinic_id uuid references clinics(id),
  pharmacy_id uuid references pharmacies(id),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  last_login_at timestamptz,
  check (
    (role = 'pharmacist' and pharmacy_id is not null and clinic_id is null)
    or (role in ('technician', 'veterinarian', 'manager', 'front_desk') and clinic_id is not null and pharmacy_id is null)
    or (role = 'admin' and pharmacy_id is null)
  )
);
create unique index users_email_key on users (lower(email));
create index users_clinic_idx on users (clinic_id);
create index users_pharmacy_idx on users (pharmacy_id);
alter table clinics add constraint clinics_escalation_user_fk foreign key (escalation_user_id) references users(id);

create table sessions (
  id text primary key,
  user_id uuid not null references users(id) on delete cascade,
  data jsonb not null default '{}',
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);

create table rate_limits (
  bucket text primary key,
  count integer not null,
  reset_at timestamptz not null
);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  key_hash text not null unique,
  key_prefix text not null,
  clinic_id uuid references clinics(id),
  pharmacy_id uuid references pharmacies(id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  check ((clinic_id is null) <> (pharmacy_id is null))
);

create table prescribers (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  user_id uuid not null unique references users(id),
  name text not null,
  created_at timestamptz not null default now()
);
create index prescribers_clinic_idx on prescribers (clinic_id);

create table prescriber_licenses (
  id uuid primary key default gen_random_uuid(),
  prescriber_id uuid not null references prescribers(id) on delete cascade,
  state usps_state not null,
  number text not null,
  expires_on date not null,
  unique (prescriber_id, state, number)
);

create table dea_registrations (
  id uuid primary key default gen_random_uuid(),
  prescriber_id uuid not null references prescribers(id) on delete cascade,
  state usps_state not null,
  number text not null check (number ~ '^[A-Z]{2}[0-9]{7}$'),
  schedules text[] not null check (schedules <@ array['II', 'IIN', 'III', 'IIIN', 'IV', 'V'] and cardinality(schedules) > 0),
  expires_on date not null,
  unique (prescriber_id, state)
);

create table clients (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  first_name text not null,
  last_name text not null,
  phone text check (phone ~ '^\\+[1-9][0-9]{7,14}$'),
  email text,
  address_line1 text,
  address_line2 text,
  city text,
  state usps_state,
  postal_code text,
  email_opt_in boolean not null default true,
  sms_opt_in boolean not null default false,
  preferred_channel text not null default 'email' check (preferred_channel in ('email', 'sms', 'none')),
  unsubscribed_at timestamptz,
  pims_id text,
  created_at timestamptz not null default now()
);
create index clients_clinic_idx on clients (clinic_id);
create index clients_phone_idx on clients (clinic_id, phone);
create index clients_email_idx on clients (clinic_id, lower(email));
create index clients_name_trgm on clients using gin ((first_name || ' ' || last_name) gin_trgm_ops);

create table patients (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  client_id uuid not null references clients(id),
  name text not null,
  species text not null check (species in ('dog', 'cat', 'rabbit', 'ferret', 'horse', 'bird', 'other')),
  breed text,
  sex text not null default 'unknown' check (sex in ('male', 'female', 'male_neutered', 'female_spayed', 'unknown')),
  birth_date date,
  weight_kg numeric(7, 2) check (weight_kg > 0),
  status text not null default 'active' check (status in ('active', 'inactive', 'deceased')),
  last_wellness_exam_on date,
  pims_id text,
  created_at timestamptz not null default now()
);
create index patients_clinic_idx on patients (clinic_id, name);
create index patients_client_idx on patients (client_id);
create index patients_name_trgm on patients using gin (name gin_trgm_ops);

create table medications (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  strength text not null,
  form text not null,
  controlled_schedule dea_schedule,
  compounded boolean not null default true,
  cold_chain boolean not null default false,
  species_use text[] not null default '{}',
  ingredients text[] not null default '{}',
  synonyms text[] not null default '{}',
  dose_unit text,
  created_at timestamptz not null default now(),
  unique (name, strength, form)
);
create index medications_name_trgm on medications using gin (name gin_trgm_ops);

create table offers (
  id uuid primary key default gen_random_uuid(),
  pharmacy_id uuid not null references pharmacies(id),
  medication_id uuid not null references medications(id),
  sku text not null,
  package_description text not null,
  unit_price_cents cents not null,
  stock_on_hand integer not null check (stock_on_hand >= 0),
  reserved integer not null default 0 check (reserved >= 0 and reserved <= stock_on_hand),
  turnaround_days integer not null check (turnaround_days between 0 and 60),
  ship_states text[],
  flavors text[] not null default '{}',
  available boolean not null default true,
  price_updated_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (pharmacy_id, sku)
);
create index offers_medication_idx on offers (medication_id);

create table catalog_imports (
  id uuid primary key default gen_random_uuid(),
  pharmacy_id uuid not null references pharmacies(id),
  source text not null check (source in ('json', 'csv')),
  file_name text,
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  total_rows integer not null default 0,
  processed_rows integer not null default 0,
  report jsonb,
  error text,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index catalog_imports_pharmacy_idx on catalog_imports (pharmacy_id, created_at desc);

create table prescriptions (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  patient_id uuid not null references patients(id),
  prescriber_id uuid not null references prescribers(id),
  medication_id uuid not null references medications(id),
  sig text not null,
  quantity integer not null check (quantity > 0),
  refills_authorized integer not null check (refills_authorized >= 0),
  refills_used integer not null default 0 check (refills_used >= 0),
  written_on date not null,
  expires_on date not null,
  status text not null default 'active' check (status in ('active', 'expired', 'cancelled')),
  last_dose_change_on date,
  standing_order boolean not null default false,
  created_at timestamptz not null default now(),
  check (expires_on >= written_on)
);
create index prescriptions_clinic_idx on prescriptions (clinic_id, patient_id);
create index prescriptions_patient_idx on prescriptions (patient_id);

create table carts (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  name text,
  status text not null default 'open' check (status in ('open', 'checking_out', 'checked_out', 'abandoned')),
  version integer not null default 1 check (version > 0),
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index carts_one_open_per_clinic on carts (clinic_id) where status in ('open', 'checking_out') and name is null;
create index carts_clinic_idx on carts (clinic_id, status);

create table cart_lines (
  id uuid primary key default gen_random_uuid(),
  cart_id uuid not null references carts(id),
  clinic_id uuid not null references clinics(id),
  version integer not null default 1 check (version > 0),
  patient_id uuid not null references patients(id),
  offer_id uuid not null references offers(id),
  quantity integer not null check (quantity > 0 and quantity <= 10000),
  sig text not null,
  prescriber_id uuid not null references prescribers(id),
  ship_to text not null check (ship_to in ('clinic', 'owner')),
  ship_state usps_state not null,
  flavor text,
  need_by date,
  source text not null default 'manual' check (source in ('manual', 'quickfill', 'reorder', 'request')),
  prescription_id uuid references prescriptions(id),
  unit_price_cents_at_add cents not null,
  vet_signoff_by uuid references users(id),
  vet_signoff_at timestamptz,
  returned_reason text,
  removed_at timestamptz,
  position integer not null default 0,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index cart_lines_cart_idx on cart_lines (cart_id) where removed_at is null;
create index cart_lines_clinic_idx on cart_lines (clinic_id);

create table acknowledgements (
  id uuid primary key default gen_random_uuid(),
  cart_line_id uuid not null references cart_lines(id) on delete cascade,
  clinic_id uuid not null references clinics(id),
  rule text not null,
  user_id uuid not null references users(id),
  created_at timestamptz not null default now(),
  unique (cart_line_id, rule)
);

create table checkouts (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  cart_id uuid not null references carts(id),
  cart_version integer not null,
  status text not null default 'pending' check (status in ('pending', 'awaiting_payment', 'paid', 'split', 'expired', 'failed')),
  provider text not null check (provider in ('stripe', 'invoice')),
  idempotency_key text not null unique,
  amount_cents cents not null,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  paid_at timestamptz,
  unique (cart_id, cart_version)
);
create index checkouts_clinic_idx on checkouts (clinic_id, created_at desc);

create table payments (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  checkout_id uuid not null unique references checkouts(id),
  provider text not null check (provider in ('stripe', 'invoice')),
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'expired', 'refunded', 'partially_refunded')),
  amount_cents cents not null,
  refunded_cents cents not null default 0,
  stripe_session_id text unique,
  stripe_payment_intent_id text,
  stripe_charge_id text,
  transfer_group text,
  invoice_number text unique,
  due_on date,
  redirect_url text,
  created_at timestamptz not null default now(),
  confirmed_at timestamptz,
  check (refunded_cents <= amount_cents)
);

create table stock_reservations (
  id uuid primary key default gen_random_uuid(),
  checkout_id uuid not null references checkouts(id),
  offer_id uuid not null references offers(id),
  quantity integer not null check (quantity > 0),
  status text not null default 'held' check (status in ('held', 'committed', 'released')),
  created_at timestamptz not null default now(),
  unique (checkout_id, offer_id)
);
create index stock_reservations_offer_idx on stock_reservations (offer_id) where status = 'held';

create table orders (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  checkout_id uuid not null references checkouts(id),
  pharmacy_id uuid not null references pharmacies(id),
  status text not null default 'pending_delivery' check (status in ('pending_delivery', 'submitted', 'accepted', 'rejected', 'compounding', 'shipped', 'delivered', 'cancelled', 'delivery_failed')),
  subtotal_cents cents not null,
  shipping_cents cents not null,
  fees_cents cents not null,
  platform_fee_cents cents not null,
  total_cents cents not null,
  carrier text,
  tracking_number text,
  tracking_url text,
  expected_delivery date,
  rejection_reason text,
  delivery_attempts integer not null default 0,
  last_delivery_error text,
  delivered_to_pharmacy_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (checkout_id, pharmacy_id),
  check (total_cents = subtotal_cents + shipping_cents + fees_cents + platform_fee_cents)
);
create index orders_clinic_idx on orders (clinic_id, created_at desc);
create index orders_pharmacy_idx on orders (pharmacy_id, status);

create table order_lines (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders(id),
  clinic_id uuid not null references clinics(id),
  cart_line_id uuid references cart_lines(id),
  patient_id uuid not null references patients(id),
  prescription_id uuid references prescriptions(id),
  offer_id uuid not null references offers(id),
  medication_id uuid not null references medications(id),
  prescriber_id uuid not null references prescribers(id),
  quantity integer not null check (quantity > 0),
  sig text not null,
  sig_parsed jsonb not null,
  ship_to text not null check (ship_to in ('clinic', 'owner')),
  ship_state usps_state not null,
  unit_price_cents cents not null,
  line_total_cents cents not null,
  landed_cost_cents cents not null,
  snapshot jsonb not null,
  filled_on date,
  days_supply integer,
  created_at timestamptz not null default now()
);
create index order_lines_order_idx on order_lines (order_id);
create index order_lines_patient_idx on order_lines (clinic_id, patient_id, created_at desc);

create table order_events (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders(id),
  event_id text,
  type text not null,
  from_status text,
  to_status text,
  reason text,
  carrier text,
  tracking_number text,
  expected_delivery date,
  actor text not null,
  response jsonb,
  at timestamptz not null default now(),
  unique (order_id, event_id)
);
create index order_events_order_idx on order_events (order_id, at);

create table payment_movements (
  id uuid primary key default gen_random_uuid(),
  payment_id uuid not null references payments(id),
  order_id uuid references orders(id),
  kind text not null check (kind in ('refund', 'transfer', 'transfer_reversal')),
  amount_cents cents not null,
  idempotency_key text not null unique,
  external_id text,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  created_at timestamptz not null default now()
);

create table refill_requests (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  reference text not null unique,
  channel text not null check (channel in ('web', 'sms', 'pims', 'api', 'phone', 'reminder')),
  raw jsonb not null,
  owner_name text not null,
  owner_phone text,
  owner_email text,
  patient_name text not null,
  medication_text text not null,
  doses_left integer check (doses_left >= 0),
  urgency text not null default 'routine' check (urgency in ('routine', 'today', 'soon')),
  sms_consent boolean not null default false,
  note text,
  client_id uuid references clients(id),
  patient_id uuid references patients(id),
  prescription_id uuid references prescriptions(id),
  candidates jsonb not null default '[]',
  eligibility jsonb not null default '[]',
  queue text not null check (queue in ('tech_standard', 'tech_urgent', 'vet_review', 'exception_prescription', 'exception_exam', 'front_desk')),
  status text not null default 'open' check (status in ('open', 'approved', 'denied', 'exam_requested', 'to_dispense', 'dispensed', 'cancelled')),
  due_at timestamptz not null,
  assigned_to uuid references users(id),
  reminded_at timestamptz,
  escalated_at timestamptz,
  owner_called_at timestamptz,
  acknowledged_at timestamptz,
  decided_by uuid references users(id),
  decided_at timestamptz,
  decision_reason text,
  cart_line_id uuid references cart_lines(id),
  created_at timestamptz not null default now()
);
create index refill_requests_queue_idx on refill_requests (clinic_id, status, queue, created_at);
create index refill_requests_prescription_idx on refill_requests (prescription_id, created_at desc);

create table notifications (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  client_id uuid references clients(id),
  channel text not null check (channel in ('email', 'sms')),
  template text not null,
  to_address text not null,
  subject text,
  body text not null,
  html text,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'suppressed', 'outbox')),
  attempts integer not null default 0,
  last_error text,
  refill_request_id uuid references refill_requests(id),
  order_id uuid references orders(id),
  patient_id uuid references patients(id),
  dedupe_key text unique,
  send_after timestamptz not null default now(),
  sent_at timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_clinic_idx on notifications (clinic_id, created_at desc);

create table refill_reminders (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  prescription_id uuid not null references prescriptions(id),
  due_on date not null,
  remind_on date not null,
  status text not null default 'scheduled' check (status in ('scheduled', 'sent', 'suppressed')),
  reason text,
  notification_id uuid references notifications(id),
  created_at timestamptz not null default now(),
  unique (prescription_id, due_on)
);

create table audit_events (
  id bigint generated always as identity primary key,
  clinic_id uuid references clinics(id),
  pharmacy_id uuid references pharmacies(id),
  actor_type text not null check (actor_type in ('user', 'api_key', 'owner', 'pharmacy', 'system')),
  actor_id text,
  actor_label text not null,
  action text not null,
  subject_type text not null,
  subject_id text not null,
  detail jsonb not null default '{}',
  at timestamptz not null default now()
);
create index audit_events_subject_idx on audit_events (subject_type, subject_id, at);
create index audit_events_clinic_idx on audit_events (clinic_id, at);

-- The authorization chain is evidence: nobody, not even the app, may rewrite it.
create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_events_no_update before update or delete on audit_events
  for each row execute function audit_events_append_only();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function audit_events_append_only();

create table processed_webhook_events (
  provider text not null,
  event_id text not null,
  type text not null,
  received_at timestamptz not null default now(),
  primary key (provider, event_id)
);

create table idempotency_keys (
  principal text not null,
  key text not null,
  request_hash text not null,
  status_code integer not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (principal, key)
);
`;

const DOWN_SQL = `
drop table if exists idempotency_keys, processed_webhook_events, audit_events, refill_reminders,
  notifications, refill_requests, payment_movements, order_events, order_lines, orders,
  stock_reservations, payments, checkouts, acknowledgements, cart_lines, carts, prescriptions,
  catalog_imports, offers, medications, patients, clients, dea_registrations, prescriber_licenses,
  prescribers, api_keys, rate_limits, sessions, pharmacy_ship_licenses cascade;
alter table if exists clinics drop constraint if exists clinics_escalation_user_fk;
drop table if exists users, pharmacies, clinics cascade;
drop function if exists audit_events_append_only();
drop domain if exists usps_state, cents, dea_schedule;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
