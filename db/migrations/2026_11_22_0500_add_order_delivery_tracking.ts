import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
// Delivery of orders to pharmacies (issue 7): the retry window of the current delivery, when
// the next attempt is due, a log of every attempt (what the clinic and an admin see when a
// pharmacy is down), and a sequence that orders an order's status history.
const UP_SQL = `
alter table orders
  add column delivery_window_started_at timestamptz,
  add column next_delivery_at timestamptz;
create index orders_delivery_idx on orders (status, next_delivery_at)
  where status in ('pending_delivery', 'delivery_failed');

-- Events recorded in the same instant (one transaction, a frozen test clock) keep their order.
alter table order_events add column seq bigint generated always as identity;

create table order_delivery_attempts (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders(id),
  attempt integer not null check (attempt > 0),
  outcome text not null check (outcome in ('delivered', 'retryable', 'permanent')),
  http_status integer,
  message text,
  duration_ms integer not null check (duration_ms >= 0),
  at timestamptz not null default now()
);
create index order_delivery_attempts_order_idx on order_delivery_attempts (order_id, at);
`;

const DOWN_SQL = `
drop table if exists order_delivery_attempts;
alter table order_events drop column if exists seq;
drop index if exists orders_delivery_idx;
alter table orders drop column if exists delivery_window_started_at, drop column if exists next_delivery_at;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
