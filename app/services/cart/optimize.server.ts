/**
 * "Optimise pharmacies" on the clinic's open cart: the loader that turns the cart into the
 * optimizer's input (docs/optimizer.md, "The cart's loader"), a proposal (dry run), and applying
 * one as a single versioned change of the cart, audited line by line.
 *
 * Equivalence: a line may move only to another offer of the same medication row (a medication
 * is one name, strength and form). There is no clinic setting for allowed equivalents yet, so
 * none is used. A line with a flavor keeps its offer: the optimizer does not compare flavors.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { OptimizationMoveRecord } from '../../../db/schema';
import { optimizeCart, type OptimizeInput, type OptimizerLine, type OptimizerOffer, type OptimizerPharmacy, type Proposal } from '../optimizer/index.server';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { conflict, notFound } from '../platform/errors';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { clinicToday } from '../records/clinics.server';
import { clinicRow, destinationKey, pricingLinesQuery, type Db, type Tx } from './queries.server';
import { bumpCartVersion, getOpenCartIn, lockOpenCart } from './store.server';
import { loadCartViewIn } from './view.server';

export type OptimizeRequest = {
  /**
   * Lines that keep their current offer, besides the lines the clinic pinned in the cart
   * (`cart_lines.optimizer_pinned`). Every id must be a live line of the open cart.
   */
  pinnedLineIds?: readonly string[];
  /** At most this many pharmacies across the cart; none when absent. */
  maxPharmacies?: number | null;
};

/**
 * The optimizer's input for the clinic's cart `cartId`, in a fixed number of queries whatever
 * the number of lines: the clinic, the lines, the offers of their medications (and each line's
 * current offer even if withdrawn), the pharmacies' licences, and today.
 */
export async function loadOptimizerInputIn(db: Db, principal: Principal, cartId: string, request: OptimizeRequest = {}): Promise<OptimizeInput> {
  const clinicId = clinicScope(principal);
  const [clinic, today, rows] = await Promise.all([
    clinicRow(db, clinicId),
    clinicToday(db, clinicId),
    pricingLinesQuery(db, clinicId, cartId)
      .select(['l.id', 'l.offerId', 'l.quantity', 'l.shipTo', 'l.shipState', 'l.needBy', 'l.flavor', 'l.optimizerPinned', 'p.clientId', 'o.medicationId', 'm.controlledSchedule'])
      .execute(),
  ]);
  const pinned = new Set(request.pinnedLineIds ?? []);
  const known = new Set(rows.map((r) => r.id));
  for (const id of pinned) if (!known.has(id)) throw notFound('Cart line');
  if (rows.length === 0) return { lines: [], offers: [], pharmacies: [], platformFeePerVialCents: clinic.platformFeeCents, today, maxPharmacies: request.maxPharmacies ?? null };

  const medicationIds = [...new Set(rows.map((r) => r.medicationId))];
  const currentOfferIds = [...new Set(rows.map((r) => r.offerId))];
  const offerRows = await db
    .selectFrom('offers as o')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .select([
      'o.id', 'o.pharmacyId', 'o.medicationId', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'o.shipStates', 'o.turnaroundDays', 'o.available',
      'm.coldChain', 'ph.name as pharmacyName', 'ph.active as pharmacyActive', 'ph.shippingCents', 'ph.coldChainFeeCents',
    ])
    .where((eb) => eb.or([eb.and([eb('o.medicationId', 'in', medicationIds), eb('o.available', '=', true), eb('ph.active', '=', true)]), eb('o.id', 'in', currentOfferIds)]))
    .orderBy('o.id')
    .execute();
  const pharmacyIds = [...new Set(offerRows.map((o) => o.pharmacyId))];
  const states = [...new Set(rows.map((r) => r.shipState))];
  const licences = await db
    .selectFrom('pharmacyShipLicenses')
    .select(['pharmacyId', 'state', 'expiresOn'])
    .where('pharmacyId', 'in', pharmacyIds)
    .where('state', 'in', states)
    .execute();

  const offers: OptimizerOffer[] = offerRows.map((o) => ({
    id: o.id,
    pharmacyId: o.pharmacyId,
    equivalenceKey: o.medicationId,
    unitPriceCents: o.unitPriceCents,
    // A withdrawn offer (or one of a deactivated pharmacy) keeps a line only as where it is now.
    freeStock: o.available && o.pharmacyActive ? Math.max(0, o.stockOnHand - o.reserved) : 0,
    shipStates: o.shipStates,
    turnaroundDays: o.turnaroundDays,
    coldChain: o.coldChain,
  }));
  const pharmacies = new Map<string, OptimizerPharmacy>();
  for (const o of offerRows) {
    if (!pharmacies.has(o.pharmacyId)) pharmacies.set(o.pharmacyId, { id: o.pharmacyId, name: o.pharmacyName, shippingCents: o.shippingCents, coldChainCents: o.coldChainFeeCents, shipStates: [], controlledSchedules: null });
  }
  for (const l of licences) (pharmacies.get(l.pharmacyId)!.shipStates as { state: string; expiresOn: string }[]).push({ state: l.state, expiresOn: l.expiresOn });
  const lines: OptimizerLine[] = rows.map((r) => ({
    id: r.id,
    equivalenceKey: r.medicationId,
    quantity: r.quantity,
    destinationKey: destinationKey(r.shipTo, r.clientId),
    shipState: r.shipState,
    controlledSchedule: r.controlledSchedule,
    needBy: r.needBy,
    pinnedOfferId: pinned.has(r.id) || r.optimizerPinned || r.flavor ? r.offerId : null,
    currentOfferId: r.offerId,
  }));
  return { lines, offers, pharmacies: [...pharmacies.values()], platformFeePerVialCents: clinic.platformFeeCents, today, maxPharmacies: request.maxPharmacies ?? null };
}

