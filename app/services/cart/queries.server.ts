/**
 * Reads and small helpers the cart room's files share: the clinic row, the live lines of a cart
 * as pricing reads them, the display names in SQL, and where a line ships.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Writes join the caller's transaction when given one. */
export type TxOption = { tx?: Transaction<Database> };
/** Reads may run on the pool or inside a caller's transaction. */
export type ReadOption = { tx?: Kysely<Database> };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whether a value can name a row: anything else must not reach a uuid cast. */
export const isGuid = (v: unknown): v is string => typeof v === 'string' && GUID.test(v);

/** Runs `fn` in the caller's transaction, or in a new one. */
export function withTx<T>(opts: TxOption | undefined, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return opts?.tx ? fn(opts.tx) : getDb().transaction().execute(fn);
}

/** The clinic fields the cart reads: its state (where clinic shipments go) and platform fee. */
export async function clinicRow(db: Db, clinicId: string) {
  return db
    .selectFrom('clinics')
    .select(['id', 'state', 'platformFeeCents', 'wellnessPolicy', 'name'])
    .where('id', '=', clinicId)
    .executeTakeFirstOrThrow();
}

/** A medication's display name in SQL (`m` is `medications`), e.g. "Methimazole 5 mg/mL oral suspension". */
export const medicationName = sql<string>`m.name || ' ' || m.strength || ' ' || m.form`;
/** An owner's display name in SQL (`c` is `clients`). */
export const ownerName = sql<string>`c.first_name || ' ' || c.last_name`;

/** The pricing key of a line's shipment: the clinic, or one owner's address. */
export function destinationKey(shipTo: 'clinic' | 'owner', clientId: string): string {
  return shipTo === 'clinic' ? 'clinic' : `owner:${clientId}`;
}

/** Where a line ships: the clinic's state, or the owner's (null when the owner has no address). */
export function shipStateFor(shipTo: 'clinic' | 'owner', clinicState: string, ownerState: string | null): string | null {
  return shipTo === 'clinic' ? clinicState : ownerState;
}

/** The live lines of a cart, in cart order, joined to what pricing and the view read. */
export function pricingLinesQuery(db: Db, clinicId: string, cartId: string) {
  return db
    .selectFrom('cartLines as l')
    .innerJoin('offers as o', 'o.id', 'l.offerId')
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .innerJoin('patients as p', 'p.id', 'l.patientId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .where('l.cartId', '=', cartId)
    .where('l.clinicId', '=', clinicId)
    .where('l.removedAt', 'is', null)
    .orderBy('l.position')
    .orderBy('l.createdAt')
    .orderBy('l.id');
}
