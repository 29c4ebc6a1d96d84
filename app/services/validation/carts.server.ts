/**
 * Validating carts: the clinic's stored cart (located by the cart store, read with its
 * acknowledgements in one query) and draft lines that are not stored.
 */
import { sql, type Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { validateCart, type CartValidation, type Finding, type LineSource, type LineValidation } from '../../../validators';
import { notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { clinicCartQuery, openCartQuery } from '../cart/store.server';
import { contentHash, currentSignoffQuery, type SignedContent } from '../cart/signoffs.server';
import { isUuid } from '../../../validators/vocabulary';
import { buildLines, load, type Db, type DraftLine, type ValidationLineInput } from './loader.server';

/** Who acknowledged a warning on a line, and when. */
export type Acknowledgement = { rule: string; userId: string; userName: string; at: string };

/** One stored line's findings, with who acknowledged which warning (the cart shows the name). */
export type ClinicLineValidation = LineValidation & { lineId: string; acknowledgements: Acknowledgement[] };

/** The validation of a clinic's stored cart. */
export type ClinicCartValidation = {
  /** The cart validated, or null when the clinic has no open cart. */
  cartId: string | null;
  /** The cart version the findings are for (checkout pays for this version only). */
  cartVersion: number | null;
  /** Findings by cart line id; every line of the cart has an entry, possibly empty. */
  byLineId: Record<string, Finding[]>;
  lines: ClinicLineValidation[];
  /** Errors; checkout stays disabled while above zero. */
  blockingCount: number;
  /** Warnings not yet acknowledged. */
  warningCount: number;
};

type StoredLineRow = {
  cartId: string;
  cartVersion: number;
  id: string | null;
  patientId: string | null;
  offerId: string | null;
  quantity: number | null;
  sig: string | null;
  prescriberId: string | null;
  shipTo: 'clinic' | 'owner' | null;
  shipState: string | null;
  source: LineSource | null;
  prescriptionId: string | null;
  pharmacyId: string | null;
  medicationId: string | null;
  strength: string | null;
  form: string | null;
  package: string | null;
  signoffUserId: string | null;
  signoffHash: string | null;
  signerName: string | null;
  unitPriceCentsAtAdd: number | null;
  acknowledgements: { rule: string; userId: string; userName: string; at: string }[] | null;
};

/**
 * The cart and its live lines with their acknowledgements, in one query (a cart without lines
 * gives one row of nulls). Acknowledgements are grouped once for the cart's lines rather than
 * looked up line by line, which on a 1,000-line cart is most of the query's time.
 */
async function loadCartLines(db: Db, clinicId: string, cartId: string | undefined): Promise<StoredLineRow[]> {
  if (cartId !== undefined && !isUuid(cartId)) throw notFound('Cart');
  return db
    .with('cart', (qb) => (cartId !== undefined ? clinicCartQuery(qb, clinicId, cartId) : openCartQuery(qb, clinicId)).select(['id', 'version']))
    .with('acks', (qb) =>
      qb
        .selectFrom('acknowledgements as a')
        .innerJoin('cartLines as al', 'al.id', 'a.cartLineId')
        .innerJoin('cart', 'cart.id', 'al.cartId')
        .innerJoin('users as u', 'u.id', 'a.userId')
        .where('al.removedAt', 'is', null)
        .select([
          'a.cartLineId',
          sql<Acknowledgement[]>`json_agg(json_build_object('rule', a.rule, 'user_id', a.user_id, 'user_name', u.name, 'at', a.created_at) order by a.created_at, a.rule)`.as('list'),
        ])
        .groupBy('a.cartLineId'),
    )
    .selectFrom('cart as c')
    .leftJoin('cartLines as l', (join) => join.onRef('l.cartId', '=', 'c.id').on('l.removedAt', 'is', null))
    .leftJoin('acks', 'acks.cartLineId', 'l.id')
    .leftJoin('offers as o', 'o.id', 'l.offerId')
    .leftJoin('medications as m', 'm.id', 'o.medicationId')
    .leftJoin(
      (eb) => currentSignoffQuery(eb as unknown as Db).as('s'),
      (join) => join.onRef('s.cartLineId', '=', 'l.id'),
    )
    .select([
      'c.id as cartId',
      'c.version as cartVersion',
      'l.id',
      'l.patientId',
      'l.offerId',
      'l.quantity',
      'l.sig',
      'l.prescriberId',
      'l.shipTo',
      'l.shipState',
      'l.source',
      'l.prescriptionId',
      'o.pharmacyId',
      'o.medicationId',
      'm.strength',
      'm.form',
      'o.packageDescription as package',
      's.userId as signoffUserId',
      's.contentHash as signoffHash',
      's.signerName',
      'l.unitPriceCentsAtAdd',
      'acks.list as acknowledgements',
    ])
    .orderBy('l.position')
    .orderBy('l.createdAt')
    .orderBy('l.id')
    .execute();
}

/**
 * A stored line's sign-off as the rules read it: it counts only while the line's content still
 * hashes to what was signed (docs/signoff.md); otherwise the rule names who signed what changed.
 */
function signoffOf(r: StoredLineRow): Pick<ValidationLineInput, 'vetSignedOffBy' | 'staleSignoffBy'> {
  if (!r.signoffUserId) return {};
  const current = r.pharmacyId !== null && r.signoffHash === contentHash(r as unknown as SignedContent);
  return current ? { vetSignedOffBy: r.signoffUserId } : { staleSignoffBy: r.signerName ?? 'a veterinarian' };
}

/**
 * Validates the clinic's current cart (or `cartId`, any status, e.g. during checkout) line by
 * line: seven queries in all, whatever the number of lines. Inside checkout call
 * `validateClinicCartIn` with its transaction, so the findings judge exactly what is paid for.
 */
export function validateClinicCart(principal: Principal, opts: { cartId?: string } = {}): Promise<ClinicCartValidation> {
  return validateClinicCartIn(getDb(), principal, opts);
}

/** `validateClinicCart` on the caller's connection or transaction (checkout's, so the findings judge what is paid for). */
export async function validateClinicCartIn(db: Kysely<Database>, principal: Principal, opts: { cartId?: string } = {}): Promise<ClinicCartValidation> {
  const clinicId = clinicScope(principal);
  const rows = await loadCartLines(db, clinicId, opts.cartId);
  if (rows.length === 0) {
    if (opts.cartId !== undefined) throw notFound('Cart');
    return { cartId: null, cartVersion: null, byLineId: {}, lines: [], blockingCount: 0, warningCount: 0 };
  }
  const stored = rows.filter((r) => r.id !== null);
  const inputs: ValidationLineInput[] = stored.map((r) => ({
    id: r.id!,
    patientId: r.patientId!,
    offerId: r.offerId!,
    quantity: r.quantity!,
    sig: r.sig!,
    prescriberId: r.prescriberId!,
    shipTo: r.shipTo!,
    shipState: r.shipState!,
    source: r.source!,
    prescriptionId: r.prescriptionId,
    ...signoffOf(r),
    unitPriceCentsWhenAdded: r.unitPriceCentsAtAdd!,
    acknowledgedRules: (r.acknowledgements ?? []).map((a) => a.rule),
  }));
  const loaded = await load(db, clinicId, inputs, undefined);
  const result = validateCart(buildLines(inputs, loaded), loaded.ctx);
  const lines = result.lines.map((line, i): ClinicLineValidation => ({
    ...line,
    lineId: stored[i]!.id!,
    acknowledgements: stored[i]!.acknowledgements ?? [],
  }));
  const byLineId: Record<string, Finding[]> = {};
  for (const line of lines) byLineId[line.lineId] = line.findings;
  return { cartId: rows[0]!.cartId, cartVersion: rows[0]!.cartVersion, byLineId, lines, blockingCount: result.blockingCount, warningCount: result.warningCount };
}

/**
 * Validates lines that are not stored (`POST /api/v1/validate`, previews). Ids of another
 * clinic's patients, prescribers or prescriptions are not loaded, so those lines get the same
 * "not found" findings as ids that do not exist, and nothing of the other clinic is revealed.
 */
export async function validateDraftLines(principal: Principal, lines: DraftLine[]): Promise<CartValidation> {
  const clinicId = clinicScope(principal);
  const inputs: ValidationLineInput[] = lines.map((l) => ({ ...l, acknowledgedRules: [] }));
  const loaded = await load(getDb(), clinicId, inputs, undefined);
  return validateCart(buildLines(inputs, loaded), loaded.ctx);
}

/** A finding as the JSON API shows it: no positions (the response is ordered by line). */
export function toPublicFinding(f: Finding) {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    acknowledged: f.acknowledged,
    ...(f.hint !== undefined ? { hint: f.hint } : {}),
    ...(f.fix !== undefined ? { fix: f.fix } : {}),
  };
}
