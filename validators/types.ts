/**
 * The contract of the validation pipeline: plain data in (one cart's lines and a context the
 * loader fills from Postgres in a fixed number of queries), plain data out (findings).
 * Nothing here knows about the database or the app.
 */
import type { ParsedSig } from './sig';
import type { IsoDate, PatientStatus, PrescriptionStatus, Species } from './vocabulary';

export type { ParsedSig };

/** A route of administration as `ParsedSig` names it. */
export type SigRoute = NonNullable<ParsedSig['route']>;

export type { IsoDate };

/** A US state, district or territory as its two-letter USPS code, e.g. `"CA"`. */
export type UsState = string;

/**
 * The finding rule ids of API.md, in its order. The order is also the order findings of the
 * same severity are listed in, so a technician sees SIG problems first, price changes last.
 */
export const RULE_IDS = [
  'sig.complete',
  'sig.duration',
  'sig.days_supply',
  'prescriber.license_state',
  'prescriber.dea',
  'controlled.needs_vet',
  'pharmacy.ship_state',
  'pharmacy.stock',
  'patient.active',
  'prescription.valid',
  'patient.wellness',
  'species.safety',
  'dose.range',
  'line.duplicate',
  'offer.price_changed',
] as const;

/** One of the finding rule ids of API.md. */
export type RuleId = (typeof RULE_IDS)[number];

/** `error` blocks checkout; `warning` must be acknowledged by a named user. */
export type Severity = 'error' | 'warning';

/**
 * What a finding can be: a rule's severity, or `info`, which tells the technician something
 * (a dose the reference cannot check) without blocking checkout or asking for acknowledgement.
 */
export type FindingSeverity = Severity | 'info';

/** A federal DEA schedule as a medication carries it (C-II to C-V); `null` = not controlled. */
export type ControlledSchedule = 'II' | 'III' | 'IV' | 'V';

/**
 * A schedule a DEA registration covers, as printed on the certificate: `II`/`III` are the
 * narcotic classes, `IIN`/`IIIN` the non-narcotic ones ("2N", "3N"). IV and V are not split.
 */
export type DeaRegistrationSchedule = 'II' | 'IIN' | 'III' | 'IIIN' | 'IV' | 'V';

/** How a line came into the cart. */
export type LineSource = 'manual' | 'quickfill' | 'reorder' | 'request';

/** A supported species (validators/vocabulary). */
export type { Species };

/** A unit a vial's contents are counted in, as the catalog states the package. */
export type PackageUnit = 'ml' | 'tablet' | 'capsule' | 'chew' | 'g';

/** What one vial (one unit of `quantity`) holds, e.g. 30 ml or 60 capsules. */
export type PackageSize = { amount: number; unit: PackageUnit };

/** One cart line as the rules see it. `quantity` counts vials, not doses. */
export type ValidationLine = {
  /** The stored cart line's id; absent for carts that are validated without being stored. */
  id?: string;
  patientId: string;
  offerId: string;
  /** The offer's medication (denormalised so rules need not go through the offer). */
  medicationId: string;
  /** The offer's pharmacy. */
  pharmacyId: string;
  /** Vials ordered. */
  quantity: number;
  /** The SIG as typed. */
  sig: string;
  /** `parseSig(sig)`, parsed once by whoever builds the line. */
  parsedSig: ParsedSig;
  prescriberId: string;
  /** Where the shipment goes: the clinic, or straight to the owner. */
  shipTo: 'clinic' | 'owner';
  /** The destination's state: the clinic's for `clinic`, the owner's address for `owner`. */
  shipState: UsState;
  source: LineSource;
  /** The prescription this line fills, when it fills one. */
  prescriptionId?: string;
  /**
   * The veterinarian whose sign-off of the line's present content stands (every controlled line
   * needs one), as a key of `ValidationContext.prescribers`. The database stores a user id; the
   * loader turns it into that user's prescriber id, and leaves it out when the line's content
   * no longer matches what was signed.
   */
  vetSignedOffBy?: string;
  /** Who signed the line off before its content changed: that sign-off no longer counts. */
  staleSignoffBy?: string;
  /** The offer's unit price when the line was added; compared with today's price. */
  unitPriceCentsWhenAdded: number;
  /** Rule ids of warnings a named user has acknowledged on this line. */
  acknowledgedRules: readonly string[];
};

