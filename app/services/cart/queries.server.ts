/**
 * Reads and small helpers the cart room's files share: the clinic row, the live lines of a cart
 * as pricing reads them, and where a line ships.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';

/** A connection or a transaction: what reads take first (docs/conventions.md, "Transactions"). */
export type Db = Kysely<Database>;
/** A transaction: what writes that must commit together take first. */
export type Tx = Transaction<Database>;

/** The clinic fields the cart reads: its state (where clinic shipments go), platform fee and time zone (its calendar day). */
export async function clinicRow(db: Db, clinicId: string) {
  return db
    .selectFrom('clinics')
    .select(['id', 'state', 'platformFeeCents', 'wellnessPolicy', 'name', 'timezone'])
    .where('id', '=', clinicId)
    .executeTakeFirstOrThrow();
}

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
