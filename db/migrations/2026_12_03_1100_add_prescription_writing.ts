import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// Veterinarians write, renew and discontinue prescriptions in the app; staff ask them for
// renewals, which wait in batches (one open batch per veterinarian) with the service level of
// the veterinarian-review queue; managers keep prescribers' licences and DEA registrations.
const UP_SQL = `
-- A prescription names a catalog medication, or (a commercial product outside the catalog) a
-- free-text medication name. A renewal is a new prescription that supersedes the old one.
alter table prescriptions alter column medication_id drop not null;
alter table prescriptions add column medication_name text check (medication_name is null or length(medication_name) between 1 and 200);
alter table prescriptions add constraint prescriptions_medication_named check (medication_id is not null or medication_name is not null);
alter table prescriptions add column quantity_unit text not null default 'vial'
  check (quantity_unit in ('vial', 'bottle', 'ml', 'g', 'tablet', 'capsule', 'chew', 'tube', 'syringe', 'patch'));
alter table prescriptions add column supersedes_id uuid references prescriptions(id);
alter table prescriptions add column written_by uuid references users(id);
alter table prescriptions add column discontinued_at timestamptz;
alter table prescriptions add column discontinued_by uuid references users(id);
alter table prescriptions add column discontinued_reason text check (discontinued_reason is null or length(discontinued_reason) between 1 and 500);
alter table prescriptions drop constraint prescriptions_status_check;
alter table prescriptions add constraint prescriptions_status_check check (status in ('active', 'expired', 'cancelled', 'discontinued', 'superseded'));
create unique index prescriptions_supersedes_idx on prescriptions (supersedes_id) where supersedes_id is not null;
create index prescriptions_clinic_written_idx on prescriptions (clinic_id, written_on desc, id);

-- How long a new prescription stays valid unless the veterinarian says otherwise.
alter table clinics add column prescription_expiry_months integer not null default 12 check (prescription_expiry_months between 1 and 12);

-- A DEA number: the registrant-type letter, the registrant's surname initial (or 9 for a
-- business name), six digits and a check digit.
alter table dea_registrations drop constraint dea_registrations_number_check;
alter table dea_registrations add constraint dea_registrations_number_check check (number ~ '^[A-Z][A-Z9][0-9]{7}$');

create table renewal_batches (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  prescriber_id uuid not null references prescribers(id),
  status text not null default 'open' check (status in ('open', 'done')),
  due_at timestamptz not null,
  remind_at timestamptz not null,
  escalate_at timestamptz not null,
  reminded_at timestamptz,
  escalated_at timestamptz,
  created_at timestamptz not null default now(),
  closed_at timestamptz
);
create unique index renewal_batches_one_open_idx on renewal_batches (clinic_id, prescriber_id) where status = 'open';
create index renewal_batches_clinic_idx on renewal_batches (clinic_id, status, due_at);

create table renewal_requests (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  batch_id uuid not null references renewal_batches(id),
  prescription_id uuid not null references prescriptions(id),
  patient_id uuid not null references patients(id),
  reason text not null check (reason in ('expired', 'no_refills', 'prescriber_license', 'prescriber_dea', 'not_active')),
  note text check (note is null or length(note) <= 500),
  cart_line_id uuid references cart_lines(id),
  requested_by uuid references users(id),
  status text not null default 'open' check (status in ('open', 'renewed', 'declined', 'cancelled')),
  renewal_id uuid references prescriptions(id),
  decided_by uuid references users(id),
  decided_at timestamptz,
  decline_reason text check (decline_reason is null or length(decline_reason) between 1 and 500),
  created_at timestamptz not null default now()
);
create unique index renewal_requests_one_open_idx on renewal_requests (prescription_id) where status = 'open';
create index renewal_requests_batch_idx on renewal_requests (batch_id, created_at);
create index renewal_requests_clinic_idx on renewal_requests (clinic_id, status);
`;

const DOWN_SQL = `
drop table if exists renewal_requests;
drop table if exists renewal_batches;
alter table dea_registrations drop constraint dea_registrations_number_check;
alter table dea_registrations add constraint dea_registrations_number_check check (number ~ '^[A-Z]{2}[0-9]{7}$');
alter table clinics drop column if exists prescription_expiry_months;
drop index if exists prescriptions_clinic_written_idx;
drop index if exists prescriptions_supersedes_idx;
alter table prescriptions drop constraint prescriptions_status_check;
update prescriptions set status = 'cancelled' where status in ('discontinued', 'superseded');
alter table prescriptions add constraint prescriptions_status_check check (status in ('active', 'expired', 'cancelled'));
alter table prescriptions drop column if exists discontinued_reason;
alter table prescriptions drop column if exists discontinued_by;
alter table prescriptions drop column if exists discontinued_at;
alter table prescriptions drop column if exists written_by;
alter table prescriptions drop column if exists supersedes_id;
alter table prescriptions drop column if exists quantity_unit;
alter table prescriptions drop constraint if exists prescriptions_medication_named;
alter table prescriptions drop column if exists medication_name;
delete from prescriptions where medication_id is null;
alter table prescriptions alter column medication_id set not null;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
