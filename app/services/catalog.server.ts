import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { getDb } from '../../db/client';
import type { Database, DeaSchedule } from '../../db/schema';
import { landedCostQuoter, type PharmacyFees, type PriceCartInput } from '../lib/pricing';
import { today } from './clock.server';
import { notFound } from './errors';
import { clinicScope, type Principal } from './principal';

/** What the catalog can be searched and filtered by. Every filter narrows both the medications and the offers shown. */
export type CatalogQuery = {
  /** Words to find in the name, strength, form, species, brand names or ingredients; every word must match. */
  q?: string;
  pharmacyId?: string;
  /** Only offers with vials on hand beyond those reserved. */
  inStock?: boolean;
  /** Only offers the pharmacy may ship into this state (a current licence, and the offer's own list when it has one). */
  shipState?: string;
  /** true: controlled only; false: not controlled; absent: both. */
  controlled?: boolean;
  /** true: cold-chain only; false: room temperature only; absent: both. */
  coldChain?: boolean;
  /** Order of the offers within a medication. Default 'landed'. */
  sort?: 'landed' | 'turnaround';
  /** Medications per page (1–200, default 50). */
  limit?: number;
  offset?: number;
};

/** One pharmacy's offer of a medication, as the catalog compares them. */
export type CatalogOffer = {
  id: string;
  pharmacyId: string;
  pharmacyName: string;
  sku: string;
  package: string;
  unitPriceCents: number;
  /** Per vial, as if one vial were added to the principal's open cart (shipping to the clinic, joining its shipment from this pharmacy). */
  landedCostCents: number;
  /** Vials that can be ordered: on hand less reserved. */
  stock: number;
  /** Few vials left (1–5): worth a badge. */
  lowStock: boolean;
  turnaroundDays: number;
  /** Where it can ship now: the pharmacy's current licences, narrowed by the offer's own list when it has one. */
  shipStates: string[];
  flavors: string[];
  /** The lowest landed cost of this medication's offers shown (only marked when there are two or more to compare). */
  cheapest: boolean;
  /** The shortest turnaround of this medication's offers shown (only marked when there are two or more). */
  fastest: boolean;
};

/** A medication with the offers that pass the filters. */
export type CatalogMedication = {
  id: string;
  name: string;
  strength: string;
  form: string;
  controlledSchedule: DeaSchedule | null;
  compounded: boolean;
  coldChain: boolean;
  speciesUse: string[];
  synonyms: string[];
  offers: CatalogOffer[];
};

/** A page of the catalog. */
export type CatalogPage = {
  medications: CatalogMedication[];
  /** Medications matching in all (for paging). */
  total: number;
  limit: number;
  offset: number;
  /** The cart the landed costs were quoted against: its vials (0 for an empty cart). */
  cartVials: number;
};

/** At most this many vials on hand counts as low stock. */
export const LOW_STOCK_VIALS = 5;

type OfferScope = { day: string };

/**
 * The aggregated catalog: medications matching `query`, each with the offers of every partner
 * pharmacy that pass the filters, priced per vial as they would land if added to the
 * principal's own open cart, with the cheapest and fastest marked.
 *
 * Two indexed queries: the page of medication ids (trigram search over `search_text`, the
 * offer filters as a semi-join), then the offers of that page. Landed costs are computed here
 * with the shared pricing module, repricing only the shipment an offer would join.
 */
