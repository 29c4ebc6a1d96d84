/**
 * Repeating past lines: quickfill (one order line), reorder (a past order, or one patient's part
 * of it). A past line keeps its offer while that offer can still fill it; otherwise the cheapest
 * landed alternative is taken or proposed, so a person decides.
 */
import { getDb } from '../../../db/client';
import { landedCostQuoter } from '~/lib/pricing';
import { notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { addCartLinesIn } from './lines.server';
import { recordSignoffs } from './signoffs.server';
import { allowed } from '../identity/permissions';
import type { NewCartLineInput } from './input.server';
import { bestOffer, candidateOffers, offerProblem, type Candidate } from './offers.server';
import { clinicRow, destinationKey, shipStateFor, type Db, type Tx } from './queries.server';
import { isUuid } from '../../../validators/vocabulary';
import { clinicDay } from '../platform/clock.server';
import { medicationDisplayName } from '../catalog/sql.server';
import { cartPricingInputIn } from './view.server';
import { currentPrescriptions } from '../records/prescriptions.server';

/** A past line whose offer cannot be used now, and the offer proposed instead. */
export type OfferProposal = {
  orderLineId: string;
  patientName: string;
  medicationName: string;
  /** e.g. "Pacific Coast Compounding is out of stock". */
  reason: string;
  alternative: { offerId: string; pharmacyName: string; unitPriceCents: number; landedCostCents: number } | null;
};

/** Past order lines of the clinic with what repeating them needs, in the order they were made. */
export async function historyRows(db: Db, clinicId: string, where: { orderLineIds?: string[]; orderId?: string; patientId?: string }) {
  let q = db
    .selectFrom('orderLines as ol')
    .innerJoin('patients as p', 'p.id', 'ol.patientId')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .innerJoin('medications as m', 'm.id', 'ol.medicationId')
    .innerJoin('offers as o', 'o.id', 'ol.offerId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'ol.id', 'ol.orderId', 'ol.patientId', 'p.name as patientName', 'p.clientId', 'c.state as ownerState', 'ol.offerId', 'ol.medicationId',
      medicationDisplayName().as('medicationName'), 'ol.quantity', 'ol.sig', 'ol.prescriberId', 'ol.shipTo', 'ol.prescriptionId', 'ph.name as pharmacyName',
    ])
    .where('ol.clinicId', '=', clinicId)
    .orderBy('ol.createdAt')
    .orderBy('ol.id');
  if (where.orderLineIds) q = q.where('ol.id', 'in', where.orderLineIds);
  if (where.orderId) q = q.where('ol.orderId', '=', where.orderId);
  if (where.patientId) q = q.where('ol.patientId', '=', where.patientId);
  return q.execute();
}

export type HistoryRow = Awaited<ReturnType<typeof historyRows>>[number];

/**
 * Turns past lines into new lines: same patient, medication, quantity, SIG, prescription and
 * ship-to, and the same offer when it can still fill the line. When it cannot, `substitute`
 * takes the cheapest landed alternative; otherwise the line is held back and a proposal
 * returned, so a person decides. A renewed prescription is followed to its renewal, and the
 * line names the prescriber of the prescription it fills (docs/records.md).
 */
