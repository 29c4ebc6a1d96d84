/**
 * The server side of line validation: one loader fills a `ValidationContext` for a whole cart
 * in a fixed number of queries (never per line), the pure rules in `validators/` judge it, and
 * acknowledgements of warnings are stored and audited here.
 *
 * Ids: a line's `prescriberId` and the context's prescriber keys are `prescribers.id` (what
 * cart lines store and `GET /api/v1/prescribers` lists), so a `switch_prescriber` fix can be
 * written straight back to the line. `cart_lines.vet_signoff_by` is a user id; it is turned
 * into that user's prescriber id when the line is built (docs/validation.md, "Loader").
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { packageSizeFromDescription } from '../../lib/package-size';
import {
  RULE_IDS,
  indexOffersByMedication,
  validateCart,
  type CartValidation,
  type DeaRegistrationSchedule,
  type Finding,
  type LineSource,
  type LineValidation,
  type MedicationContext,
  type OfferContext,
  type ParsedSig,
  type PatientContext,
  type PharmacyContext,
  type PrescriberContext,
  type PrescriptionContext,
  type RuleId,
  type ValidationContext,
  type ValidationLine,
} from '../../../validators';
import { parseSig } from '../../../validators/sig';
import { audit } from '../audit/audit.server';
import { today, todayIn } from '../platform/clock.server';
import { DomainError, badRequest, conflict, notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { clinicCartQuery, openCartQuery } from '../cart/store.server';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A cart line as the loader reads it: stored (`id`, `shipState`, sign-off, price when added,
 * acknowledgements) or a draft that only names patient, offer, prescriber and destination.
 */
export type ValidationLineInput = {
  /** The stored line's id; absent for drafts. */
  id?: string;
  patientId: string;
  offerId: string;
  /** Vials. */
  quantity: number;
  sig: string;
  /** `prescribers.id`. */
  prescriberId: string;
  shipTo: 'clinic' | 'owner';
  /** The destination's state; omitted, it is the clinic's, or the owner's address state. */
  shipState?: string;
  source?: LineSource;
  prescriptionId?: string | null;
  /** User id (`users.id`) of the veterinarian who signed the line off. */
  vetSignedOffBy?: string | null;
  /** Omitted: today's price of the offer (a draft cannot have seen another). */
  unitPriceCentsWhenAdded?: number;
  acknowledgedRules?: readonly string[];
};

/** A line of a cart that is validated without being stored (`POST /api/v1/validate`). */
export type DraftLine = Pick<ValidationLineInput, 'patientId' | 'offerId' | 'quantity' | 'sig' | 'prescriberId' | 'shipTo' | 'source' | 'prescriptionId'>;

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The distinct well-formed ids among `values`: anything else cannot name a row, and must not reach a uuid cast. */
function uuids(values: Iterable<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const v of values) if (v && UUID.test(v)) out.add(v.toLowerCase());
  return [...out];
}

/** A prototype-free map, so an id such as "constructor" finds nothing instead of Object's own. */
function byId<T extends { id: string }>(rows: Iterable<T>): Record<string, T> {
  const map: Record<string, T> = Object.create(null);
  for (const row of rows) map[row.id] = row;
  return map;
}

/** What the loader reads besides the context: lookups needed to build lines. */
type Loaded = {
  ctx: ValidationContext;
  /** Patient id → the owner's address state (null when the owner has none on file). */
  ownerState: Map<string, string | null>;
  /** User id → prescriber id, for `vet_signoff_by`. */
  prescriberByUser: Map<string, string>;
};

/**
 * Loads everything the rules read for these lines, in six queries whatever their number
 * (sent together; inside a transaction they queue on its one connection):
 * the clinic; the lines' patients with their owner's state; every prescriber of the clinic
 * with licences and DEA registrations; every offer, with its medication, of each medication on
 * the lines; the pharmacies of those offers with their ship-state licences; the lines'
 * prescriptions. Patients and prescriptions of another clinic are not loaded, so the rules
 * report them as not found, exactly as an id that does not exist.
 */
