import { describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import {
  RETURNED_CART_NAME,
  appendCartLines,
  findOpenCart,
  getOpenCart,
  lockOpenCart,
  reopenCart,
  setCartStatus,
} from '../../app/services/cart/store.server';
import { onOrderRejected } from '../../app/services/orders/routing.server';
import { DomainError } from '../../app/services/platform/errors';
import type { Principal } from '../../app/services/identity/principal';
import { createPendingOrders } from '../support/routing-fixtures';

const db = () => getDb();
const lakeside: Principal = { kind: 'clinic_key', keyId: 'lakeside-store-test', clinicId: DEMO_IDS.lakeside };
const riverside: Principal = { kind: 'clinic_key', keyId: 'riverside-store-test', clinicId: DEMO_IDS.riverside };

/** Removes every open (unnamed) cart of the clinic with its lines: the clinic then has none. */
async function dropOpenCarts(clinicId: string) {
  const ids = (await db().selectFrom('carts').select('id').where('clinicId', '=', clinicId).where('status', 'in', ['open', 'checking_out']).execute()).map((c) => c.id);
  if (ids.length === 0) return;
  await db().deleteFrom('acknowledgements').where('cartLineId', 'in', db().selectFrom('cartLines').select('id').where('cartId', 'in', ids)).execute();
  await db().deleteFrom('cartLines').where('cartId', 'in', ids).execute();
  await db().deleteFrom('checkouts').where('cartId', 'in', ids).execute();
  await db().deleteFrom('carts').where('id', 'in', ids).execute();
}

async function aLine(clinicId: string) {
  const patient = await db().selectFrom('patients').select('id').where('clinicId', '=', clinicId).where('status', '=', 'active').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const offer = await db().selectFrom('offers').select(['id', 'unitPriceCents']).where('available', '=', true).orderBy('id').limit(1).executeTakeFirstOrThrow();
  const prescriber = await db().selectFrom('prescribers').select('id').where('clinicId', '=', clinicId).orderBy('id').limit(1).executeTakeFirstOrThrow();
  return {
    patientId: patient.id,
    offerId: offer.id,
    quantity: 2,
    sig: 'Give 1 ml by mouth once daily',
    prescriberId: prescriber.id,
    shipTo: 'clinic' as const,
    shipState: 'CA',
    unitPriceCentsAtAdd: offer.unitPriceCents,
  };
}

describe('the cart store', () => {
  it('creates the clinic’s open cart once, even when two callers ask at the same time', async () => {
    await dropOpenCarts(DEMO_IDS.lakeside);
    expect(await findOpenCart(db(), DEMO_IDS.lakeside)).toBeUndefined();
    const [a, b] = await Promise.all([getOpenCart(lakeside), getOpenCart(lakeside)]);
    expect(a.id).toBe(b.id);
    expect(a).toMatchObject({ status: 'open', version: 1 });
    expect((await getOpenCart(lakeside)).id).toBe(a.id);
    const open = await db().selectFrom('carts').select('id').where('clinicId', '=', DEMO_IDS.lakeside).where('name', 'is', null).where('status', '=', 'open').execute();
    expect(open).toEqual([{ id: a.id }]);
  });

  it('appends lines after the last position and moves the version on exactly once', async () => {
    const line = await aLine(DEMO_IDS.lakeside);
    const first = await db().transaction().execute(async (tx) => {
      const cart = await lockOpenCart(tx, lakeside);
      return { before: cart.version, ...(await appendCartLines(tx, { id: cart.id, clinicId: DEMO_IDS.lakeside }, [line, line])) };
    });
    expect(first.cartVersion).toBe(first.before + 1);
    const second = await db().transaction().execute(async (tx) => {
      const cart = await lockOpenCart(tx, lakeside);
      return appendCartLines(tx, { id: cart.id, clinicId: DEMO_IDS.lakeside }, [line]);
    });
    expect(second.cartVersion).toBe(first.cartVersion + 1);
    const positions = await db().selectFrom('cartLines').select(['id', 'position']).where('id', 'in', [...first.lineIds, ...second.lineIds]).orderBy('position').execute();
    expect(positions.map((p) => p.id)).toEqual([...first.lineIds, ...second.lineIds]);
    expect(positions.map((p) => p.position)).toEqual([positions[0]!.position, positions[0]!.position + 1, positions[0]!.position + 2]);
  });

  it('refuses to lock the open cart for a change while a checkout holds it, and gives it back at the next version', async () => {
    const cart = await getOpenCart(lakeside);
    await db().transaction().execute((tx) => setCartStatus(tx, cart.id, 'checking_out'));
    const refused = await db().transaction().execute((tx) => lockOpenCart(tx, lakeside)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'conflict', details: { cartStatus: 'checking_out' } });
    // Only the checkout's own version reopens it.
    expect(await db().transaction().execute((tx) => reopenCart(tx, cart.id, cart.version + 7))).toBe(false);
    expect(await db().transaction().execute((tx) => reopenCart(tx, cart.id, cart.version))).toBe(true);
    expect(await findOpenCart(db(), DEMO_IDS.lakeside)).toMatchObject({ id: cart.id, status: 'open', version: cart.version + 1 });
    expect(await db().transaction().execute((tx) => reopenCart(tx, cart.id, cart.version))).toBe(false);
  });
});

