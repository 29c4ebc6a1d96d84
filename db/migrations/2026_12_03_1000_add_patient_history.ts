import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
//
// Clinic records a clinic keeps itself (docs/records.md):
// - a patient's weights and exams become histories (`patient_weights`, `patient_exams`);
//   `patients.weight_kg` / `weight_measured_on` and `last_wellness_exam_on` stay as the cached
//   latest, rewritten by the records service in the same transaction as the history, so the
//   validation loader and eligibility keep reading one row per patient;
// - weights keep what was typed (value and unit) beside the kilograms, and the reason when
//   someone recorded a weight outside the species' plausible range;
// - owners get a second phone; patients notes, allergies, a deceased date and whether the birth
//   date is an estimate;
// - a merged owner or patient keeps its row (ids in audit and old messages still resolve)
//   and points at the survivor (`merged_into_id`); lists and searches skip it;
// - search: one lower-case text per owner and per patient (generated, so it cannot drift)
//   with trigram indexes for "contains" and prefix indexes for the first letters typed.
const UP_SQL = `
alter table clients add column phone2 text check (phone2 ~ '^\\+[1-9][0-9]{7,14}$');
alter table clients add column merged_into_id uuid references clients(id);
alter table clients add column merged_at timestamptz;
alter table clients add column search_text text not null generated always as (
  lower(first_name || ' ' || last_name || ' ' || coalesce(phone, '') || ' ' || coalesce(phone2, '') || ' ' ||
        coalesce(email, '') || ' ' || coalesce(pims_id, ''))
) stored;
create index clients_search_trgm on clients using gin (search_text gin_trgm_ops);
create index clients_last_name_prefix on clients (clinic_id, lower(last_name) text_pattern_ops);
create index clients_first_name_prefix on clients (clinic_id, lower(first_name) text_pattern_ops);
create index clients_phone2_idx on clients (clinic_id, phone2) where phone2 is not null;

alter table patients alter column weight_kg type numeric(9, 3);
alter table patients add column weight_measured_on date;
alter table patients add column birth_date_estimated boolean not null default false;
alter table patients add column deceased_on date;
alter table patients add column allergies text;
alter table patients add column notes text;
alter table patients add column merged_into_id uuid references patients(id);
alter table patients add column merged_at timestamptz;
alter table patients add constraint patients_deceased_on_status check (deceased_on is null or status = 'deceased');
alter table patients add column search_text text not null generated always as (
  lower(name || ' ' || coalesce(pims_id, ''))
) stored;
create index patients_search_trgm on patients using gin (search_text gin_trgm_ops);
create index patients_name_prefix on patients (clinic_id, lower(name) text_pattern_ops);

create table patient_weights (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  patient_id uuid not null references patients(id),
  kg numeric(9, 3) not null check (kg > 0 and kg < 2000),
  entered_value numeric(10, 3) not null check (entered_value > 0),
  entered_unit text not null check (entered_unit in ('kg', 'lb')),
  measured_on date not null,
  override_reason text,
  recorded_by uuid references users(id),
  recorded_by_label text not null,
  created_at timestamptz not null default now()
);
create index patient_weights_patient_idx on patient_weights (patient_id, measured_on desc, created_at desc);

create table patient_exams (
  id uuid primary key default gen_random_uuid(),
  clinic_id uuid not null references clinics(id),
  patient_id uuid not null references patients(id),
  kind text not null default 'wellness' check (kind in ('wellness', 'other')),
  examined_on date not null,
  note text,
  recorded_by uuid references users(id),
  recorded_by_label text not null,
  created_at timestamptz not null default now()
);
create index patient_exams_patient_idx on patient_exams (patient_id, examined_on desc);

-- Records kept before the histories existed become their first entries, so the cached latest
-- is always the latest of the history.
insert into patient_weights (clinic_id, patient_id, kg, entered_value, entered_unit, measured_on, recorded_by_label, created_at)
  select clinic_id, id, weight_kg, weight_kg, 'kg', created_at::date, 'Recorded before weight history', created_at
  from patients where weight_kg is not null;
update patients set weight_measured_on = created_at::date where weight_kg is not null;
insert into patient_exams (clinic_id, patient_id, kind, examined_on, recorded_by_label, created_at)
  select clinic_id, id, 'wellness', last_wellness_exam_on, 'Recorded before exam history', created_at
  from patients where last_wellness_exam_on is not null;

-- Cancelling a deceased patient's cart lines and merging records look rows up by patient and owner
-- (order lines and prescriptions already have theirs).
create index if not exists cart_lines_patient_idx on cart_lines (patient_id);
create index if not exists refill_requests_patient_idx on refill_requests (patient_id) where patient_id is not null;
create index if not exists refill_requests_client_idx on refill_requests (client_id) where client_id is not null;
create index if not exists notifications_patient_idx on notifications (patient_id) where patient_id is not null;
`;

const DOWN_SQL = `
drop index if exists notifications_patient_idx;
drop index if exists refill_requests_client_idx;
drop index if exists refill_requests_patient_idx;
drop index if exists cart_lines_patient_idx;
drop table if exists patient_exams;
drop table if exists patient_weights;
drop index if exists patients_name_prefix;
drop index if exists patients_search_trgm;
alter table patients drop column if exists search_text;
alter table patients drop constraint if exists patients_deceased_on_status;
alter table patients drop column if exists merged_at;
alter table patients drop column if exists merged_into_id;
alter table patients drop column if exists notes;
alter table patients drop column if exists allergies;
alter table patients drop column if exists deceased_on;
alter table patients drop column if exists birth_date_estimated;
alter table patients drop column if exists weight_measured_on;
alter table patients alter column weight_kg type numeric(7, 2);
drop index if exists clients_phone2_idx;
drop index if exists clients_first_name_prefix;
drop index if exists clients_last_name_prefix;
drop index if exists clients_search_trgm;
alter table clients drop column if exists search_text;
alter table clients drop column if exists merged_at;
alter table clients drop column if exists merged_into_id;
alter table clients drop column if exists phone2;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
