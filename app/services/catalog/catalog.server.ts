import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database, DeaSchedule } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { landedCostQuoter, type PharmacyFees, type PriceCartInput } from '../../lib/pricing';
import { cartPricingInput } from '../cart/index.server';
import { toPatientOption } from '../../lib/patient-option';
import { searchPatients } from '../records/index.server';
import { clinicToday } from '../records/clinics.server';
import { clinicScope, type Principal } from '../identity/principal';

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
  /** More medications match after this page. */
  hasMore: boolean;
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
 * principal's own open cart (`cartPricingInput`: one vial to the clinic joins the clinic
 * shipment already in the cart from that pharmacy), with the cheapest and fastest marked.
 *
 * Two indexed queries: the page of medications (trigram search over `search_text`, the offer
 * filters as a correlated EXISTS on the available-offers index), then the offers of that page. Landed costs are computed here
 * with the shared pricing module, repricing only the shipment an offer would join.
 */
export async function searchCatalog(principal: Principal, query: CatalogQuery = {}): Promise<CatalogPage> {
  // The cart (and so the landed costs) is the principal's own clinic's; other principals get a not-found.
  const clinicId = clinicScope(principal);
  const db = getDb();
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 200);
  const offset = Math.max(Math.trunc(query.offset ?? 0), 0);
  // Licences are valid through the clinic's calendar day.
  const scope: OfferScope = { day: await clinicToday(db, clinicId) };
  const words = searchWords(query.q);

  // One statement for the page: the medications in order, each with its offers aggregated as
  // one JSON text (parsed natively here, instead of a row per offer through the driver).
  let meds = db
    .selectFrom('medications as m')
    .select(['m.id', 'm.name', 'm.strength', 'm.form', 'm.controlledSchedule', 'm.compounded', 'm.coldChain', 'm.speciesUse', 'm.synonyms'])
    .select((eb) =>
      eb
        .selectFrom('offers as o')
        .select(sql<string>`json_agg(json_build_array(o.id, o.pharmacy_id, o.sku, o.package_description, o.unit_price_cents, o.stock_on_hand, o.reserved, o.turnaround_days, o.ship_states, o.flavors))::text`.as('x'))
        .whereRef('o.medicationId', '=', 'm.id')
        .where((e) => offerFilters(e, query, scope))
        .as('offers'),
    )
    // A correlated EXISTS, not IN: walking medications in name order stops at the page's end
    // instead of first collecting every medication with a matching offer.
    .where(({ exists, selectFrom }) => exists(selectFrom('offers as o').select(sql`1`.as('one')).whereRef('o.medicationId', '=', 'm.id').where((e) => offerFilters(e, query, scope))));
  for (const word of words) meds = meds.where('m.searchText', 'like', `%${escapeLike(word)}%`);
  if (query.controlled !== undefined) meds = meds.where('m.controlledSchedule', query.controlled ? 'is not' : 'is', null);
  if (query.coldChain !== undefined) meds = meds.where('m.coldChain', '=', query.coldChain);
  // With words, names that start with the first word come first (typing "gaba" wants Gabapentin before Pregabalin).
  if (words.length > 0) meds = meds.orderBy(sql`lower(m.name) like ${`${escapeLike(words[0]!)}%`}`, 'desc');
  // One row more than the page says whether there is a next page, without counting them all.
  meds = meds.orderBy('m.name').orderBy('m.strength').orderBy('m.form').orderBy('m.id').limit(limit + 1).offset(offset);

  const [page, cart, pharmacies] = await Promise.all([meds.execute(), cartPricingInput(principal), activePharmacies(db, scope.day)]);
  const hasMore = page.length > limit;
  const medRows = page.slice(0, limit);

  const fees: Record<string, PharmacyFees> = {};
  for (const [id, p] of pharmacies) fees[id] = { shippingCents: p.shippingCents, coldChainCents: p.coldChainFeeCents };
  const quote = landedCostQuoter({ ...cart, pharmacies: { ...fees, ...cart.pharmacies } });

  const medications: CatalogMedication[] = medRows.map(({ offers: offersJson, ...med }) => {
    const offers: CatalogOffer[] = [];
    for (const [id, pharmacyId, sku, pkg, unitPriceCents, onHand, reserved, turnaroundDays, shipStates, flavors] of JSON.parse(offersJson ?? '[]') as OfferTuple[]) {
      const pharmacy = pharmacies.get(pharmacyId);
      if (!pharmacy) continue;
      const stock = Math.max(0, onHand - reserved);
      offers.push({
        id,
        pharmacyId,
        pharmacyName: pharmacy.name,
        sku,
        package: pkg,
        unitPriceCents,
        landedCostCents: quote({ pharmacyId, destinationKey: 'clinic', quantity: 1, unitPriceCents, coldChain: med.coldChain }).landedCostPerVialCents,
        stock,
        lowStock: stock > 0 && stock <= LOW_STOCK_VIALS,
        turnaroundDays,
        shipStates: shipStates === null ? pharmacy.states : pharmacy.states.filter((s) => shipStates.includes(s)),
        flavors,
        cheapest: false,
        fastest: false,
      });
    }
    rankOffers(offers, query.sort ?? 'landed');
    return { ...med, offers };
  });
  return { medications, hasMore, limit, offset, cartVials: cartVials(cart) };
}

