/**
 * Demo-data handles for validation tests: who acts, which patients, offers and prescribers
 * give a clean line, and a way to store a cart of lines without the cart service.
 */
import { sql, type Insertable } from 'kysely';
import type { DB } from '../../db/client';
import { stableUuid } from '../../db/credentials';
import type { CartLinesTable, PrescriptionsTable, Role } from '../../db/schema';
import { DEMO_IDS } from '../../db/seed';
import type { UserPrincipal } from '../../app/services/identity/principal';
import { addDays } from '../../validators/vocabulary';
import { CONTENT_COLUMNS, contentHash, signedContent, type SignedContent } from '../../app/services/cart/signoffs.server';

/** A signed-in demo user as services see them. */
export function demoUser(email: string, name: string, role: Role, clinic: 'riverside' | 'lakeside'): UserPrincipal {
  return { kind: 'user', userId: DEMO_IDS.user(email), name, email, role, clinicId: DEMO_IDS[clinic], pharmacyId: null };
}

export const TECH = demoUser('tech@riverside.example', 'Tina Morales', 'technician', 'riverside');
export const LAKESIDE_MANAGER = demoUser('manager@lakeside.example', 'Grace Holt', 'manager', 'lakeside');

/** `prescribers.id` of a demo vet (db/seed.ts). */
export const prescriberId = (email: string) => stableUuid(`prescriber:${email}`);
export const ALVAREZ = prescriberId('vet@riverside.example');
export const CHEN = prescriberId('jchen@riverside.example');
export const PATEL = prescriberId('ppatel@riverside.example');

/** A demo medication's id (db/seed.ts). */
export const medicationId = (name: string, strength: string, form: string) => stableUuid(`med:${name}:${strength}:${form}`);
export const METHIMAZOLE = medicationId('Methimazole', '5 mg/mL', 'oral suspension');
export const HYDROCODONE = medicationId('Hydrocodone', '1 mg/mL', 'oral solution');
export const BUPRENORPHINE = medicationId('Buprenorphine', '0.3 mg/mL', 'buccal solution');

/** A SIG every SIG rule accepts for a 30 ml bottle: 1 ml a day for 30 days. */
export const CLEAN_SIG = 'Give 0.5 ml by mouth BID for 30 days';

/** The demo offer of `medication` from `pharmacySlug`, stocked so that stock never gets in the way unless a test says so. */
export async function offerOf(db: DB, pharmacySlug: string, medication: string, stock = 500): Promise<{ id: string; unitPriceCents: number }> {
  const offer = await db
    .updateTable('offers')
    .set({ stockOnHand: stock, reserved: 0, available: true })
    .where('pharmacyId', '=', DEMO_IDS.pharmacy(pharmacySlug))
    .where('medicationId', '=', medication)
    .returning(['id', 'unitPriceCents'])
    .executeTakeFirst();
  if (!offer) throw new Error(`the demo has no ${pharmacySlug} offer of ${medication}`);
  return offer;
}

/** Active Riverside cats and dogs in California, seen within the last ten months: lines for them pass the patient rules. */
export async function healthyPatients(db: DB, count: number, today: string): Promise<string[]> {
  const rows = await db
    .selectFrom('patients as p')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .select('p.id')
    .where('p.clinicId', '=', DEMO_IDS.riverside)
    .where('p.status', '=', 'active')
    .where('p.species', 'in', ['cat', 'dog'])
    .where('c.state', '=', 'CA')
    .where('p.lastWellnessExamOn', '>=', sql<string>`${today}::date - 300`)
    .orderBy('p.id')
    .limit(count)
    .execute();
  if (rows.length < count) throw new Error(`only ${rows.length} healthy patients`);
  return rows.map((r) => r.id);
}

/** `iso` moved by `days` days (the shared vocabulary's). */
export { addDays };