describe('lines a pharmacy returns', () => {
  // As the pharmacy's rejection does: the order's status, its refund and its returned lines in one transaction.
  const reject = (orderId: string, reason: string) =>
    db()
      .transaction()
      .execute(async (tx) => {
        await tx.updateTable('orders').set({ status: 'rejected' }).where('id', '=', orderId).execute();
        await onOrderRejected(tx, { id: orderId, clinicId: DEMO_IDS.riverside, pharmacyName: 'Sierra Veterinary Compounding' }, reason);
      });
  const returnedCarts = () =>
    db().selectFrom('carts').select(['id', 'name', 'status', 'version']).where('clinicId', '=', DEMO_IDS.riverside).where('name', '=', RETURNED_CART_NAME).execute();

  it('go into a new open cart when the clinic has none', async () => {
    await dropOpenCarts(DEMO_IDS.riverside);
    const [orderId] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 1, enqueue: false });
    await reject(orderId!, 'Out of base');
    const cart = await findOpenCart(db(), DEMO_IDS.riverside);
    expect(cart).toMatchObject({ status: 'open', version: 2 });
    const orderLines = await db().selectFrom('orderLines').select('id').where('orderId', '=', orderId!).execute();
    const lines = await db().selectFrom('cartLines').select(['returnedReason', 'source', 'position']).where('cartId', '=', cart!.id).orderBy('position').execute();
    expect(lines).toHaveLength(orderLines.length);
    expect(lines.map((l) => l.position)).toEqual(lines.map((_, i) => i + 1));
    for (const l of lines) expect(l).toMatchObject({ source: 'reorder', returnedReason: 'Sierra Veterinary Compounding rejected this line: Out of base' });
  });

  it('go into one named cart beside the open cart while that one is being checked out, leaving the checkout’s version alone', async () => {
    const open = await getOpenCart(riverside);
    await db().transaction().execute((tx) => setCartStatus(tx, open.id, 'checking_out'));
    const [first, second] = await createPendingOrders(db(), { pharmacySlug: 'sierra', count: 2, enqueue: false });
    await reject(first!, 'Out of base');
    await reject(second!, 'Recalled lot');
    const named = await returnedCarts();
    expect(named).toHaveLength(1);
    expect(named[0]).toMatchObject({ status: 'open', version: 3 });
    const lines = await db().selectFrom('cartLines').select(['returnedReason']).where('cartId', '=', named[0]!.id).execute();
    const perOrder = (await db().selectFrom('orderLines').select('id').where('orderId', '=', first!).execute()).length;
    expect(lines).toHaveLength(perOrder * 2);
    expect(await findOpenCart(db(), DEMO_IDS.riverside)).toMatchObject({ id: open.id, status: 'checking_out', version: open.version });
  });
});
