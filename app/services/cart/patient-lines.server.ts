/**
 * What a change to a patient's record means for the carts: a deceased patient's lines leave
 * every open cart (with the reason, audited), and a patient merged into another takes its lines
 * along. Both run in the records service's transaction and move each touched cart's version
 * once (through the cart store), so a cart reviewed before the change cannot be paid as it was.
 */
import { clearSignoffs } from './signoffs.server';
import { audit } from '../audit/audit.server';
import type { Principal } from '../identity/principal';
import { bumpCartVersion } from './store.server';
import type { Tx } from './queries.server';

/** Carts holding lines of `patientId`, locked: open ones change, those held by a checkout are only counted. */
async function cartsWithPatient(tx: Tx, clinicId: string, patientId: string) {
  return tx
    .selectFrom('carts')
    .select(['id', 'status'])
    .where('clinicId', '=', clinicId)
    .where('status', 'in', ['open', 'checking_out'])
    .where('id', 'in', tx.selectFrom('cartLines').select('cartId').where('patientId', '=', patientId).where('clinicId', '=', clinicId))
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * Removes a patient's lines from the clinic's open carts, each audited with `reason`. Lines
 * in a cart a checkout holds stay (that checkout's validation refuses a deceased patient) and
 * are counted in `heldByCheckout`. Answers the removed lines' ids.
 */
export async function removePatientLines(tx: Tx, principal: Principal, clinicId: string, patientId: string, reason: string, at: Date) {
  const carts = await cartsWithPatient(tx, clinicId, patientId);
  const removed: string[] = [];
  let heldByCheckout = 0;
  for (const cart of carts) {
    const lines = tx.selectFrom('cartLines').where('cartId', '=', cart.id).where('patientId', '=', patientId).where('removedAt', 'is', null);
    if (cart.status !== 'open') {
      const held = await lines.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      heldByCheckout += Number(held.n);
      continue;
    }
    const ids = await tx
      .updateTable('cartLines')
      .set((eb) => ({ removedAt: at, version: eb('version', '+', 1), updatedAt: at }))
      .where('cartId', '=', cart.id)
      .where('patientId', '=', patientId)
      .where('removedAt', 'is', null)
      .returning('id')
      .execute();
    if (ids.length === 0) continue;
    await bumpCartVersion(tx, cart.id, at);
    await audit(
      tx,
      principal,
      ids.map(({ id }) => ({ clinicId, action: 'cart.line_removed', subjectType: 'cart_line', subjectId: id, detail: { cartId: cart.id, reason } })),
      at,
    );
    removed.push(...ids.map((r) => r.id));
  }
  return { removed, heldByCheckout };
}

/** Moves every cart line of `fromPatientId` (removed ones too) to `toPatientId`; answers how many. */
export async function reassignPatientLines(tx: Tx, clinicId: string, fromPatientId: string, toPatientId: string, at: Date): Promise<number> {
  const carts = await cartsWithPatient(tx, clinicId, fromPatientId);
  const moved = await tx
    .updateTable('cartLines')
    .set((eb) => ({ patientId: toPatientId, version: eb('version', '+', 1), updatedAt: at }))
    .where('patientId', '=', fromPatientId)
    .where('clinicId', '=', clinicId)
    .returning('id')
    .execute();
  // A sign-off named the patient: a line moved to another record needs a new one.
  await clearSignoffs(tx, null, moved.map((m) => ({ lineId: m.id, changes: { patientId: { from: fromPatientId, to: toPatientId } } })), 'the patient record was merged into another', at);
  for (const cart of carts) if (cart.status === 'open') await bumpCartVersion(tx, cart.id, at);
  return moved.length;
}