/**
 * A proposal for the clinic's open cart; nothing changes. Answers the cart version it read, and
 * the names a page needs to show it: each pharmacy's, and the pharmacy of each offer a line
 * would move to.
 */
export async function proposeOptimization(
  principal: Principal,
  request: OptimizeRequest = {},
): Promise<{ cartVersion: number; proposal: Proposal; pharmacyNames: Record<string, string>; offerPharmacyIds: Record<string, string> }> {
  const db = getDb();
  const cart = await getOpenCartIn(db, principal);
  const input = await loadOptimizerInputIn(db, principal, cart.id, request);
  const proposal = await optimizeCart(input);
  const targets = new Set(proposal.moves.map((m) => m.toOfferId));
  return {
    cartVersion: cart.version,
    proposal,
    pharmacyNames: Object.fromEntries(input.pharmacies.map((p) => [p.id, p.name])),
    offerPharmacyIds: Object.fromEntries(input.offers.filter((o) => targets.has(o.id)).map((o) => [o.id, o.pharmacyId])),
  };
}

/**
 * Applies the optimizer's proposal to the open cart as one change: under the cart's lock, the
 * cart must still be at `version` (else 409 and nothing changes); every moved line takes its new
 * offer (its line version moves, its acknowledgements go, since the line is reviewed again), the
 * cart's version moves once, and each moved line is audited with its reason. The proposal is
 * computed again under the lock, so it is the one for the cart as it is.
 */