/** A Riverside patient whose owner lives in CA: `recent` seen within 300 days, `overdue` not for 400. */
export async function riversidePatient(
  db: DB,
  today: string,
  want: { status: 'active' | 'deceased'; exam: 'recent' | 'overdue'; species?: 'cat' | 'dog'; skip?: number },
): Promise<string> {
  let query = db
    .selectFrom('patients as p')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .select('p.id')
    .where('p.clinicId', '=', DEMO_IDS.riverside)
    .where('p.status', '=', want.status)
    .where('c.state', '=', 'CA')
    .where('p.lastWellnessExamOn', want.exam === 'recent' ? '>=' : '<', addDays(today, want.exam === 'recent' ? -300 : -400));
  if (want.species) query = query.where('p.species', '=', want.species);
  const row = await query.orderBy('p.id').offset(want.skip ?? 0).executeTakeFirstOrThrow();
  return row.id;
}

/** A line's columns, and the user who signed off its content (stored as a current sign-off). */
export type LineSpec = Omit<Insertable<CartLinesTable>, 'cartId' | 'clinicId'> & { signedOffBy?: string | null };

/** Records current sign-offs of stored lines by users, bound to the lines' content as the service binds it. */
export async function storeSignoffs(db: DB, signoffs: { lineId: string; userId: string }[]): Promise<void> {
  if (signoffs.length === 0) return;
  const rows = await db
    .selectFrom('cartLines as l')
    .innerJoin('offers as o', 'o.id', 'l.offerId')
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .select(['l.id', 'l.clinicId', ...CONTENT_COLUMNS])
    .where('l.id', 'in', signoffs.map((s) => s.lineId))
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  await db
    .insertInto('lineSignoffs')
    .values(
      signoffs.map((s) => {
        const row = byId.get(s.lineId)!;
        const content = signedContent(row as SignedContent);
        return { clinicId: row.clinicId, cartLineId: s.lineId, userId: s.userId, contentHash: contentHash(content), content: JSON.stringify(content) };
      }),
    )
    .execute();
}

/** Stores a cart (named unless `current`) with these lines for Riverside; returns its id and the line ids in order. */
export async function storeCart(
  db: DB,
  lines: LineSpec[],
  opts: { current?: boolean; clinicId?: string } = {},
): Promise<{ cartId: string; lineIds: string[] }> {
  const clinicId = opts.clinicId ?? DEMO_IDS.riverside;
  const cart = await db
    .insertInto('carts')
    .values({ clinicId, name: opts.current ? null : `test ${Math.random().toString(36).slice(2)}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const lineIds: string[] = [];
  for (let i = 0; i < lines.length; i += 500) {
    const chunk = lines.slice(i, i + 500).map(({ signedOffBy: _s, ...l }, j) => ({ position: i + j, ...l, cartId: cart.id, clinicId }));
    const rows = await db.insertInto('cartLines').values(chunk).returning('id').execute();
    lineIds.push(...rows.map((r) => r.id));
  }
  await storeSignoffs(db, lines.flatMap((l, i) => (l.signedOffBy ? [{ lineId: lineIds[i]!, userId: l.signedOffBy }] : [])));
  return { cartId: cart.id, lineIds };
}

/** A clean line's columns: Dr. Alvarez, shipped to the clinic in CA. */
export function cleanLine(patientId: string, offer: { id: string; unitPriceCents: number }, over: Partial<LineSpec> = {}): LineSpec {
  return {
    patientId,
    offerId: offer.id,
    quantity: 1,
    sig: CLEAN_SIG,
    prescriberId: ALVAREZ,
    shipTo: 'clinic',
    shipState: 'CA',
    source: 'manual',
    unitPriceCentsAtAdd: offer.unitPriceCents,
    ...over,
  };
}

/**
 * Stores a prescription of the clinic straight into the database (valid a year from 30 days ago,
 * 5 refills unless said otherwise), for lines that fill one; answers its id.
 */
export async function storePrescription(
  db: DB,
  spec: { patientId: string; prescriberId: string; medicationId: string; today: string } & Partial<Pick<Insertable<PrescriptionsTable>, 'refillsAuthorized' | 'refillsUsed' | 'writtenOn' | 'expiresOn' | 'status' | 'sig'>>,
): Promise<string> {
  const { today, ...rest } = spec;
  const row = await db
    .insertInto('prescriptions')
    .values({ clinicId: DEMO_IDS.riverside, sig: CLEAN_SIG, quantity: 1, refillsAuthorized: 5, writtenOn: addDays(today, -30), expiresOn: addDays(today, 330), ...rest })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