export async function searchCatalog(principal: Principal, query: CatalogQuery = {}): Promise<CatalogPage> {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 200);
  const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
  const scope: OfferScope = { day: today() };
  const words = searchWords(query.q);

  const matching = () => {
    let base = db
      .selectFrom('medications as m')
      .where('m.id', 'in', (eb) => eb.selectFrom('offers as o').select('o.medicationId').where((e) => offerFilters(e, query, scope)));
    for (const word of words) base = base.where('m.searchText', 'like', `%${escapeLike(word)}%`);
    if (query.controlled !== undefined) base = base.where('m.controlledSchedule', query.controlled ? 'is not' : 'is', null);
    if (query.coldChain !== undefined) base = base.where('m.coldChain', '=', query.coldChain);
    return base;
  };
  let meds = matching().select(['m.id', sql<number>`count(*) over ()`.as('total')]);
  // With words, names that start with the first word come first (typing "gaba" wants Gabapentin before Pregabalin).
  if (words.length > 0) meds = meds.orderBy(sql`lower(m.name) like ${`${escapeLike(words[0]!)}%`}`, 'desc');
  meds = meds.orderBy('m.name').orderBy('m.strength').orderBy('m.form').orderBy('m.id').limit(limit).offset(offset);

  const [page, cart] = await Promise.all([meds.execute(), cartForQuotes(principal, clinicId)]);
  const total = Number(page[0]?.total ?? 0);
  if (page.length === 0) {
    // Past the last page the window count has no row to ride on.
    const count = offset > 0 ? await matching().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow() : { n: 0 };
    return { medications: [], total: Number(count.n), limit, offset, cartVials: cartVials(cart) };
  }
  const ids = page.map((r) => r.id);

  const [medRows, offerRows] = await Promise.all([
    db
      .selectFrom('medications')
      .select(['id', 'name', 'strength', 'form', 'controlledSchedule', 'compounded', 'coldChain', 'speciesUse', 'synonyms'])
      .where('id', 'in', ids)
      .execute(),
    db
      .selectFrom('offers as o')
      .innerJoin('pharmacies as p', 'p.id', 'o.pharmacyId')
      .select([
        'o.id', 'o.medicationId', 'o.pharmacyId', 'p.name as pharmacyName', 'o.sku', 'o.packageDescription', 'o.unitPriceCents',
        'o.stockOnHand', 'o.reserved', 'o.turnaroundDays', 'o.shipStates', 'o.flavors', 'p.shippingCents', 'p.coldChainFeeCents',
      ])
      .where('o.medicationId', 'in', ids)
      .where((e) => offerFilters(e, query, scope))
      .execute(),
  ]);
  const licensed = await licensedStates([...new Set(offerRows.map((o) => o.pharmacyId))], scope.day);

  const fees: Record<string, PharmacyFees> = {};
  for (const o of offerRows) fees[o.pharmacyId] ??= { shippingCents: o.shippingCents, coldChainCents: o.coldChainFeeCents };
  const quote = landedCostQuoter({ ...cart, pharmacies: { ...fees, ...cart.pharmacies } });

  const byMed = new Map(medRows.map((m) => [m.id, { ...m, offers: [] as CatalogOffer[] }]));
  for (const o of offerRows) {
    const med = byMed.get(o.medicationId);
    if (!med) continue;
    const stock = Math.max(0, o.stockOnHand - o.reserved);
    const states = licensed.get(o.pharmacyId) ?? [];
    med.offers.push({
      id: o.id,
      pharmacyId: o.pharmacyId,
      pharmacyName: o.pharmacyName,
      sku: o.sku,
      package: o.packageDescription,
      unitPriceCents: o.unitPriceCents,
      landedCostCents: quote({ pharmacyId: o.pharmacyId, destinationKey: 'clinic', quantity: 1, unitPriceCents: o.unitPriceCents, coldChain: med.coldChain })
        .landedCostPerVialCents,
      stock,
      lowStock: stock > 0 && stock <= LOW_STOCK_VIALS,
      turnaroundDays: o.turnaroundDays,
      shipStates: o.shipStates === null ? states : states.filter((s) => o.shipStates!.includes(s)),
      flavors: o.flavors,
      cheapest: false,
      fastest: false,
    });
  }

  const medications = ids.map((id) => byMed.get(id)!).filter(Boolean);
  for (const med of medications) rankOffers(med.offers, query.sort ?? 'landed');
  return { medications, total, limit, offset, cartVials: cartVials(cart) };
}

