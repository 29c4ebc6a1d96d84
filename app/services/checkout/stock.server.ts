/**
 * Stock held by a checkout: reserved when it starts, committed (sold) when it splits, released
 * when it ends unpaid. Every change locks the offers in id order first, so two checkouts never
 * deadlock, and reserving only takes what is free, so stock never goes negative.
 */
import { sql } from 'kysely';
import type { CheckoutPlan, PlanLine, Tx } from './model';

/** Vials per offer, offers in id order (the lock order every checkout uses). */
function vialsByOffer(lines: readonly { offerId: string; quantity: number }[]): [string, number][] {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.offerId, (totals.get(l.offerId) ?? 0) + l.quantity);
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reserves the plan's vials: offers locked in id order, then one conditional update that only
 * takes what is free. Offers it could not serve are returned; the caller rolls back.
 */
export async function reserveStock(tx: Tx, checkoutId: string, lines: readonly PlanLine[]): Promise<{ ok: true } | { ok: false; short: string[] }> {
  const wanted = vialsByOffer(lines);
  const ids = wanted.map(([id]) => id);
  const quantities = wanted.map(([, q]) => q);
  await sql`select id from offers where id = any(${ids}::uuid[]) order by id for update`.execute(tx);
  const updated = await sql<{ id: string }>`
    update offers o set reserved = o.reserved + w.qty, updated_at = now()
    from unnest(${ids}::uuid[], ${quantities}::int[]) as w(offer_id, qty)
    where o.id = w.offer_id and o.available and o.stock_on_hand - o.reserved >= w.qty
    returning o.id`.execute(tx);
  if (updated.rows.length !== ids.length) {
    const got = new Set(updated.rows.map((r) => r.id));
    return { ok: false, short: ids.filter((id) => !got.has(id)) };
  }
  await sql`insert into stock_reservations (checkout_id, offer_id, quantity)
            select ${checkoutId}::uuid, w.offer_id, w.qty from unnest(${ids}::uuid[], ${quantities}::int[]) as w(offer_id, qty)`.execute(tx);
  return { ok: true };
}

/** Held reservations become sales: stock on hand and reserved both go down by the vials. */
export async function commitStock(tx: Tx, checkoutId: string, plan: CheckoutPlan): Promise<void> {
  const held = await tx.selectFrom('stockReservations').select(['offerId', 'quantity']).where('checkoutId', '=', checkoutId).where('status', '=', 'held').execute();
  const ids = vialsByOffer(plan.lines).map(([id]) => id);
  await sql`select id from offers where id = any(${ids}::uuid[]) order by id for update`.execute(tx);
  if (held.length > 0) {
    await sql`update offers o set stock_on_hand = o.stock_on_hand - r.quantity, reserved = o.reserved - r.quantity, updated_at = now()
              from stock_reservations r
              where r.checkout_id = ${checkoutId} and r.status = 'held' and o.id = r.offer_id`.execute(tx);
    await tx.updateTable('stockReservations').set({ status: 'committed' }).where('checkoutId', '=', checkoutId).where('status', '=', 'held').execute();
  }
  // A payment confirmed after its reservation was released (Stripe answered late): take the
  // vials from what is left without touching other clinics' reservations. The pharmacy may
  // reject an order it cannot fill, which refunds it.
  const released = await tx.selectFrom('stockReservations').select(['offerId', 'quantity']).where('checkoutId', '=', checkoutId).where('status', '=', 'released').execute();
  if (released.length > 0) {
    await sql`update offers o set stock_on_hand = greatest(o.reserved, o.stock_on_hand - r.quantity), updated_at = now()
              from stock_reservations r
              where r.checkout_id = ${checkoutId} and r.status = 'released' and o.id = r.offer_id`.execute(tx);
    await tx.updateTable('stockReservations').set({ status: 'committed' }).where('checkoutId', '=', checkoutId).where('status', '=', 'released').execute();
  }
}


/** Held reservations go back to the offers; answers how many offers got vials back. */
export async function releaseStock(tx: Tx, checkoutId: string): Promise<number> {
  const held = await tx.selectFrom('stockReservations').select(['offerId']).where('checkoutId', '=', checkoutId).where('status', '=', 'held').orderBy('offerId').execute();
  if (held.length > 0) {
    await sql`select id from offers where id = any(${held.map((h) => h.offerId)}::uuid[]) order by id for update`.execute(tx);
    await sql`update offers o set reserved = o.reserved - r.quantity, updated_at = now()
              from stock_reservations r
              where r.checkout_id = ${checkoutId} and r.status = 'held' and o.id = r.offer_id`.execute(tx);
    await tx.updateTable('stockReservations').set({ status: 'released' }).where('checkoutId', '=', checkoutId).where('status', '=', 'held').execute();
  }
  return held.length;
}