export async function applyOptimization(principal: Principal, request: OptimizeRequest & { version: number; fingerprint?: string }) {
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx: Tx) => {
    const cart = await lockOpenCart(tx, principal);
    if (cart.version !== request.version) {
      throw conflict('The cart changed since this proposal was made. Run "Optimise pharmacies" again to see a proposal for the cart as it is now.', { cartVersion: cart.version });
    }
    const proposal = await optimizeCart(await loadOptimizerInputIn(tx, principal, cart.id, request));
    if (request.fingerprint !== undefined && request.fingerprint !== proposalFingerprint(proposal)) {
      throw conflict(
        'Prices or stock changed since this proposal was made, so applying it now would move other lines. Run "Optimise pharmacies" again to see the proposal as it is now.',
        { cartVersion: cart.version },
      );
    }
    let cartVersion = cart.version;
    let optimizationId: string | null = null;
    if (proposal.moves.length > 0) {
      const at = now();
      const lineIds = proposal.moves.map((m) => m.lineId);
      const before = new Map((await tx.selectFrom('cartLines').select(['id', 'unitPriceCentsAtAdd']).where('id', 'in', lineIds).execute()).map((r) => [r.id, r.unitPriceCentsAtAdd]));
      // One statement for every moved line, each taking its new offer and that offer's price.
      const pairs = sql.join(proposal.moves.map((m) => sql`(${m.lineId}::uuid, ${m.toOfferId}::uuid)`));
      const updated = await sql<{ id: string; version: number }>`
        update cart_lines as l
           set offer_id = v.offer_id, unit_price_cents_at_add = o.unit_price_cents, version = l.version + 1, updated_at = ${at}
          from (values ${pairs}) as v(line_id, offer_id)
          join offers as o on o.id = v.offer_id
         where l.id = v.line_id and l.clinic_id = ${clinicId} and l.cart_id = ${cart.id}
        returning l.id, l.version`.execute(tx);
      const versions = new Map(updated.rows.map((r) => [r.id, r.version]));
      await tx.deleteFrom('acknowledgements').where('cartLineId', 'in', lineIds).execute();
      cartVersion = await bumpCartVersion(tx, cart.id, at);
      const records: OptimizationMoveRecord[] = proposal.moves.map((m) => ({
        lineId: m.lineId,
        fromOfferId: m.fromOfferId,
        toOfferId: m.toOfferId,
        fromUnitPriceCentsAtAdd: before.get(m.lineId)!,
        lineVersion: versions.get(m.lineId)!,
        reason: m.reason,
      }));
      optimizationId = (
        await tx
          .insertInto('cartOptimizations')
          .values({ clinicId, cartId: cart.id, appliedBy: userIdOf(principal), appliedAt: at, cartVersion, solver: proposal.solver, totalBeforeCents: proposal.totalBeforeCents, totalAfterCents: proposal.totalAfterCents, moves: json(records) })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await audit(
        tx,
        principal,
        [
          { clinicId, action: 'cart.optimized', subjectType: 'cart', subjectId: cart.id, detail: { optimizationId, solver: proposal.solver, moved: proposal.moves.length, unplaceable: proposal.unplaceable.length, totalBeforeCents: proposal.totalBeforeCents, totalAfterCents: proposal.totalAfterCents } },
          ...proposal.moves.map((m) => ({
            clinicId,
            action: 'cart.line_optimized',
            subjectType: 'cart_line',
            subjectId: m.lineId,
            detail: { cartId: cart.id, changes: { offerId: { from: m.fromOfferId, to: m.toOfferId } }, reason: m.reason, message: m.message },
          })),
        ],
        at,
      );
    }
    return { cartVersion, proposal, optimizationId, cart: await loadCartViewIn(tx, principal) };
  });
}

/** The latest optimisation applied to the clinic's cart `cartId` (undone or not), if any. */
function latestOptimization(db: Db, clinicId: string, cartId: string) {
  return db
    .selectFrom('cartOptimizations')
    .select(['id', 'appliedAt', 'solver', 'totalBeforeCents', 'totalAfterCents', 'moves', 'undoneAt'])
    .where('clinicId', '=', clinicId)
    .where('cartId', '=', cartId)
    .orderBy('appliedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The clinic's latest applied optimisation of its open cart while it can still be undone, or null. */
export async function undoableOptimization(principal: Principal) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const cart = await getOpenCartIn(db, principal);
  const row = await latestOptimization(db, clinicId, cart.id);
  if (!row || row.undoneAt) return null;
  return { id: row.id, appliedAt: row.appliedAt.toISOString(), solver: row.solver, moved: row.moves.length, savingsCents: row.totalBeforeCents - row.totalAfterCents };
}

/**
 * "Undo optimisation": puts every line the clinic's latest optimisation `optimizationId` moved
 * back on the offer (and price at add) it had before, as one more change of the cart (its
 * version moves once, each line's version moves, each line is audited). Only the latest
 * optimisation of the open cart, once; 409 and nothing changes when any of its lines was
 * edited, switched, removed or moved since (its version is not the one the optimisation left).
 */
export async function undoOptimization(principal: Principal, optimizationId: string) {
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx: Tx) => {
    const cart = await lockOpenCart(tx, principal);
    const latest = await latestOptimization(tx, clinicId, cart.id);
    if (!latest || latest.id !== optimizationId) throw notFound('Optimisation');
    if (latest.undoneAt) throw conflict('This optimisation was undone already.', { optimizationId });
    const moves = latest.moves;
    const lineIds = moves.map((m) => m.lineId);
    const lines = new Map(
      (await tx.selectFrom('cartLines').select(['id', 'offerId', 'version', 'removedAt']).where('id', 'in', lineIds).where('cartId', '=', cart.id).execute()).map((r) => [r.id, r]),
    );
    const changed = moves.filter((m) => {
      const line = lines.get(m.lineId);
      return !line || line.removedAt !== null || line.offerId !== m.toOfferId || line.version !== m.lineVersion;
    });
    if (changed.length > 0) {
      throw conflict(
        `${changed.length === 1 ? 'A line' : `${changed.length} lines`} the optimisation moved changed since, so it cannot be undone as a whole. Switch those lines by hand, or run "Optimise pharmacies" again.`,
        { optimizationId, changedLineIds: changed.map((m) => m.lineId) },
      );
    }
    const at = now();
    const rows = sql.join(moves.map((m) => sql`(${m.lineId}::uuid, ${m.fromOfferId}::uuid, ${m.fromUnitPriceCentsAtAdd}::integer)`));
    await sql`
      update cart_lines as l
         set offer_id = v.offer_id, unit_price_cents_at_add = v.price, version = l.version + 1, updated_at = ${at}
        from (values ${rows}) as v(line_id, offer_id, price)
       where l.id = v.line_id and l.clinic_id = ${clinicId} and l.cart_id = ${cart.id}`.execute(tx);
    await tx.deleteFrom('acknowledgements').where('cartLineId', 'in', lineIds).execute();
    const cartVersion = await bumpCartVersion(tx, cart.id, at);
    await tx.updateTable('cartOptimizations').set({ undoneAt: at, undoneBy: userIdOf(principal) }).where('id', '=', latest.id).execute();
    await audit(
      tx,
      principal,
      [
        { clinicId, action: 'cart.optimization_undone', subjectType: 'cart', subjectId: cart.id, detail: { optimizationId, restored: moves.length } },
        ...moves.map((m) => ({
          clinicId,
          action: 'cart.line_optimization_undone',
          subjectType: 'cart_line',
          subjectId: m.lineId,
          detail: { cartId: cart.id, optimizationId, changes: { offerId: { from: m.toOfferId, to: m.fromOfferId } } },
        })),
      ],
      at,
    );
    return { cartVersion, restored: moves.length, cart: await loadCartViewIn(tx, principal) };
  });
}

