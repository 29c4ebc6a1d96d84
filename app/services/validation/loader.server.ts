/**
 * The validation loader: fills a `ValidationContext` for a whole cart in a fixed number of
 * queries (never per line), and turns lines into what the pure rules in `validators/` read.
 *
 * Ids: a line's `prescriberId` and the context's prescriber keys are `prescribers.id` (what
 * cart lines store and `GET /api/v1/prescribers` lists), as are a prescription's and a
 * `request_renewal` fix's. A line's current sign-off (`line_signoffs`) names a
 * user; it counts only while the line's content hash matches, and is turned into that user's
 * prescriber id when the line is built (docs/validation.md, "Loader").
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import { packageSizeFromDescription } from '../../lib/package-size';
import { prescriberContextQuery, toPrescriberContext } from '../records/prescribers.server';
import { originalFillPending } from '../records/prescriptions.server';
import {
  indexOffersByMedication,
  type LineSource,
  type MedicationContext,
  type OfferContext,
  type PatientContext,
  type PharmacyContext,
  type PrescriberContext,
  type PrescriptionContext,
  type ValidationContext,
  type ValidationLine,
} from '../../../validators';
import { clinicDay } from '../platform/clock.server';
import { isUuid } from '../../../validators/vocabulary';
import { badRequest, notFound } from '../platform/errors';
import { parsedSigOf } from './sig-cache.server';

export type Db = Kysely<Database> | Transaction<Database>;

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
  /** User id (`users.id`) of the veterinarian whose sign-off of the line's present content stands. */
  vetSignedOffBy?: string | null;
  /** Name of who signed the line off before its content changed (that sign-off no longer stands). */
  staleSignoffBy?: string;
  /** Omitted: today's price of the offer (a draft cannot have seen another). */
  unitPriceCentsWhenAdded?: number;
  acknowledgedRules?: readonly string[];
};

/** A line of a cart that is validated without being stored (`POST /api/v1/validate`). */
export type DraftLine = Pick<ValidationLineInput, 'patientId' | 'offerId' | 'quantity' | 'sig' | 'prescriberId' | 'shipTo' | 'source' | 'prescriptionId'>;

/** The distinct well-formed ids among `values`: anything else cannot name a row, and must not reach a uuid cast. */
function uuids(values: Iterable<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const v of values) if (v && isUuid(v)) out.add(v.toLowerCase());
  return [...out];
}

/** A prototype-free map, so an id such as "constructor" finds nothing instead of Object's own. */
function byId<T extends { id: string }>(rows: Iterable<T>): Record<string, T> {
  const map: Record<string, T> = Object.create(null);
  for (const row of rows) map[row.id] = row;
  return map;
}

/** What the loader reads besides the context: lookups needed to build lines. */
export type Loaded = {
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
export async function load(db: Db, clinicId: string, lines: readonly ValidationLineInput[], day: string | undefined): Promise<Loaded> {
  const patientIds = uuids(lines.map((l) => l.patientId));
  const offerIds = uuids(lines.map((l) => l.offerId));
  const prescriptionIds = uuids(lines.map((l) => l.prescriptionId));
  // Every offer of every medication on the cart, so the rules can name an alternative.
  const cartMedications = sql`(select o2.medication_id from offers o2 where o2.id = any(${offerIds}::uuid[]))`;

  const [clinic, patients, prescribers, offers, pharmacies, prescriptions] = await Promise.all([
    db
      .selectFrom('clinics')
      .select(['state', 'wellnessWindowMonths', 'wellnessPolicy', 'weightWindowMonths', 'timezone'])
      .where('id', '=', clinicId)
      .executeTakeFirst(),
    db
      .selectFrom('patients as p')
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .select(['p.id', 'p.name', 'p.species', 'p.status', 'p.lastWellnessExamOn', 'p.weightKg', 'p.weightMeasuredOn', 'c.state as ownerState'])
      .where('p.clinicId', '=', clinicId)
      .where(sql<boolean>`p.id = any(${patientIds}::uuid[])`)
      .execute(),
    prescriberContextQuery(db, clinicId).execute(),
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
      // A prescription for a product outside the catalog has no medication id; no line can fill it.
      .select(['id', 'patientId', sql<string>`coalesce(medication_id::text, '')`.as('medicationId'), 'prescriberId', 'refillsAuthorized', 'refillsUsed', 'writtenOn', 'expiresOn', 'status', originalFillPending().as('originalFillPending')])
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
    return toPrescriberContext(p);
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
    today: day ?? clinicDay(clinic.timezone),
    clinic: { state: clinic.state, wellnessWindowMonths: clinic.wellnessWindowMonths, wellnessPolicy: clinic.wellnessPolicy, weightWindowMonths: clinic.weightWindowMonths },
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

/** The lines as the rules see them. */
export function buildLines(inputs: readonly ValidationLineInput[], loaded: Loaded): ValidationLine[] {
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
      parsedSig: parsedSigOf(input.sig, offer ? ctx.medications[offer.medicationId]?.form : undefined),
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
    if (input.staleSignoffBy) line.staleSignoffBy = input.staleSignoffBy;
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