/** The clinic whose cart is validated. */
export type ClinicContext = {
  /** The state the clinic practises in. */
  state: UsState;
  /** A wellness exam older than this many months is overdue (DESIGN default: 12). */
  wellnessWindowMonths: number;
  /** A weight measured longer ago than this many months is too old to dose by (default 6). */
  weightWindowMonths?: number;
  /** Whether an overdue wellness exam blocks checkout (`error`) or asks for acknowledgement. */
  wellnessPolicy: Severity;
};

export type PatientContext = {
  id: string;
  name: string;
  species: Species;
  status: PatientStatus;
  /** `null` when no wellness exam is on record. */
  lastWellnessExamOn: IsoDate | null;
  /** The latest weight; used to turn mg/kg doses into amounts and to check doses per kilogram. Null when unknown. */
  weightKg?: number | null;
  /** The day `weightKg` was measured; null when unknown. */
  weightMeasuredOn?: IsoDate | null;
};

/** A state licence to practise veterinary medicine. Active through `expiresOn` inclusive. */
export type PrescriberLicense = { state: UsState; number: string; expiresOn: IsoDate };

/** A DEA registration: one state, the schedules it covers. Active through `expiresOn` inclusive. */
export type DeaRegistration = {
  state: UsState;
  number: string;
  schedules: readonly DeaRegistrationSchedule[];
  expiresOn: IsoDate;
};

/**
 * A person who can appear as a line's prescriber or sign a line off. Its `id` is the prescriber
 * id (`prescribers.id`, what cart lines store); both `ValidationLine.prescriberId` and
 * `vetSignedOffBy` are looked up here. The loader puts in every prescriber of the clinic, not
 * only those on the cart, so a rule can name the veterinarian to ask for a renewal.
 */
export type PrescriberContext = {
  id: string;
  name: string;
  /** The user's role; only `veterinarian` may prescribe or sign off. */
  userRole: string;
  licenses: readonly PrescriberLicense[];
  deaRegistrations: readonly DeaRegistration[];
};

export type MedicationContext = {
  id: string;
  name: string;
  /** As the catalog states it, e.g. "10 mg/ml", "5 mg". Read for days-supply arithmetic. */
  strength: string;
  /** e.g. "oral suspension", "capsule", "transdermal gel". */
  form: string;
  controlledSchedule: ControlledSchedule | null;
  /**
   * Whether a C-II/C-III drug is a narcotic (needs `II`/`III` on the DEA registration) or not
   * (`IIN`/`IIIN`). Omitted: looked up by name in the DEA list, and if unknown, treated as
   * narcotic, the stricter reading.
   */
  narcotic?: boolean;
  compounded: boolean;
  coldChain: boolean;
  /** Active ingredients, lower or mixed case, e.g. ["methimazole"]. */
  ingredients: readonly string[];
  /** Vehicle and excipients, e.g. ["xylitol", "propylene glycol"]. */
  vehicle: readonly string[];
  /** What one vial holds when every offer of it is the same size; an offer may override it. */
  packageSize?: PackageSize | null;
};

export type OfferContext = {
  id: string;
  pharmacyId: string;
  medicationId: string;
  unitPriceCents: number;
  stockOnHand: number;
  /** Vials held for checkouts in progress; not available to this cart. */
  reserved: number;
  /** False when the pharmacy has withdrawn the offer. */
  available: boolean;
  /** What one vial of this offer holds; falls back to the medication's. */
  packageSize?: PackageSize | null;
};

/** A state a pharmacy is licensed to ship into, through `expiresOn` inclusive. */
export type PharmacyShipState = { state: UsState; expiresOn: IsoDate };

export type PharmacyContext = {
  id: string;
  name: string;
  shipStates: readonly PharmacyShipState[];
};