async function load(db: Db, clinicId: string, lines: readonly ValidationLineInput[], day: string | undefined): Promise<Loaded> {
  const patientIds = uuids(lines.map((l) => l.patientId));
  const offerIds = uuids(lines.map((l) => l.offerId));
  const prescriptionIds = uuids(lines.map((l) => l.prescriptionId));
  // Every offer of every medication on the cart, so the rules can name an alternative.
  const cartMedications = sql`(select o2.medication_id from offers o2 where o2.id = any(${offerIds}::uuid[]))`;

  const [clinic, patients, prescribers, offers, pharmacies, prescriptions] = await Promise.all([
    db
      .selectFrom('clinics')
      .select(['state', 'wellnessWindowMonths', 'wellnessPolicy', 'timezone'])
      .where('id', '=', clinicId)
      .executeTakeFirst(),
    db
      .selectFrom('patients as p')
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .select(['p.id', 'p.name', 'p.species', 'p.status', 'p.lastWellnessExamOn', 'p.weightKg', 'c.state as ownerState'])
      .where('p.clinicId', '=', clinicId)
      .where(sql<boolean>`p.id = any(${patientIds}::uuid[])`)
      .execute(),
    db
      .selectFrom('prescribers as p')
      .innerJoin('users as u', 'u.id', 'p.userId')
      .select([
        'p.id',
        'p.name',
        'p.userId',
        'u.role',
        'u.active',
        sql<{ state: string; number: string; expiresOn: string }[]>`(
          select coalesce(json_agg(json_build_object('state', l.state, 'number', l.number, 'expires_on', l.expires_on) order by l.state, l.expires_on), '[]'::json)
          from prescriber_licenses l where l.prescriber_id = p.id)`.as('licenses'),
        sql<{ state: string; number: string; schedules: DeaRegistrationSchedule[]; expiresOn: string }[]>`(
          select coalesce(json_agg(json_build_object('state', d.state, 'number', d.number, 'schedules', d.schedules, 'expires_on', d.expires_on) order by d.state), '[]'::json)
          from dea_registrations d where d.prescriber_id = p.id)`.as('deaRegistrations'),
      ])
      .where('p.clinicId', '=', clinicId)
      .execute(),
    db
      .selectFrom('offers as o')
      .innerJoin('medications as m', 'm.id', 'o.medicationId')
      .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
      .select([
        'o.id',
        'o.pharmacyId',
        'o.medicationId',
        'o.unitPriceCents',
        'o.stockOnHand',
        'o.reserved',
        sql<boolean>`o.available and ph.active`.as('available'),
        'o.packageDescription',
        'm.name',
        'm.strength',
        'm.form',
        'm.controlledSchedule',
        'm.compounded',
        'm.coldChain',
        'm.ingredients',
      ])
      .where(sql<boolean>`o.medication_id in ${cartMedications}`)
      .execute(),
    db
      .selectFrom('pharmacies as ph')
      .select([
        'ph.id',
        'ph.name',
        sql<{ state: string; expiresOn: string }[]>`(
          select coalesce(json_agg(json_build_object('state', s.state, 'expires_on', s.expires_on) order by s.state), '[]'::json)
          from pharmacy_ship_licenses s where s.pharmacy_id = ph.id)`.as('shipStates'),
      ])
      .where(sql<boolean>`ph.id in (select o3.pharmacy_id from offers o3 where o3.medication_id in ${cartMedications})`)
      .execute(),
    db
      .selectFrom('prescriptions')
      .select(['id', 'patientId', 'medicationId', 'refillsAuthorized', 'refillsUsed', 'writtenOn', 'expiresOn', 'status'])
      .where('clinicId', '=', clinicId)
      .where(sql<boolean>`id = any(${prescriptionIds}::uuid[])`)
      .execute(),
  ]);
  if (!clinic) throw notFound('Clinic');

  const ownerState = new Map<string, string | null>();
  const patientRows: PatientContext[] = patients.map(({ ownerState: state, ...p }) => {
    ownerState.set(p.id, state);
    return p;
  });

  const prescriberByUser = new Map<string, string>();
  const prescriberRows: PrescriberContext[] = prescribers.map((p) => {
    prescriberByUser.set(p.userId, p.id);
    return {
      id: p.id,
      name: p.name,
      // A deactivated account neither prescribes nor signs off, and is never suggested.
      userRole: p.active ? p.role : 'inactive',
      licenses: p.licenses,
      deaRegistrations: p.deaRegistrations,
    };
  });

  const medications: Record<string, MedicationContext> = Object.create(null);
  const offerRows: OfferContext[] = [];
  for (const o of offers) {
    medications[o.medicationId] ??= {
      id: o.medicationId,
      name: o.name,
      strength: o.strength,
      form: o.form,
      controlledSchedule: o.controlledSchedule,
      compounded: o.compounded,
      coldChain: o.coldChain,
      // A single-drug record lists no ingredients: its name is its active ingredient.
      ingredients: o.ingredients.length > 0 ? o.ingredients : [o.name],
      // The catalog has no vehicle column yet; the species rule reads ingredients only.
      vehicle: [],
      packageSize: null,
    };
    offerRows.push({
      id: o.id,
      pharmacyId: o.pharmacyId,
      medicationId: o.medicationId,
      unitPriceCents: o.unitPriceCents,
      stockOnHand: o.stockOnHand,
      reserved: o.reserved,
      available: o.available,
      packageSize: packageSizeFromDescription(o.packageDescription),
    });
  }

  const ctx: ValidationContext = {
    // Expiry and exam dates are the clinic's calendar days, not UTC's (5 pm in California is already tomorrow in UTC).
    today: day ?? (clinic ? todayIn(clinic.timezone) : today()),
    clinic: { state: clinic.state, wellnessWindowMonths: clinic.wellnessWindowMonths, wellnessPolicy: clinic.wellnessPolicy },
    patients: byId(patientRows),
    prescribers: byId(prescriberRows),
    medications,
    offers: byId(offerRows),
    pharmacies: byId<PharmacyContext>(pharmacies),
    prescriptions: byId<PrescriptionContext>(prescriptions),
    offersByMedication: indexOffersByMedication(offerRows),
  };
  return { ctx, ownerState, prescriberByUser };
}

