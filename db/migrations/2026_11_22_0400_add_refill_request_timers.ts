import { sql, type Kysely } from 'kysely';

// Owner refill requests (issue 8): each request carries the moments its reminder and its
// escalation fall due, fixed at intake from the clinic's settings then, so the periodic sweep
// can find what is late with one indexed query and no timer depends on a queued job alone.
// PIMS events name clients and patients by the PIMS's ids, so those are indexed per clinic.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table refill_requests
      add column remind_at timestamptz,
      add column escalate_at timestamptz;
    update refill_requests set remind_at = due_at, escalate_at = greatest(due_at, created_at + interval '4 hours') where remind_at is null;
    create index refill_requests_remind_idx on refill_requests (remind_at) where status = 'open' and reminded_at is null;
    create index refill_requests_escalate_idx on refill_requests (escalate_at) where status = 'open' and escalated_at is null;
    create index refill_requests_reference_idx on refill_requests (clinic_id, reference);
    create index if not exists clients_pims_idx on clients (clinic_id, pims_id);
    create index if not exists patients_pims_idx on patients (clinic_id, pims_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists refill_requests_remind_idx;
    drop index if exists refill_requests_escalate_idx;
    drop index if exists refill_requests_reference_idx;
    drop index if exists clients_pims_idx;
    drop index if exists patients_pims_idx;
    alter table refill_requests drop column if exists remind_at, drop column if exists escalate_at;
  `.execute(db);
}
