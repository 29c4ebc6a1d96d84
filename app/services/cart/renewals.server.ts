/**
 * Lines follow their prescription's renewal: when a veterinarian renews a prescription, every
 * live line of the clinic's open carts that fills the old one is pointed at the renewal and
 * names its prescriber (the one who renewed it), so a line that failed for an expired or used-up
 * prescription passes without being entered again (docs/records.md, "Renewal requests").
 * Each cart changed moves its version once, through the store.
 */
import { sql } from 'kysely';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import type { Principal } from '../identity/principal';
import type { Tx } from './queries.server';
import { bumpCartVersion, lockCart } from './store.server';

/** One renewal: lines filling `from` now fill `to`, written by `prescriberId`. */
export type PrescriptionMove = { from: string; to: string; prescriberId: string };

/**
 * Repoints the live lines of the clinic's open carts from old prescriptions to their renewals,
 * inside the caller's transaction (the renewal's). Carts held by a checkout are left alone:
 * what is being paid for does not change under the payer. Answers the lines moved.
 */
export async function followRenewals(tx: Tx, principal: Principal, clinicId: string, moves: readonly PrescriptionMove[], at: Date = now()): Promise<{ lineId: string; cartId: string }[]> {
  if (moves.length === 0) return [];
  const from = moves.map((m) => m.from);
  const candidates = await tx
    .selectFrom('cartLines as l')
    .innerJoin('carts as c', 'c.id', 'l.cartId')
    .select(['l.cartId'])
    .distinct()
    .where('l.clinicId', '=', clinicId)
    .where('l.removedAt', 'is', null)
    .where('l.prescriptionId', 'in', from)
    .where('c.status', '=', 'open')
    .execute();
  const moved: { lineId: string; cartId: string }[] = [];
  for (const { cartId } of candidates.sort((a, b) => a.cartId.localeCompare(b.cartId))) {
    const cart = await lockCart(tx, clinicId, cartId);
    if (!cart || cart.status !== 'open') continue;
    // The cart is locked, and every edit of its lines locks it first: these are the lines as they are.
    const before = await tx.selectFrom('cartLines').select(['id', 'prescriptionId', 'prescriberId']).where('cartId', '=', cartId).where('removedAt', 'is', null).where('prescriptionId', 'in', from).execute();
    if (before.length === 0) continue;
    const values = sql.join(moves.map((m) => sql`(${m.from}::uuid, ${m.to}::uuid, ${m.prescriberId}::uuid)`));
    const after = await sql<{ id: string; prescriptionId: string; prescriberId: string }>`
      update cart_lines l set prescription_id = m.to_id, prescriber_id = m.prescriber_id, version = l.version + 1, updated_at = ${at}
      from (values ${values}) as m(from_id, to_id, prescriber_id)
      where l.cart_id = ${cartId} and l.removed_at is null and l.prescription_id = m.from_id
      returning l.id, l.prescription_id as "prescriptionId", l.prescriber_id as "prescriberId"`.execute(tx);
    const old = new Map(before.map((b) => [b.id, b]));
    const updated = { rows: after.rows.map((r) => ({ ...r, oldPrescriptionId: old.get(r.id)?.prescriptionId ?? null, oldPrescriberId: old.get(r.id)?.prescriberId ?? null })) };
    if (updated.rows.length === 0) continue;
    // A line now naming another prescriber is reviewed again, as after any edit of its prescriber.
    const newPrescriber = updated.rows.filter((r) => r.prescriberId !== r.oldPrescriberId).map((r) => r.id);
    if (newPrescriber.length) await tx.deleteFrom('acknowledgements').where('cartLineId', 'in', newPrescriber).execute();
    await bumpCartVersion(tx, cartId, at);
    await audit(
      tx,
      principal,
      updated.rows.map((r) => ({
        clinicId,
        action: 'cart.line_updated',
        subjectType: 'cart_line',
        subjectId: r.id,
        detail: {
          cartId,
          reason: 'prescription renewed',
          changes: {
            prescriptionId: { from: r.oldPrescriptionId, to: r.prescriptionId },
            ...(r.prescriberId !== r.oldPrescriberId ? { prescriberId: { from: r.oldPrescriberId, to: r.prescriberId } } : {}),
          },
        },
      })),
      at,
    );
    moved.push(...updated.rows.map((r) => ({ lineId: r.id, cartId })));
  }
  return moved;
}
