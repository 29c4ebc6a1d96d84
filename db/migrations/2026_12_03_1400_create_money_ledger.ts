import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
//
// Money that always balances (docs/money.md, docs/decisions/012-money-ledger.md):
// - `payment_movements` holds every money movement of a checkout as one row with its current
//   state: the charge, each order's platform fee, refunds, transfers to pharmacies and their
//   reversals. Only the state and the Stripe id may change, along the allowed transitions
//   (a trigger refuses the rest), and rows are never deleted.
// - `ledger_entries` is the append-only history: a trigger writes one row for every movement
//   created and every change of its state or Stripe id, so no code path can move money without
//   it being written down. Nobody may update, delete or truncate it.
// - `checkouts.status` gains `processing` (a bank payment on its way: neither cancellable nor
//   payable again), and `payment_attempt` (a payment page made again with a fresh expiry).
// - `pharmacies` keep what Stripe last said of their connected account (account.updated).
// - `reconciliation_runs`: each comparison of the ledger with Stripe's own lists, and its differences.
const UP_SQL = `
alter table checkouts drop constraint checkouts_status_check;
alter table checkouts add constraint checkouts_status_check
  check (status in ('pending', 'awaiting_payment', 'processing', 'paid', 'split', 'expired', 'failed'));
alter table checkouts add column payment_attempt integer not null default 0;

alter table payment_movements add column checkout_id uuid references checkouts(id);
alter table payment_movements add column clinic_id uuid references clinics(id);
update payment_movements m set checkout_id = p.checkout_id, clinic_id = p.clinic_id from payments p where p.id = m.payment_id;
alter table payment_movements alter column checkout_id set not null;
alter table payment_movements alter column clinic_id set not null;
alter table payment_movements drop constraint payment_movements_kind_check;
alter table payment_movements add constraint payment_movements_kind_check
  check (kind in ('charge', 'platform_fee', 'refund', 'transfer', 'transfer_reversal'));
alter table payment_movements drop constraint payment_movements_status_check;
alter table payment_movements add constraint payment_movements_status_check
  check (status in ('pending', 'sending', 'unknown', 'processing', 'succeeded', 'failed', 'canceled', 'returned'));
alter table payment_movements add column provider text not null default 'stripe' check (provider in ('stripe', 'invoice'));
update payment_movements m set provider = p.provider from payments p where p.id = m.payment_id;
alter table payment_movements add column provider_status text;
alter table payment_movements add column note text;
alter table payment_movements add column attempts integer not null default 0;
alter table payment_movements add column sending_since timestamptz;
alter table payment_movements add column updated_at timestamptz not null default now();
create index payment_movements_checkout_idx on payment_movements (checkout_id);
create index payment_movements_external_idx on payment_movements (external_id) where external_id is not null;
create index payment_movements_updated_idx on payment_movements (updated_at);

create table ledger_entries (
  seq bigint generated always as identity primary key,
  movement_id uuid not null references payment_movements(id),
  checkout_id uuid not null references checkouts(id),
  clinic_id uuid not null references clinics(id),
  order_id uuid references orders(id),
  kind text not null,
  provider text not null,
  amount_cents cents not null,
  state text not null,
  previous_state text,
  stripe_id text,
  provider_status text,
  note text,
  at timestamptz not null default now()
);
create index ledger_entries_checkout_idx on ledger_entries (checkout_id, seq);
create index ledger_entries_at_idx on ledger_entries (at);

-- A movement changes only its state (along these transitions), its Stripe id (once) and what
-- goes with them; it is never deleted.
create function payment_movements_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'payment_movements keeps every money movement: delete refused' using errcode = 'insufficient_privilege';
  end if;
  if new.id <> old.id or new.kind <> old.kind or new.amount_cents <> old.amount_cents or new.idempotency_key <> old.idempotency_key
     or new.payment_id <> old.payment_id or new.checkout_id <> old.checkout_id or new.clinic_id <> old.clinic_id
     or new.order_id is distinct from old.order_id or new.provider <> old.provider then
    raise exception 'payment movement %: only its state and Stripe id may change', old.id using errcode = 'check_violation';
  end if;
  if old.external_id is not null and new.external_id is distinct from old.external_id then
    raise exception 'payment movement %: its Stripe id % cannot change', old.id, old.external_id using errcode = 'check_violation';
  end if;
  if new.status <> old.status and not ((old.status || '>' || new.status) = any (array[
      'pending>sending', 'pending>processing', 'pending>succeeded', 'pending>failed', 'pending>canceled',
      'sending>pending', 'sending>unknown', 'sending>processing', 'sending>succeeded', 'sending>failed',
      'unknown>pending', 'unknown>sending', 'unknown>processing', 'unknown>succeeded', 'unknown>failed', 'unknown>canceled',
      'processing>succeeded', 'processing>failed', 'processing>canceled',
      'succeeded>failed', 'succeeded>returned', 'returned>succeeded',
      'failed>succeeded', 'canceled>succeeded'])) then
    raise exception 'payment movement %: % cannot become %', old.id, old.status, new.status using errcode = 'check_violation';
  end if;
  return new;
end
$$;
create trigger payment_movements_guard before update or delete on payment_movements
  for each row execute function payment_movements_guard();
create trigger payment_movements_no_truncate before truncate on payment_movements
  for each statement execute function payment_movements_guard();

-- Every movement created, and every change of its state or Stripe id, is a ledger entry.
create function payment_movements_to_ledger() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and new.status = old.status and new.external_id is not distinct from old.external_id
     and new.provider_status is not distinct from old.provider_status then
    return null;
  end if;
  insert into ledger_entries (movement_id, checkout_id, clinic_id, order_id, kind, provider, amount_cents, state, previous_state, stripe_id, provider_status, note, at)
  values (new.id, new.checkout_id, new.clinic_id, new.order_id, new.kind, new.provider, new.amount_cents, new.status,
          case when tg_op = 'UPDATE' then old.status end, new.external_id, new.provider_status, new.note, new.updated_at);
  return null;
end
$$;
create trigger payment_movements_to_ledger after insert or update on payment_movements
  for each row execute function payment_movements_to_ledger();

create function ledger_entries_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'ledger_entries is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger ledger_entries_no_update before update or delete on ledger_entries
  for each row execute function ledger_entries_append_only();
create trigger ledger_entries_no_truncate before truncate on ledger_entries
  for each statement execute function ledger_entries_append_only();

-- What was written before the ledger existed: the charge of every paid checkout and each
-- order's platform fee, and a first entry for every earlier movement.
insert into ledger_entries (movement_id, checkout_id, clinic_id, order_id, kind, provider, amount_cents, state, stripe_id, note, at)
select m.id, m.checkout_id, m.clinic_id, m.order_id, m.kind, m.provider, m.amount_cents, m.status, m.external_id, 'recorded before the ledger', m.created_at
from payment_movements m;
insert into payment_movements (payment_id, checkout_id, clinic_id, order_id, kind, provider, amount_cents, idempotency_key, external_id, status, note, created_at, updated_at)
select p.id, p.checkout_id, p.clinic_id, null, 'charge', p.provider, p.amount_cents, 'charge:' || p.checkout_id, p.stripe_payment_intent_id,
       'succeeded', 'recorded before the ledger', coalesce(p.confirmed_at, p.created_at), coalesce(p.confirmed_at, p.created_at)
from payments p join checkouts k on k.id = p.checkout_id
where k.status in ('paid', 'split') and p.status in ('succeeded', 'refunded', 'partially_refunded');
insert into payment_movements (payment_id, checkout_id, clinic_id, order_id, kind, provider, amount_cents, idempotency_key, status, note, created_at, updated_at)
select p.id, o.checkout_id, o.clinic_id, o.id, 'platform_fee', p.provider, o.platform_fee_cents, 'platform_fee:' || o.id,
       case when o.status in ('rejected', 'cancelled') then 'returned' else 'succeeded' end, 'recorded before the ledger', o.created_at, o.created_at
from orders o join payments p on p.checkout_id = o.checkout_id
where o.platform_fee_cents > 0;

alter table pharmacies add column stripe_charges_enabled boolean;
alter table pharmacies add column stripe_payouts_enabled boolean;
alter table pharmacies add column stripe_account_checked_at timestamptz;

create table reconciliation_runs (
  id uuid primary key default gen_random_uuid(),
  period_from timestamptz not null,
  period_to timestamptz not null,
  started_by text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running' check (status in ('running', 'done', 'failed')),
  counts jsonb not null default '{}',
  differences jsonb not null default '[]',
  error text,
  mail_status text check (mail_status in ('sent', 'outbox', 'not_needed', 'failed')),
  mailed_to text[] not null default '{}',
  check (period_from < period_to)
);
create index reconciliation_runs_started_idx on reconciliation_runs (started_at desc);
`;

