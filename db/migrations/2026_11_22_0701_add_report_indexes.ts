import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// Reports aggregate one clinic's requests and order lines over a date range; refill
// reminders find each prescription's last fill; the turnaround report follows a request's
// cart line to the order line it became.
const UP_SQL = `
create index if not exists refill_requests_clinic_created_idx on refill_requests (clinic_id, created_at);
create index if not exists refill_requests_cart_line_idx on refill_requests (cart_line_id) where cart_line_id is not null;
create index if not exists order_lines_clinic_created_idx on order_lines (clinic_id, created_at);
create index if not exists order_lines_cart_line_idx on order_lines (cart_line_id) where cart_line_id is not null;
create index if not exists order_lines_prescription_idx on order_lines (prescription_id, filled_on desc) where prescription_id is not null;
create index if not exists order_events_order_type_idx on order_events (order_id, type, at);
create index if not exists offers_medication_price_idx on offers (medication_id, unit_price_cents desc);
`;

const DOWN_SQL = `
drop index if exists offers_medication_price_idx;
drop index if exists order_events_order_type_idx;
drop index if exists order_lines_prescription_idx;
drop index if exists order_lines_cart_line_idx;
drop index if exists order_lines_clinic_created_idx;
drop index if exists refill_requests_cart_line_idx;
drop index if exists refill_requests_clinic_created_idx;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