export type PrescriptionContext = {
  id: string;
  patientId: string;
  medicationId: string;
  /** Refills the prescriber allowed after the original fill. */
  refillsAuthorized: number;
  /** Refills already dispensed; each cart line on the prescription uses one more. */
  refillsUsed: number;
  /**
   * Written in vialcart and never filled: its original fill is still owed, one more fill than
   * its refills (docs/records.md). Absent for prescriptions that came filled (the PIMS, the demo).
   */
  originalFillPending?: boolean;
  writtenOn: IsoDate;
  /** Last day it may be filled (inclusive). */
  expiresOn: IsoDate;
  status: PrescriptionStatus;
  /**
   * The prescriber who wrote it. A line filling it must name the same one: a prescriber is
   * never swapped on someone else's prescription (docs/records.md). Unknown when omitted.
   */
  prescriberId?: string;
};

/**
 * Everything the rules read, for one whole cart. Maps are keyed by id. They hold at least
 * every row a line refers to; `offers` also holds every other offer of each medication on the
 * cart (with its pharmacy) so the stock and ship-state rules can name an alternative.
 */
export type ValidationContext = {
  /** Today in the clinic's time zone. Injected: rules never read the clock. */
  today: IsoDate;
  clinic: ClinicContext;
  patients: Readonly<Record<string, PatientContext>>;
  prescribers: Readonly<Record<string, PrescriberContext>>;
  medications: Readonly<Record<string, MedicationContext>>;
  offers: Readonly<Record<string, OfferContext>>;
  pharmacies: Readonly<Record<string, PharmacyContext>>;
  prescriptions: Readonly<Record<string, PrescriptionContext>>;
  /** Medication id → ids of all its offers (build with `indexOffersByMedication`). */
  offersByMedication: Readonly<Record<string, readonly string[]>>;
};

/** A SIG part a technician can add in the SIG editor. */
export type SigFixPart = 'dose' | 'route' | 'frequency' | 'duration';

/** A one-click fix the cart can offer next to a finding. */
export type Fix =
  | { kind: 'switch_offer'; offerId: string; pharmacyName: string }
  /**
   * Ask a veterinarian to renew the line's prescription (they write the renewal under their own
   * name): the prescription's prescriber while they can write it again, otherwise another
   * veterinarian of the clinic who can (`renewalPrescriber`).
   */
  | { kind: 'request_renewal'; prescriptionId: string; prescriberId: string; name: string }
  | { kind: 'edit_sig'; missing: SigFixPart[] }
  /** Record a new weight of the line's patient (the weight is missing or too old). */
  | { kind: 'record_weight'; patientId: string };

/** What a rule reports; the registry adds the rule id, severity and where it belongs. */
export type RuleFinding = {
  /** What is wrong, in words a technician reads. */
  message: string;
  /** How to fix it. */
  hint?: string;
  fix?: Fix;
  /**
   * Overrides the registered severity for this finding, for rules whose findings differ in
   * weight (`dose.range`: an error at 3× the range, a warning above it, info without a reference).
   */
  severity?: FindingSeverity;
};

/** One problem with one cart line. */
export type Finding = Omit<RuleFinding, 'severity'> & {
  rule: RuleId;
  severity: FindingSeverity;
  /** The line's position in the cart (0-based). */
  lineIndex: number;
  lineId?: string;
  /** True for a warning a user has acknowledged on the line; always false for errors. */
  acknowledged: boolean;
};

/**
 * The cart around the line a rule is checking, with totals computed once per cart so
 * cart-wide rules stay linear in the number of lines.
 */
export type CartView = {
  lines: readonly ValidationLine[];
  /** Position of the line being checked. */
  index: number;
  /** Vials the whole cart asks of each offer id. */
  vialsByOffer: ReadonlyMap<string, number>;
  /** Positions of the lines of each offer id. */
  linesByOffer: ReadonlyMap<string, readonly number[]>;
  /** Positions of the lines of each patient × medication (key: `cartKey(patientId, medicationId)`). */
  linesByPatientMedication: ReadonlyMap<string, readonly number[]>;
  /** Positions of the lines filling each prescription id. */
  linesByPrescription: ReadonlyMap<string, readonly number[]>;
};

/** The one signature of every rule: pure, reads only its arguments. */
export type RuleCheck = (
  line: ValidationLine,
  ctx: ValidationContext,
  cart: CartView,
) => RuleFinding[];