/** Marks the cheapest and fastest offer (ties to the other measure, then the pharmacy's name) and sorts by `sort`. */
function rankOffers(offers: CatalogOffer[], sort: 'landed' | 'turnaround'): void {
  const byLanded = (a: CatalogOffer, b: CatalogOffer) =>
    a.landedCostCents - b.landedCostCents || a.turnaroundDays - b.turnaroundDays || a.pharmacyName.localeCompare(b.pharmacyName) || a.id.localeCompare(b.id);
  const byTurnaround = (a: CatalogOffer, b: CatalogOffer) => a.turnaroundDays - b.turnaroundDays || byLanded(a, b);
  offers.sort(sort === 'turnaround' ? byTurnaround : byLanded);
  // One offer is both cheapest and fastest of nothing: badges only mean something side by side.
  if (offers.length < 2) return;
  [...offers].sort(byLanded)[0]!.cheapest = true;
  [...offers].sort(byTurnaround)[0]!.fastest = true;
}

/** The filters an offer must pass: available, from an active pharmacy, and the query's own. */
function offerFilters(eb: ExpressionBuilder<Database & { o: Database['offers'] }, 'o'>, query: CatalogQuery, scope: OfferScope): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [
    eb('o.available', '=', true),
    eb.exists(eb.selectFrom('pharmacies as ap').select(sql`1`.as('one')).where('ap.id', '=', eb.ref('o.pharmacyId')).where('ap.active', '=', true)),
  ];
  if (query.pharmacyId) conditions.push(eb('o.pharmacyId', '=', query.pharmacyId));
  if (query.inStock) conditions.push(eb('o.stockOnHand', '>', eb.ref('o.reserved')));
  if (query.shipState) {
    const state = query.shipState;
    conditions.push(
      eb.exists(
        eb
          .selectFrom('pharmacyShipLicenses as l')
          .select(sql`1`.as('one'))
          .where('l.pharmacyId', '=', eb.ref('o.pharmacyId'))
          .where('l.state', '=', state)
          .where('l.expiresOn', '>=', scope.day),
      ),
      eb.or([eb('o.shipStates', 'is', null), sql<SqlBool>`${state} = any(o.ship_states)`]),
    );
  }
  return eb.and(conditions);
}

/** Pharmacy id → states it holds a current ship licence for, sorted. */
async function licensedStates(pharmacyIds: string[], day: string): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (pharmacyIds.length === 0) return map;
  const rows = await getDb()
    .selectFrom('pharmacyShipLicenses')
    .select(['pharmacyId', 'state'])
    .where('pharmacyId', 'in', pharmacyIds)
    .where('expiresOn', '>=', day)
    .orderBy('state')
    .execute();
  for (const r of rows) {
    const list = map.get(r.pharmacyId);
    if (list) list.push(r.state);
    else map.set(r.pharmacyId, [r.state]);
  }
  return map;
}

/** Lower-case words of a search, at most 8, each at most 60 characters. */
function searchWords(q: string | undefined): string[] {
  return (q ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .slice(0, 8)
    .map((w) => w.slice(0, 60));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}

function cartVials(cart: PriceCartInput): number {
  return cart.lines.reduce((n, l) => n + l.quantity, 0);
}

/**
 * The principal's open cart as pricing input, so a catalog offer is quoted joining the
 * shipment it would join. Until the cart service (issue 4) lands this is an empty cart with the
 * clinic's platform fee.
 */
async function cartForQuotes(principal: Principal, clinicId: string): Promise<PriceCartInput> {
  void principal;
  const clinic = await getDb().selectFrom('clinics').select('platformFeeCents').where('id', '=', clinicId).executeTakeFirst();
  if (!clinic) throw notFound('Clinic');
  return { lines: [], pharmacies: {}, platformFeePerVialCents: clinic.platformFeeCents };
}
