/**
 * The cart store: the one owner of the `carts` aggregate. It finds, creates, locks and
 * versions carts and appends their lines; every other module (the cart's own line edits,
 * validation, routing's returned lines, checkout) goes through these functions.
 *
 * `carts.version` names the exact cart a checkout pays for, so it moves here and nowhere else:
 * exactly once per change of a cart's lines, or when a failed checkout gives the cart back.
 * test/unit/architecture.test.ts fails if any other source file writes it.
 *
 * The clinic's open cart is its one unnamed cart that is `open` or `checking_out`; the partial
 * unique index `carts_one_open_per_clinic` keeps it one, so a racing second creation is a no-op.
 */
import { sql, type Insertable, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { CartLinesTable, Database } from '../../../db/schema';
import { now } from '../platform/clock.server';
import { conflict } from '../platform/errors';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';

type Tx = Transaction<Database>;

/** Name of the cart returned lines go to while the clinic's open cart is being checked out. */
export const RETURNED_CART_NAME = 'Returned by pharmacies';

/** The states a clinic's open cart can be in: editable, or held by a checkout. */
const OPEN_STATUSES = ['open', 'checking_out'] as const;

/**
 * The clinic's open cart as a query to select from, for callers that locate it inside a larger
 * query (the validation loader's CTE) rather than with a round trip of their own.
 */
export function openCartQuery(qc: QueryCreator<Database>, clinicId: string) {
  return qc.selectFrom('carts').where('clinicId', '=', clinicId).where('name', 'is', null).where('status', 'in', [...OPEN_STATUSES]);
}

/** One cart of the clinic by id, any status, as a query to select from; another clinic's cart is no row. */
export function clinicCartQuery(qc: QueryCreator<Database>, clinicId: string, cartId: string) {
  return qc.selectFrom('carts').where('clinicId', '=', clinicId).where('id', '=', cartId);
}

/** The clinic's open cart, or undefined while it has none (nothing is created). */
export async function findOpenCart(db: Kysely<Database>, clinicId: string) {
  return openCartQuery(db, clinicId).select(['id', 'version', 'status', 'updatedAt']).executeTakeFirst();
}

/**
 * Creates the clinic's open cart unless it has one. `at` stamps the creation with the
 * caller's clock; without it the database's time is used.
 */
export async function createOpenCart(db: Kysely<Database>, clinicId: string, createdBy: string | null, at?: Date): Promise<void> {
  if (at) {
    await sql`insert into carts (clinic_id, created_by, created_at, updated_at) values (${clinicId}, ${createdBy}, ${at}, ${at})
              on conflict (clinic_id) where status in ('open', 'checking_out') and name is null do nothing`.execute(db);
  } else {
    await sql`insert into carts (clinic_id, created_by) values (${clinicId}, ${createdBy})
              on conflict (clinic_id) where status in ('open', 'checking_out') and name is null do nothing`.execute(db);
  }
}

/** The clinic's open cart, created on first use. */
export function getOpenCart(principal: Principal) {
  return getOpenCartIn(getDb(), principal);
}

/** `getOpenCart` on the caller's connection or transaction. */
export async function getOpenCartIn(db: Kysely<Database>, principal: Principal) {
  const clinicId = clinicScope(principal);
  const existing = await findOpenCart(db, clinicId);
  if (existing) return existing;
  await createOpenCart(db, clinicId, userIdOf(principal));
  const created = await findOpenCart(db, clinicId);
  if (!created) throw new Error('the open cart could not be created');
  return created;
}

/** Locks the open cart for a change of its lines; refuses while a checkout holds it. */
export async function lockOpenCart(tx: Tx, principal: Principal) {
  const cart = await getOpenCartIn(tx, principal);
  const locked = await tx.selectFrom('carts').select(['id', 'version', 'status']).where('id', '=', cart.id).forUpdate().executeTakeFirstOrThrow();
  if (locked.status !== 'open') {
    throw conflict('This cart is being checked out. Wait for the payment to finish or cancel it before changing lines.', { cartStatus: locked.status });
  }
  return locked;
}

/** Locks one cart of the clinic by id (checkout holds it while it starts or splits); undefined when the clinic has no such cart. */
export async function lockCart(tx: Tx, clinicId: string, cartId: string) {
  return clinicCartQuery(tx, clinicId, cartId).select(['id', 'version', 'status', 'name']).forUpdate().executeTakeFirst();
}

/**
 * Locks the cart lines returned by a pharmacy go to: the clinic's open cart, or, while that one
 * is being checked out, a named cart beside it (so the lines are neither swept into that
 * checkout nor lost when it completes). Either is created when missing.
 */
export async function lockCartForReturnedLines(tx: Tx, clinicId: string, at: Date): Promise<{ id: string; version: number; status: string }> {
  const find = (name: string | null, statuses: ('open' | 'checking_out')[]) =>
    tx
      .selectFrom('carts')
      .select(['id', 'version', 'status'])
      .where('clinicId', '=', clinicId)
      .where('name', name === null ? 'is' : '=', name)
      .where('status', 'in', statuses)
      .orderBy('createdAt')
      .forUpdate()
      .limit(1)
      .executeTakeFirst();
  let cart = await find(null, [...OPEN_STATUSES]);
  if (cart?.status === 'checking_out') {
    cart = await find(RETURNED_CART_NAME, ['open']);
    if (!cart) {
      cart = await tx
        .insertInto('carts')
        .values({ clinicId, name: RETURNED_CART_NAME, createdAt: at, updatedAt: at })
        .returning(['id', 'version', 'status'])
        .executeTakeFirstOrThrow();
    }
  } else if (!cart) {
    await createOpenCart(tx, clinicId, null, at);
    cart = await find(null, [...OPEN_STATUSES]);
  }
  if (!cart) throw new Error(`no open cart for clinic ${clinicId}`);
  return cart;
}

/** Moves a locked cart's version on by one and answers the new version. */
export async function bumpCartVersion(tx: Tx, cartId: string, at: Date = now()): Promise<number> {
  const row = await tx
    .updateTable('carts')
    .set((eb) => ({ version: eb('version', '+', 1), updatedAt: at }))
    .where('id', '=', cartId)
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

/** A new line's columns; the store sets the cart, the clinic and the position. */
export type CartLineRow = Omit<Insertable<CartLinesTable>, 'id' | 'cartId' | 'clinicId' | 'position' | 'version'>;

/**
 * Appends lines after the locked cart's last position, in the order given, and moves the cart's
 * version on once. Answers the new lines' ids (in that order) and the cart's new version.
 */
export async function appendCartLines(
  tx: Tx,
  cart: { id: string; clinicId: string },
  rows: CartLineRow[],
  at: Date = now(),
): Promise<{ lineIds: string[]; cartVersion: number }> {
  const last = await tx.selectFrom('cartLines').select((eb) => eb.fn.max('position').as('position')).where('cartId', '=', cart.id).executeTakeFirst();
  const start = Number(last?.position ?? 0) + 1;
  const inserted = await tx
    .insertInto('cartLines')
    .values(rows.map((row, i) => ({ ...row, cartId: cart.id, clinicId: cart.clinicId, position: start + i })))
    .returning('id')
    .execute();
  const cartVersion = await bumpCartVersion(tx, cart.id, at);
  return { lineIds: inserted.map((r) => r.id), cartVersion };
}

/** Marks a locked cart as held by a checkout, or as paid for. */
export async function setCartStatus(tx: Tx, cartId: string, status: 'checking_out' | 'checked_out', at: Date = now()): Promise<void> {
  await tx.updateTable('carts').set({ status, updatedAt: at }).where('id', '=', cartId).execute();
}

/**
 * Gives a cart back to the clinic after its checkout failed or expired: open again at the next
 * version (so the failed checkout's version cannot be paid), but only while it is still that
 * checkout's (`checking_out` at `version`). Answers whether it was.
 */
export async function reopenCart(tx: Tx, cartId: string, version: number, at: Date = now()): Promise<boolean> {
  const result = await tx
    .updateTable('carts')
    .set((eb) => ({ status: 'open', version: eb('version', '+', 1), updatedAt: at }))
    .where('id', '=', cartId)
    .where('status', '=', 'checking_out')
    .where('version', '=', version)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
