/**
 * Which offers a line could come from, each with the landed cost per vial it would have in this
 * cart: "switch pharmacy" (alternatives, then the switch), the fast-entry typeahead, and the
 * cheapest offer that can fill a repeated line.
 */
import { sql, type NotNull } from 'kysely';
import { getDb } from '../../../db/client';
import { landedCostQuoter, priceCart, type PriceCartInput } from '~/lib/pricing';
import { clinicToday } from '../records/clinics.server';
import { notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { updateCartLineIn } from './lines.server';
import { type Db } from './queries.server';
import { isUuid, type IsoDate } from '../../../validators/vocabulary';
import { medicationDisplayName } from '../catalog/sql.server';
import { getOpenCartIn } from './store.server';
import { cartPricingInputIn } from './view.server';

/**
 * Every active offer of the medications, with its pharmacy's fees, free stock and the states
 * among `states` it may ship to on `day`, the clinic's (licence not expired, and the offer's own list if any).
 */
export async function candidateOffers(db: Db, medicationIds: string[], states: string[], day: IsoDate) {
  if (medicationIds.length === 0) return [];
  const [offers, licenses] = await Promise.all([
    db
      .selectFrom('offers as o')
      .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
      .innerJoin('medications as m', 'm.id', 'o.medicationId')
      .select([
        'o.id', 'o.medicationId', 'o.pharmacyId', 'ph.name as pharmacyName', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'o.shipStates',
        'o.turnaroundDays', 'o.packageDescription', 'o.available', 'm.coldChain', 'ph.shippingCents', 'ph.coldChainFeeCents',
      ])
      .where('o.medicationId', 'in', [...new Set(medicationIds)])
      .where('o.available', '=', true)
      .where('ph.active', '=', true)
      .execute(),
    states.length
      ? db.selectFrom('pharmacyShipLicenses').select(['pharmacyId', 'state']).where('state', 'in', [...new Set(states)]).where('expiresOn', '>=', day).execute()
      : [],
  ]);
  const licensed = new Set(licenses.map((l) => `${l.pharmacyId}\u0000${l.state}`));
  return offers.map((o) => ({
    ...o,
    freeStock: Math.max(0, o.stockOnHand - o.reserved),
    shipsTo: [...new Set(states)].filter((s) => licensed.has(`${o.pharmacyId}\u0000${s}`) && (!o.shipStates || o.shipStates.includes(s))),
  }));
}

export type Candidate = Awaited<ReturnType<typeof candidateOffers>>[number];

/** Why an offer cannot fill a line as it stands, or null when it can. */
export function offerProblem(offer: Candidate | undefined, shipState: string, quantity: number): string | null {
  if (!offer) return 'is no longer offered';
  if (!offer.shipsTo.includes(shipState)) return `cannot ship to ${shipState}`;
  if (offer.freeStock < quantity) return offer.freeStock === 0 ? 'is out of stock' : `has only ${offer.freeStock} in stock`;
  return null;
}

/** The cheapest landed offer of a medication that ships to the state and has the stock. */
export function bestOffer(candidates: Candidate[], medicationId: string, shipState: string, quantity: number, quote: (c: Candidate) => number): Candidate | null {
  let best: { c: Candidate; landed: number } | null = null;
  for (const c of candidates) {
    if (c.medicationId !== medicationId || offerProblem(c, shipState, quantity)) continue;
    const landed = quote(c);
    if (!best || landed < best.landed || (landed === best.landed && c.pharmacyName.localeCompare(best.c.pharmacyName) < 0)) best = { c, landed };
  }
  return best?.c ?? null;
}

/**
 * The other offers of a line's medication, each with the landed cost per vial the line would
 * have there and the difference to now: what "switch pharmacy" shows before switching.
 */
export async function offerAlternatives(principal: Principal, lineId: string) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const input = await cartPricingInputIn(db, principal);
  const cart = await getOpenCartIn(db, principal);
  if (!isUuid(lineId)) throw notFound('Cart line');
  const line = await db
    .selectFrom('cartLines as l')
    .innerJoin('offers as o', 'o.id', 'l.offerId')
    .select(['l.id', 'l.offerId', 'l.quantity', 'l.shipState', 'o.medicationId'])
    .where('l.id', '=', lineId)
    .where('l.clinicId', '=', clinicId)
    .where('l.cartId', '=', cart.id)
    .where('l.removedAt', 'is', null)
    .executeTakeFirst();
  if (!line) throw notFound('Cart line');
  const priced = priceCart(input);
  const current = priced.lines.find((l) => l.id === lineId)!;
  const self = input.lines.find((l) => l.id === lineId)!;
  const rest: PriceCartInput = { ...input, lines: input.lines.filter((l) => l.id !== lineId) };
  const candidates = await candidateOffers(db, [line.medicationId], [line.shipState], await clinicToday(db, clinicId));
  const pharmacies = { ...rest.pharmacies } as Record<string, { shippingCents: number; coldChainCents: number }>;
  for (const c of candidates) pharmacies[c.pharmacyId] = { shippingCents: c.shippingCents, coldChainCents: c.coldChainFeeCents };
  const quote = landedCostQuoter({ ...rest, pharmacies });
  return candidates
    .filter((c) => c.medicationId === line.medicationId)
    .map((c) => {
      const q = quote({ pharmacyId: c.pharmacyId, destinationKey: self.destinationKey, quantity: line.quantity, unitPriceCents: c.unitPriceCents, coldChain: c.coldChain });
      const landed = c.id === line.offerId ? current.landedCostPerVialCents : q.landedCostPerVialCents;
      return {
        offerId: c.id,
        pharmacyId: c.pharmacyId,
        pharmacyName: c.pharmacyName,
        packageDescription: c.packageDescription,
        unitPriceCents: c.unitPriceCents,
        landedCostCents: landed,
        differenceCents: landed - current.landedCostPerVialCents,
        freeStock: c.freeStock,
        turnaroundDays: c.turnaroundDays,
        shipsToState: c.shipsTo.includes(line.shipState),
        current: c.id === line.offerId,
      };
    })
    .sort((a, b) => Number(b.current) - Number(a.current) || a.landedCostCents - b.landedCostCents || a.pharmacyName.localeCompare(b.pharmacyName));
}

