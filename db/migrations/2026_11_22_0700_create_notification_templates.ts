import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// A clinic may override the default wording of an owner message per template and channel;
// without a row the defaults in app/services/notification-templates.server.ts apply.
const UP_SQL = `
create table notification_templates (
  clinic_id uuid not null references clinics(id),
  template text not null check (template in ('request.acknowledged', 'request.approved', 'request.denied', 'request.exam_needed', 'order.shipped', 'order.ready_for_pickup', 'order.delivered', 'refill.reminder')),
  channel text not null check (channel in ('email', 'sms')),
  subject text check (subject is null or length(subject) <= 300),
  body text not null check (length(body) between 1 and 5000),
  updated_by uuid references users(id),
  updated_at timestamptz not null default now(),
  primary key (clinic_id, template, channel)
);

-- The mailbox lists a clinic's messages newest first, filtered by status (failed, outbox).
create index notifications_clinic_status_idx on notifications (clinic_id, status, created_at desc);
create index notifications_client_idx on notifications (client_id, created_at desc);
`;

const DOWN_SQL = `
drop index if exists notifications_client_idx;
drop index if exists notifications_clinic_status_idx;
drop table if exists notification_templates;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