const DOWN_SQL = `
drop table if exists reconciliation_runs;
alter table pharmacies drop column if exists stripe_account_checked_at;
alter table pharmacies drop column if exists stripe_payouts_enabled;
alter table pharmacies drop column if exists stripe_charges_enabled;
drop trigger if exists payment_movements_to_ledger on payment_movements;
drop trigger if exists payment_movements_guard on payment_movements;
drop trigger if exists payment_movements_no_truncate on payment_movements;
drop table if exists ledger_entries;
drop function if exists ledger_entries_append_only();
drop function if exists payment_movements_to_ledger();
drop function if exists payment_movements_guard();
delete from payment_movements where kind in ('charge', 'platform_fee');
update payment_movements set status = case when status in ('succeeded', 'returned') then 'succeeded' when status in ('failed', 'canceled') then 'failed' else 'pending' end;
drop index if exists payment_movements_updated_idx;
drop index if exists payment_movements_external_idx;
drop index if exists payment_movements_checkout_idx;
alter table payment_movements drop column updated_at, drop column sending_since, drop column attempts, drop column note,
  drop column provider_status, drop column provider, drop column clinic_id, drop column checkout_id;
alter table payment_movements drop constraint payment_movements_status_check;
alter table payment_movements add constraint payment_movements_status_check check (status in ('pending', 'succeeded', 'failed'));
alter table payment_movements drop constraint payment_movements_kind_check;
alter table payment_movements add constraint payment_movements_kind_check check (kind in ('refund', 'transfer', 'transfer_reversal'));
alter table checkouts drop column payment_attempt;
update checkouts set status = 'awaiting_payment' where status = 'processing';
alter table checkouts drop constraint checkouts_status_check;
alter table checkouts add constraint checkouts_status_check
  check (status in ('pending', 'awaiting_payment', 'paid', 'split', 'expired', 'failed'));
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