/**
 * Switches a line to another offer of the same medication, returning the landed cost per vial
 * before and after and the change of the cart's total (the fees of two shipments can move).
 */
export async function switchOffer(principal: Principal, lineId: string, input: { version: number; offerId: string }) {
  return getDb().transaction().execute(async (tx) => {
    const before = priceCart(await cartPricingInputIn(tx, principal));
    const result = await updateCartLineIn(tx, principal, lineId, { version: input.version, offerId: input.offerId });
    const after = priceCart(await cartPricingInputIn(tx, principal));
    const was = before.lines.find((l) => l.id === lineId);
    const is = after.lines.find((l) => l.id === lineId);
    return {
      ...result,
      previousLandedCostCents: was?.landedCostPerVialCents ?? 0,
      landedCostCents: is?.landedCostPerVialCents ?? 0,
      differenceCents: (is?.landedCostPerVialCents ?? 0) - (was?.landedCostPerVialCents ?? 0),
      cartTotalDifferenceCents: after.totalCents - before.totalCents,
    };
  });
}

/**
 * Offers matching `q` (medication name, synonym or pharmacy) for the fast-entry typeahead, each
 * with the landed cost per vial if added to the clinic's shipment; when `patientId` is given,
 * the patient's active prescription of that medication (to prefill SIG and prescriber) and its
 * medications first.
 */
export async function searchOffersForCart(principal: Principal, query: { q: string; patientId?: string; limit?: number }) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const q = query.q.trim();
  const limit = Math.min(Math.max(query.limit ?? 12, 1), 50);
  const patientId = query.patientId && isUuid(query.patientId) ? query.patientId : undefined;
  const prescriptions = patientId
    ? await db
        .selectFrom('prescriptions as rx')
        .select(['rx.id', 'rx.medicationId', 'rx.sig', 'rx.prescriberId', 'rx.quantity', 'rx.status', 'rx.writtenOn'])
        .where('rx.patientId', '=', patientId)
        .where('rx.clinicId', '=', clinicId)
        // Only catalog medications can be ordered; a commercial product's prescription has none.
        .where('rx.medicationId', 'is not', null)
        .$narrowType<{ medicationId: NotNull }>()
        .orderBy('rx.writtenOn', 'desc')
        .execute()
    : [];
  const rxMeds = [...new Set(prescriptions.map((p) => p.medicationId))];
  if (!q && rxMeds.length === 0) return [];
  const like = `%${q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
  let base = db
    .selectFrom('offers as o')
    .innerJoin('medications as m', 'm.id', 'o.medicationId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'o.id', 'o.medicationId', medicationDisplayName().as('medicationName'), 'm.controlledSchedule', 'm.coldChain', 'o.pharmacyId', 'ph.name as pharmacyName',
      'o.packageDescription', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'o.flavors', 'ph.shippingCents', 'ph.coldChainFeeCents',
    ])
    .where('o.available', '=', true)
    .where('ph.active', '=', true);
  if (q) {
    base = base.where((eb) =>
      eb.or([
        eb(medicationDisplayName(), 'ilike', like),
        eb('ph.name', 'ilike', like),
        eb(sql<string>`array_to_string(m.synonyms, ' ')`, 'ilike', like),
      ]),
    );
  } else {
    base = base.where('o.medicationId', 'in', rxMeds);
  }
  const rows = await base.orderBy('m.name').orderBy('m.strength').orderBy('o.unitPriceCents').limit(200).execute();
  const pricing = await cartPricingInputIn(db, principal);
  const pharmacies = { ...pricing.pharmacies } as Record<string, { shippingCents: number; coldChainCents: number }>;
  for (const r of rows) pharmacies[r.pharmacyId] = { shippingCents: r.shippingCents, coldChainCents: r.coldChainFeeCents };
  const quote = landedCostQuoter({ ...pricing, pharmacies });
  const rxOf = new Map<string, (typeof prescriptions)[number]>();
  for (const rx of prescriptions) if (rx.status === 'active' && !rxOf.has(rx.medicationId)) rxOf.set(rx.medicationId, rx);
  return rows
    .map((r) => {
      const rx = rxOf.get(r.medicationId);
      return {
        offerId: r.id,
        medicationId: r.medicationId,
        medicationName: r.medicationName,
        controlledSchedule: r.controlledSchedule,
        pharmacyName: r.pharmacyName,
        packageDescription: r.packageDescription,
        unitPriceCents: r.unitPriceCents,
        landedCostCents: quote({ pharmacyId: r.pharmacyId, destinationKey: 'clinic', quantity: 1, unitPriceCents: r.unitPriceCents, coldChain: r.coldChain }).landedCostPerVialCents,
        freeStock: Math.max(0, r.stockOnHand - r.reserved),
        flavors: r.flavors,
        prescription: rx ? { id: rx.id, sig: rx.sig, prescriberId: rx.prescriberId, quantity: rx.quantity } : null,
      };
    })
    .sort((a, b) => Number(!!b.prescription) - Number(!!a.prescription))
    .slice(0, limit);
}