/** An offer as the page query aggregates it. */
type OfferTuple = [id: string, pharmacyId: string, sku: string, pkg: string, unitPriceCents: number, onHand: number, reserved: number, turnaroundDays: number, shipStates: string[] | null, flavors: string[]];

/** Marks the cheapest and fastest offer (ties to the other measure, then the pharmacy's name) and sorts by `sort`. */
function rankOffers(offers: CatalogOffer[], sort: 'landed' | 'turnaround'): void {
  // Plain code-unit order for the tie-breaks: stable and an order of magnitude cheaper than localeCompare.
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const byLanded = (a: CatalogOffer, b: CatalogOffer) =>
    a.landedCostCents - b.landedCostCents || a.turnaroundDays - b.turnaroundDays || text(a.pharmacyName, b.pharmacyName) || text(a.id, b.id);
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

/** Active pharmacies by id: name, fees and the states they hold a current ship licence for (sorted). */
async function activePharmacies(db: Kysely<Database>, day: string) {
  const rows = await db
    .selectFrom('pharmacies as p')
    .select(['p.id', 'p.name', 'p.shippingCents', 'p.coldChainFeeCents'])
    .select(sql<string[]>`array(select l.state::text from pharmacy_ship_licenses l where l.pharmacy_id = p.id and l.expires_on >= ${day} order by l.state)`.as('states'))
    .where('p.active', '=', true)
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
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
 * Patients for the catalog's "Add to cart" picker: the clinic's active patients matching `q`
 * (pet, owner or phone), each with its active prescription of `medicationId` when it has one,
 * so the form can start from that prescription's SIG and prescriber.
 */
export async function patientsForCatalog(principal: Principal, query: { q: string; medicationId?: string; limit?: number }) {
  const clinicId = clinicScope(principal);
  const patients = await searchPatients(principal, { q: query.q, status: 'active', limit: Math.min(query.limit ?? 8, 20) });
  const medicationId = query.medicationId && isUuid(query.medicationId) ? query.medicationId : undefined;
  const db = getDb();
  const prescriptions =
    medicationId && patients.length > 0
      ? await db
          .selectFrom('prescriptions')
          .select(['id', 'patientId', 'sig', 'prescriberId', 'quantity', 'writtenOn'])
          .where('clinicId', '=', clinicId)
          .where('patientId', 'in', patients.map((p) => p.id))
          .where('medicationId', '=', medicationId)
          .where('status', '=', 'active')
          .where('expiresOn', '>=', await clinicToday(db, clinicId))
          .orderBy('writtenOn', 'desc')
          .execute()
      : [];
  const today = await clinicToday(db, clinicId);
  return patients.map((p) => {
    const rx = prescriptions.find((r) => r.patientId === p.id);
    return {
      ...toPatientOption(p, today),
      prescription: rx ? { id: rx.id, sig: rx.sig, prescriberId: rx.prescriberId, quantity: rx.quantity } : null,
    };
  });
}
