/**
 * Carts ready to pay for, built through the cart service (as a clinic would), for checkout
 * tests and the benchmark.
 */
import { sql } from 'kysely';
import type { DB } from '../../db/client';
import { stableUuid } from '../../db/credentials';
import { DEMO_IDS } from '../../db/seed';
import { addCartLines, getOpenCart } from '../../app/services/cart/index.server';
import type { Principal, UserPrincipal } from '../../app/services/identity/principal';
import { acknowledgeWarning, validateClinicCart } from '../../app/services/validation/validation.server';
import { ALVAREZ, CLEAN_SIG, METHIMAZOLE, medicationId, offerOf } from './validation-fixtures';

export { ALVAREZ, CLEAN_SIG, METHIMAZOLE, TECH, LAKESIDE_MANAGER, demoUser } from './validation-fixtures';

export const GABAPENTIN = medicationId('Gabapentin', '50 mg/mL', 'oral suspension');
/** Lakeside's DEA vet, licensed in Nevada. */
export const RIVERS = stableUuid('prescriber:vet@lakeside.example');
/** Pharmacies licensed to ship to California (and Nevada). */
export const CA_PHARMACIES = ['pacific', 'sierra', 'greatlakes'] as const;

/** Active cats and dogs of a clinic whose owner lives in the clinic's state and who were seen recently: their lines pass the patient rules. */
export async function healthyPatientsOf(db: DB, clinic: 'riverside' | 'lakeside', count: number, today: string): Promise<string[]> {
  const state = clinic === 'riverside' ? 'CA' : 'NV';
  const rows = await db
    .selectFrom('patients as p')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .select('p.id')
    .where('p.clinicId', '=', DEMO_IDS[clinic])
    .where('p.status', '=', 'active')
    .where('p.species', 'in', ['cat', 'dog'])
    .where('c.state', '=', state)
    .where('p.lastWellnessExamOn', '>=', sql<string>`${today}::date - 300`)
    .orderBy('p.id')
    .limit(count)
    .execute();
  if (rows.length < count) throw new Error(`only ${rows.length} healthy ${clinic} patients`);
  return rows.map((r) => r.id);
}

/** The demo offers of methimazole and gabapentin from every pharmacy shipping to CA, restocked. */
export async function stapleOffers(db: DB, stock = 5_000) {
  const out: { id: string; unitPriceCents: number; pharmacySlug: string; medicationId: string }[] = [];
  for (const slug of CA_PHARMACIES) {
    for (const med of [METHIMAZOLE, GABAPENTIN]) out.push({ ...(await offerOf(db, slug, med, stock)), pharmacySlug: slug, medicationId: med });
  }
  return out;
}

/** Hard-deletes the lines of a clinic's open cart, so a test starts from an empty cart. */
export async function emptyOpenCart(db: DB, clinicId: string): Promise<void> {
  const carts = db.selectFrom('carts').select('id').where('clinicId', '=', clinicId).where('status', '=', 'open').where('name', 'is', null);
  await db.deleteFrom('acknowledgements').where('cartLineId', 'in', db.selectFrom('cartLines').select('id').where('cartId', 'in', carts)).execute();
  await db.deleteFrom('cartLines').where('cartId', 'in', carts).execute();
}

export type TestLine = { patientId: string; offerId: string; quantity: number; sig?: string; prescriberId?: string; shipTo?: 'clinic' | 'owner' };

/**
 * Adds lines to the clinic's open cart through the cart service, acknowledges every warning
 * as `acknowledger`, and checks nothing blocks: the cart is ready to pay for. Returns its id and version.
 */
export async function readyCart(principal: Principal, lines: TestLine[], acknowledger: UserPrincipal, prescriberId = ALVAREZ) {
  for (let i = 0; i < lines.length; i += 500) {
    await addCartLines(
      principal,
      lines.slice(i, i + 500).map((l) => ({ patientId: l.patientId, offerId: l.offerId, quantity: l.quantity, sig: l.sig ?? CLEAN_SIG, prescriberId: l.prescriberId ?? prescriberId, shipTo: l.shipTo ?? 'clinic' })),
    );
  }
  let validation = await validateClinicCart(principal);
  for (const line of validation.lines) {
    for (const f of line.findings) {
      if (f.severity === 'warning' && !f.acknowledged) validation = await acknowledgeWarning(acknowledger, { lineId: line.lineId, rule: f.rule });
    }
  }
  if (validation.blockingCount > 0 || validation.warningCount > 0) {
    const first = validation.lines.flatMap((l) => l.findings).find((f) => f.severity === 'error' || !f.acknowledged);
    throw new Error(`the test cart is not ready: ${validation.blockingCount} errors, ${validation.warningCount} warnings (${first?.rule}: ${first?.message})`);
  }
  const cart = await getOpenCart(principal);
  return { id: cart.id, version: cart.version };
}