export async function planFromHistory(db: Db, principal: Principal, rows: HistoryRow[], opts: { substitute: boolean; offerOverrides?: Record<string, string> }) {
  const clinicId = clinicScope(principal);
  const clinic = await clinicRow(db, clinicId);
  const shipStateOf = (r: HistoryRow) => shipStateFor(r.shipTo, clinic.state, r.ownerState) ?? clinic.state;
  const [candidates, pricing, current] = await Promise.all([
    candidateOffers(db, rows.map((r) => r.medicationId), rows.map(shipStateOf), clinicDay(clinic.timezone)),
    cartPricingInputIn(db, principal),
    currentPrescriptions(db, clinicId, rows.flatMap((r) => (r.prescriptionId ? [r.prescriptionId] : []))),
  ]);
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const pharmacies = { ...pricing.pharmacies } as Record<string, { shippingCents: number; coldChainCents: number }>;
  for (const c of candidates) pharmacies[c.pharmacyId] = { shippingCents: c.shippingCents, coldChainCents: c.coldChainFeeCents };
  const quoter = landedCostQuoter({ ...pricing, pharmacies });
  const inputs: NewCartLineInput[] = [];
  const proposals: OfferProposal[] = [];
  const substituted: { orderLineId: string; from: string; to: string; reason: string }[] = [];
  for (const r of rows) {
    const shipState = shipStateOf(r);
    const destination = destinationKey(r.shipTo, r.clientId);
    const quote = (c: Candidate) => quoter({ pharmacyId: c.pharmacyId, destinationKey: destination, quantity: r.quantity, unitPriceCents: c.unitPriceCents, coldChain: c.coldChain }).landedCostPerVialCents;
    const override = opts.offerOverrides?.[r.id];
    let offerId = override ?? r.offerId;
    if (!override) {
      const problem = offerProblem(byId.get(r.offerId), shipState, r.quantity);
      if (problem) {
        const reason = `${r.pharmacyName} ${problem}`;
        const alt = bestOffer(candidates, r.medicationId, shipState, r.quantity, quote);
        if (!opts.substitute || !alt) {
          proposals.push({
            orderLineId: r.id,
            patientName: r.patientName,
            medicationName: r.medicationName,
            reason,
            alternative: alt ? { offerId: alt.id, pharmacyName: alt.pharmacyName, unitPriceCents: alt.unitPriceCents, landedCostCents: quote(alt) } : null,
          });
          continue;
        }
        substituted.push({ orderLineId: r.id, from: r.pharmacyName, to: alt.pharmacyName, reason });
        offerId = alt.id;
      }
    }
    const rx = r.prescriptionId ? current.get(r.prescriptionId) : undefined;
    inputs.push({
      patientId: r.patientId,
      offerId,
      quantity: r.quantity,
      // A renewal's directions are the veterinarian's latest word.
      sig: rx && rx.id !== r.prescriptionId ? rx.sig : r.sig,
      prescriberId: rx?.prescriberId ?? r.prescriberId,
      shipTo: r.shipTo,
      prescriptionId: rx?.id ?? r.prescriptionId,
    });
  }
  return { inputs, proposals, substituted };
}

/** A veterinarian who repeats a line signs it off by doing so; anyone else leaves it for a vet. */
function signsOff(principal: Principal): boolean {
  return allowed(principal, 'line.signoff');
}

/** Plans the past lines and adds those that can be filled, in the caller's transaction; the rest come back as proposals. */
export async function addFromHistory(tx: Tx, principal: Principal, rows: HistoryRow[], source: 'quickfill' | 'reorder', opts: { substitute: boolean; offerOverrides?: Record<string, string> }) {
  const plan = await planFromHistory(tx, principal, rows, opts);
  if (plan.inputs.length === 0) return { lineIds: [] as string[], proposals: plan.proposals, substituted: plan.substituted, cartVersion: null as number | null };
  const added = await addCartLinesIn(tx, principal, plan.inputs.map((i) => ({ ...i, source })));
  // Lines whose schedule the veterinarian's DEA does not cover stay waiting for another's sign-off.
  if (signsOff(principal)) await recordSignoffs(tx, principal, { id: added.cartId }, added.lineIds.map((lineId) => ({ lineId })), { lenient: true });
  return { lineIds: added.lineIds, proposals: plan.proposals, substituted: plan.substituted, cartVersion: added.cartVersion };
}

/**
 * Quickfill: repeats one past line in one click. When its offer can no longer fill it, nothing
 * is added and the best alternative is proposed; pass `offerId` to accept a proposal.
 */
export async function quickfillFromOrderLine(principal: Principal, orderLineId: string, opts: { offerId?: string } = {}) {
  const clinicId = clinicScope(principal);
  if (!isUuid(orderLineId)) throw notFound('Order line');
  const db = getDb();
  const rows = await historyRows(db, clinicId, { orderLineIds: [orderLineId] });
  if (rows.length === 0) throw notFound('Order line');
  const plan = { substitute: false, ...(opts.offerId ? { offerOverrides: { [orderLineId]: opts.offerId } } : {}) };
  return db.transaction().execute((tx) => addFromHistory(tx, principal, rows, 'quickfill', plan));
}

/**
 * Reorder: repeats every line of a past order (or only one patient's lines of it). Lines whose
 * offer is gone are held back with a proposal, the rest are added.
 */
export async function reorderOrder(principal: Principal, orderId: string, opts: { patientId?: string } = {}) {
  const clinicId = clinicScope(principal);
  if (!isUuid(orderId) || (opts.patientId !== undefined && !isUuid(opts.patientId))) throw notFound('Order');
  const db = getDb();
  const rows = await historyRows(db, clinicId, { orderId, ...(opts.patientId ? { patientId: opts.patientId } : {}) });
  if (rows.length === 0) throw notFound('Order');
  return db.transaction().execute((tx) => addFromHistory(tx, principal, rows, 'reorder', { substitute: false }));
}
