import { sql, type Kysely } from 'kysely';
import { json } from '../../db/json';
import type { Database } from '../../db/schema';
import { DEMO_IDS } from '../../db/seed';
import { enqueueOrderDeliveries } from '../../app/services/orders/index.server';

/**
 * Paid orders waiting for delivery, as checkout leaves them: `count` checkouts of the demo
 * clinic, each with a succeeded invoice payment (and its charge in the ledger) and one `pending_delivery` order for the
 * pharmacy, whose lines copy the clinic's latest order there. Returns the order ids.
 */
export async function createPendingOrders(
  db: Kysely<Database>,
  options: { pharmacySlug: string; count: number; clinic?: 'riverside' | 'lakeside'; createdAt?: Date; enqueue?: boolean },
): Promise<string[]> {
  const clinicId = DEMO_IDS[options.clinic ?? 'riverside'];
  const pharmacyId = DEMO_IDS.pharmacy(options.pharmacySlug);
  const createdAt = (options.createdAt ?? new Date()).toISOString();
  const { rows } = await sql<{ orderId: string }>`
    with tpl as (
      select o.* from orders o
      where o.pharmacy_id = ${pharmacyId} and o.clinic_id = ${clinicId} and exists (select 1 from order_lines l where l.order_id = o.id)
      order by o.created_at desc limit 1
    ),
    cart as (insert into carts (clinic_id, name, status) values (${clinicId}, 'fixture', 'checked_out') returning id),
    n as (select g from generate_series(1, ${options.count}::int) g),
    co as (
      insert into checkouts (clinic_id, cart_id, cart_version, status, provider, idempotency_key, amount_cents, paid_at, created_at)
      select ${clinicId}, cart.id, n.g, 'split', 'invoice', 'fixture:' || cart.id || ':' || n.g, tpl.total_cents, ${createdAt}::timestamptz, ${createdAt}::timestamptz
      from n, cart, tpl
      returning id, amount_cents
    ),
    pay as (
      insert into payments (clinic_id, checkout_id, provider, status, amount_cents, confirmed_at)
      select ${clinicId}, co.id, 'invoice', 'succeeded', co.amount_cents, ${createdAt}::timestamptz from co
      returning id, checkout_id, amount_cents
    ),
    charge as (
      insert into payment_movements (payment_id, checkout_id, clinic_id, kind, provider, amount_cents, idempotency_key, status, note, created_at, updated_at)
      select pay.id, pay.checkout_id, ${clinicId}, 'charge', 'invoice', pay.amount_cents, 'charge:' || pay.checkout_id, 'succeeded', 'invoice issued', ${createdAt}::timestamptz, ${createdAt}::timestamptz
      from pay
      returning id
    ),
    ord as (
      insert into orders (clinic_id, checkout_id, pharmacy_id, status, subtotal_cents, shipping_cents, fees_cents, platform_fee_cents, total_cents, created_at, updated_at)
      select ${clinicId}, co.id, tpl.pharmacy_id, 'pending_delivery', tpl.subtotal_cents, tpl.shipping_cents, tpl.fees_cents, tpl.platform_fee_cents, tpl.total_cents,
        ${createdAt}::timestamptz, ${createdAt}::timestamptz
      from co, tpl
      returning id
    ),
    lines as (
      insert into order_lines (order_id, clinic_id, patient_id, prescription_id, offer_id, medication_id, prescriber_id, quantity, sig, sig_parsed,
        ship_to, ship_state, unit_price_cents, line_total_cents, landed_cost_cents, snapshot, days_supply, created_at)
      select ord.id, l.clinic_id, l.patient_id, l.prescription_id, l.offer_id, l.medication_id, l.prescriber_id, l.quantity, l.sig, l.sig_parsed,
        l.ship_to, l.ship_state, l.unit_price_cents, l.line_total_cents, l.landed_cost_cents, l.snapshot, l.days_supply, ${createdAt}::timestamptz
      from ord, order_lines l where l.order_id = (select id from tpl)
      returning order_id
    )
    select id as order_id from ord`.execute(db);
  const ids = rows.map((r) => r.orderId);
  if (options.enqueue !== false) {
    await db.transaction().execute((tx) => enqueueOrderDeliveries(tx, ids));
  }
  return ids;
}

/** Connects a demo pharmacy through the REST adapter to `endpoint` (a simulator). */
export async function connectPharmacyByRest(db: Kysely<Database>, slug: string, endpoint: string, timeoutMs = 2000): Promise<string> {
  const row = await db
    .updateTable('pharmacies')
    .set({ connectionKind: 'rest', connectionSettings: json({ endpoint, timeoutMs }) })
    .where('id', '=', DEMO_IDS.pharmacy(slug))
    .returning('webhookSecret')
    .executeTakeFirstOrThrow();
  return row.webhookSecret;
}