/**
 * Everything the rules need for `lines` of `clinicId`'s cart, in six queries whatever the
 * number of lines. Pass the checkout's transaction as `db` to read what it will commit.
 */
export async function loadValidationContext(
  db: Db,
  clinicId: string,
  lines: ValidationLineInput[],
  today: string,
): Promise<ValidationContext> {
  return (await load(db, clinicId, lines, today)).ctx;
}

/** How many parsed SIGs the process keeps, at most twice over: a few busy clinics' carts. */
const SIG_CACHE_SIZE = 10_000;
let recentSigs = new Map<string, ParsedSig>();
let olderSigs = new Map<string, ParsedSig>();

/**
 * `parseSig`, remembered: a cart is revalidated after every change with nearly all its SIGs
 * unchanged, and `parseSig` is deterministic (its property test holds it to that), so each
 * distinct text is parsed once while it stays in use. Two generations instead of a strict LRU:
 * a hit costs one lookup, and texts unused for a whole generation are dropped together.
 */
function parsedSigOf(text: string): ParsedSig {
  let parsed = recentSigs.get(text);
  if (parsed) return parsed;
  parsed = olderSigs.get(text) ?? deepFreeze(parseSig(text));
  if (recentSigs.size >= SIG_CACHE_SIZE) {
    olderSigs = recentSigs;
    recentSigs = new Map();
  }
  recentSigs.set(text, parsed);
  return parsed;
}

/** Frozen, because every line with the same text shares the one parsed object. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Forgets every remembered SIG (benchmarks measure a cold start with it). */
export function clearSigCache(): void {
  recentSigs = new Map();
  olderSigs = new Map();
}

/** The lines as the rules see them. */
function buildLines(inputs: readonly ValidationLineInput[], loaded: Loaded): ValidationLine[] {
  const { ctx } = loaded;
  return inputs.map((input, index): ValidationLine => {
    const offer = ctx.offers[input.offerId];
    const line: ValidationLine = {
      patientId: input.patientId,
      offerId: input.offerId,
      // An unknown offer leaves these empty: `pharmacy.stock` reports it, the rest skip it.
      medicationId: offer?.medicationId ?? '',
      pharmacyId: offer?.pharmacyId ?? '',
      quantity: input.quantity,
      sig: input.sig,
      parsedSig: parsedSigOf(input.sig),
      prescriberId: input.prescriberId,
      shipTo: input.shipTo,
      shipState: input.shipState ?? shipStateOf(input, index, loaded),
      source: input.source ?? 'manual',
      unitPriceCentsWhenAdded: input.unitPriceCentsWhenAdded ?? offer?.unitPriceCents ?? 0,
      acknowledgedRules: input.acknowledgedRules ?? [],
    };
    // Optional fields are left out rather than set to undefined, as the contract has them.
    if (input.id !== undefined) line.id = input.id;
    if (input.prescriptionId) line.prescriptionId = input.prescriptionId;
    if (input.vetSignedOffBy) line.vetSignedOffBy = loaded.prescriberByUser.get(input.vetSignedOffBy) ?? input.vetSignedOffBy;
    return line;
  });
}

/** A draft's destination state: the clinic's, or the owner's address state. */
function shipStateOf(input: ValidationLineInput, index: number, loaded: Loaded): string {
  const clinicState = loaded.ctx.clinic.state;
  if (input.shipTo === 'clinic') return clinicState;
  // An unknown patient gets its `patient.active` error; the state does not matter then.
  if (!loaded.ownerState.has(input.patientId)) return clinicState;
  const state = loaded.ownerState.get(input.patientId);
  if (!state) {
    throw badRequest("The owner's address has no state on file, so a shipment to the owner cannot be checked.", {
      [`lines.${index}.shipTo`]: "the owner has no address state on file: ship to the clinic or add the owner's address",
    });
  }
  return state;
}

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
  vetSignoffBy: string | null;
  unitPriceCentsAtAdd: number | null;
  acknowledgements: { rule: string; userId: string; userName: string; at: string }[] | null;
};