/**
 * Pins a line of the open cart (or lets it go): "Optimise pharmacies" never moves a pinned
 * line. The pin is part of the cart, so a change moves the cart's version once (a proposal
 * made before it is stale); the line's content and version stay.
 */
export async function setLinePinned(principal: Principal, lineId: string, pinned: boolean) {
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx: Tx) => {
    const cart = await lockOpenCart(tx, principal);
    const line = await tx
      .selectFrom('cartLines')
      .select(['id', 'optimizerPinned'])
      .where('id', '=', lineId)
      .where('clinicId', '=', clinicId)
      .where('cartId', '=', cart.id)
      .where('removedAt', 'is', null)
      .executeTakeFirst();
    if (!line) throw notFound('Cart line');
    if (line.optimizerPinned === pinned) return { cartVersion: cart.version, pinned };
    const at = now();
    await tx.updateTable('cartLines').set({ optimizerPinned: pinned, updatedAt: at }).where('id', '=', lineId).execute();
    const cartVersion = await bumpCartVersion(tx, cart.id, at);
    await audit(tx, principal, { clinicId, action: pinned ? 'cart.line_pinned' : 'cart.line_unpinned', subjectType: 'cart_line', subjectId: lineId, detail: { cartId: cart.id } }, at);
    return { cartVersion, pinned };
  });
}

/**
 * What a proposal would do, as a short string: its moves (line → offer) and its total after. An
 * apply that names it is refused when the proposal computed under the lock is another one (the
 * cart's version did not move, but a pharmacy's prices or stock did).
 */
export function proposalFingerprint(proposal: Proposal): string {
  const moves = proposal.moves.map((m) => `${m.lineId}>${m.toOfferId}`).join(',');
  return createHash('sha256').update(`${moves}|${proposal.totalAfterCents}`).digest('hex');
}

/** The proposal as the API answers it (docs/api.md): the agreed fields, and the detail the page shows. */
export function proposalJson(proposal: Proposal) {
  return {
    solver: proposal.solver,
    fallback: proposal.fallback,
    totalBeforeCents: proposal.totalBeforeCents,
    totalAfterCents: proposal.totalAfterCents,
    savingsCents: proposal.savingsCents,
    moves: proposal.moves.map((m) => ({ lineId: m.lineId, fromOfferId: m.fromOfferId, toOfferId: m.toOfferId, reason: m.reason, message: m.message, lineTotalBeforeCents: m.lineTotalBeforeCents, lineTotalAfterCents: m.lineTotalAfterCents })),
    unplaceable: proposal.unplaceable.map((u) => ({ lineId: u.lineId, reason: u.constraint, message: u.message, staysOnOfferId: u.staysOnOfferId })),
    bindings: proposal.bindings,
    shipmentsBefore: proposal.shipmentsBefore,
    shipmentsAfter: proposal.shipmentsAfter,
    elapsedMs: proposal.elapsedMs,
    fingerprint: proposalFingerprint(proposal),
  };
}
