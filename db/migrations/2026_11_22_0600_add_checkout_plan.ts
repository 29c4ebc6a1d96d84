import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.
//
// Checkout (issue 6):
// - `checkouts.plan`: the priced cart as it was charged (every line's exact share, every
//   shipment), so the split creates orders that sum to the amount charged even if a price or a
//   fee changes between paying and the payment being confirmed.
// - `checkouts.failure_reason`: why a checkout ended without orders (expired, provider refused).
// - `invoice_number_seq`: pay-on-account invoice numbers, unique across app servers.
// - Look-ups the webhooks and refunds make: a payment by its PaymentIntent, movements by order.
const UP_SQL = `
alter table checkouts add column plan jsonb;
alter table checkouts add column failure_reason text;
create sequence invoice_number_seq;
create index payments_payment_intent_idx on payments (stripe_payment_intent_id) where stripe_payment_intent_id is not null;
create index payment_movements_order_idx on payment_movements (order_id) where order_id is not null;
create index payment_movements_payment_idx on payment_movements (payment_id);
create index checkouts_cart_idx on checkouts (cart_id, created_at desc);
`;

const DOWN_SQL = `
drop index if exists checkouts_cart_idx;
drop index if exists payment_movements_payment_idx;
drop index if exists payment_movements_order_idx;
drop index if exists payments_payment_intent_idx;
drop sequence if exists invoice_number_seq;
alter table checkouts drop column if exists failure_reason;
alter table checkouts drop column if exists plan;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UP_SQL).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(DOWN_SQL).execute(db);
}