/**
 * The cart and its live lines with their acknowledgements, in one query (a cart without lines
 * gives one row of nulls). Acknowledgements are grouped once for the cart's lines rather than
 * looked up line by line, which on a 1,000-line cart is most of the query's time.
 */
async function loadCartLines(db: Db, clinicId: string, cartId: string | undefined): Promise<StoredLineRow[]> {
  if (cartId !== undefined && !UUID.test(cartId)) throw notFound('Cart');
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
      'l.vetSignoffBy',
      'l.unitPriceCentsAtAdd',
      'acks.list as acknowledgements',
    ])
    .orderBy('l.position')
    .orderBy('l.createdAt')
    .orderBy('l.id')
    .execute();
}

/**
 * Validates the clinic's current cart (or `cartId`, any status, e.g. during checkout) line by
 * line: seven queries in all, whatever the number of lines. Inside checkout pass its
 * transaction as `tx`, so the findings judge exactly what will be paid for.
 */
export async function validateClinicCart(
  principal: Principal,
  opts: { tx?: Transaction<Database> | Kysely<Database>; cartId?: string } = {},
): Promise<ClinicCartValidation> {
  const clinicId = clinicScope(principal);
  const db = opts.tx ?? getDb();
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
    vetSignedOffBy: r.vetSignoffBy,
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

/**
 * A named user acknowledges a warning on a line of the clinic's current cart: stored once per
 * line and rule, audited with who, and the cart's fresh validation returned. Errors cannot be
 * acknowledged (422); an API key is not a named user (422); a warning the line no longer has
 * answers 409, since the cart changed since it was shown.
 */
export async function acknowledgeWarning(
  principal: Principal,
  input: { lineId: string; rule: string },
): Promise<ClinicCartValidation> {
  const clinicId = clinicScope(principal);
  if (principal.kind !== 'user') {
    throw new DomainError('unprocessable', 'A warning is acknowledged by a named user: sign in to acknowledge it.');
  }
  if (!(RULE_IDS as readonly string[]).includes(input.rule)) {
    throw badRequest('Unknown rule.', { rule: `must be one of ${RULE_IDS.join(', ')}` });
  }
  const rule = input.rule as RuleId;
  if (!UUID.test(input.lineId)) throw notFound('Cart line');
  return getDb().transaction().execute(async (tx) => {
    const line = await tx
      .selectFrom('cartLines as l')
      .innerJoin('carts as c', 'c.id', 'l.cartId')
      .select(['l.id', 'l.cartId'])
      .where('l.id', '=', input.lineId)
      .where('l.clinicId', '=', clinicId)
      .where('l.removedAt', 'is', null)
      .where('c.status', 'in', ['open', 'checking_out'])
      .executeTakeFirst();
    if (!line) throw notFound('Cart line');
    const validation = await validateClinicCart(principal, { tx, cartId: line.cartId });
    const findings = (validation.byLineId[line.id] ?? []).filter((f) => f.rule === rule);
    if (findings.length === 0) {
      throw conflict(`This line has no "${rule}" finding now; the cart changed since it was shown.`);
    }
    if (findings[0]!.severity === 'error') {
      throw new DomainError('unprocessable', `"${rule}" is an error here, not a warning: fix it, it cannot be acknowledged.`);
    }
    if (findings[0]!.acknowledged) return validation;
    const stored = await tx
      .insertInto('acknowledgements')
      .values({ cartLineId: line.id, clinicId, rule, userId: principal.userId })
      .onConflict((oc) => oc.columns(['cartLineId', 'rule']).doNothing())
      .returning('createdAt')
      .executeTakeFirst();
    await audit(tx, principal, {
      action: 'cart_line.warning_acknowledged',
      subjectType: 'cart_line',
      subjectId: line.id,
      clinicId,
      detail: { cartId: line.cartId, rule, messages: findings.map((f) => f.message) },
    });
    return markAcknowledged(validation, line.id, rule, {
      rule,
      userId: principal.userId,
      userName: principal.name,
      at: (stored?.createdAt ?? new Date()).toISOString(),
    });
  });
}

/** The validation with one more acknowledged warning, without loading the cart again. */
function markAcknowledged(validation: ClinicCartValidation, lineId: string, rule: RuleId, ack: Acknowledgement): ClinicCartValidation {
  let newlyAcknowledged = 0;
  const lines = validation.lines.map((line) => {
    if (line.lineId !== lineId) return line;
    const findings = line.findings.map((f) => {
      if (f.rule !== rule || f.acknowledged) return f;
      newlyAcknowledged++;
      return { ...f, acknowledged: true };
    });
    return { ...line, findings, acknowledgements: [...line.acknowledgements, ack] };
  });
  const byLineId: Record<string, Finding[]> = {};
  for (const line of lines) byLineId[line.lineId] = line.findings;
  return { ...validation, lines, byLineId, warningCount: validation.warningCount - newlyAcknowledged };
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
