import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { CheckoutStatus, ExamKind, MovementKind, MovementState, OrderStatus, PatientSex, PatientStatus, PrescriptionStatus, RequestQueue, RequestStatus, Role, Species, WeightUnit } from '../validators/vocabulary';

/** A timestamptz column: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamptz column with a default (`now()`). */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A date column, read and written as 'YYYY-MM-DD' (db/client.ts keeps dates as strings). */
export type DateOnly = string;
/** A jsonb column: read as T, written as a JSON string (db/json.ts `json()`), since pg would turn arrays into Postgres arrays. */
export type Json<T> = ColumnType<T, string, string>;
/** A jsonb column with a default. */
export type JsonDefault<T> = ColumnType<T, string | undefined, string>;

export type { CheckoutStatus, ExamKind, MovementKind, MovementState, OrderStatus, PatientSex, PatientStatus, PrescriptionStatus, RequestStatus, Role, Species, WeightUnit };
export type DeaSchedule = 'II' | 'III' | 'IV' | 'V';
/** A request queue (validators/vocabulary). */
export type QueueName = RequestQueue;
export type LineSource = 'manual' | 'quickfill' | 'reorder' | 'request';
/** What a prescription's quantity counts. */
export type PrescriptionQuantityUnit = 'vial' | 'bottle' | 'ml' | 'g' | 'tablet' | 'capsule' | 'chew' | 'tube' | 'syringe' | 'patch';
/** Why staff asked for a renewal: the prescription expired, has no refills left, is no longer active, or its prescriber cannot sign for the line. */
export type RenewalReason = 'expired' | 'no_refills' | 'prescriber_license' | 'prescriber_dea' | 'not_active';

export interface ClinicsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string;
  state: string;
  postalCode: string;
  phone: string | null;
  email: string | null;
  timezone: Generated<string>;
  wellnessWindowMonths: Generated<number>;
  /** A weight older than this many months is too old to dose by (`dose.range`); default 6. */
  weightWindowMonths: Generated<number>;
  wellnessPolicy: Generated<'warning' | 'error'>;
  paymentTermsDays: Generated<number>;
  reminderLeadDays: Generated<number>;
  /** How many months a new prescription stays valid unless its veterinarian says otherwise (1–12). */
  prescriptionExpiryMonths: Generated<number>;
  platformFeeCents: Generated<number>;
  bookingUrl: string | null;
  escalationUserId: string | null;
  slaSettings: JsonDefault<Record<string, unknown>>;
  intakeSecret: string;
  stripeCustomerId: string | null;
  /** Set while the clinic is suspended: its users and API keys are refused, its data stays. */
  suspendedAt: Timestamp | null;
  /** How many months a new prescription is valid unless the veterinarian says otherwise. */
  rxExpiryMonths: Generated<number>;
  createdAt: CreatedAt;
}

export interface PharmaciesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  residentState: string;
  addressLine1: string | null;
  city: string | null;
  postalCode: string | null;
  phone: string | null;
  email: string | null;
  connectionKind: Generated<'rest' | 'portal'>;
  connectionSettings: JsonDefault<{ endpoint?: string; feedUrl?: string; feedKey?: string; timeoutMs?: number }>;
  webhookSecret: string;
  stripeAccountId: string | null;
  /** What Stripe last said of the connected account (account.updated); null until it has. */
  stripeChargesEnabled: boolean | null;
  stripePayoutsEnabled: boolean | null;
  stripeAccountCheckedAt: Timestamp | null;
  shippingCents: Generated<number>;
  coldChainFeeCents: Generated<number>;
  turnaroundDays: Generated<number>;
  active: Generated<boolean>;
  createdAt: CreatedAt;
  /** The resident state's 503A pharmacy licence number (set when the admin onboards it). */
  license503a: string | null;
  nabpNumber: string | null;
  /** Ten digits. */
  npi: string | null;
  contactName: string | null;
  /** The signing secret before the last rotation: still verifies inbound until `previousSecretExpiresAt`. */
  previousWebhookSecret: string | null;
  previousSecretExpiresAt: Timestamp | null;
  secretRotatedAt: Timestamp | null;
  updatedAt: CreatedAt;
}

export interface PharmacyShipLicensesTable {
  pharmacyId: string;
  state: string;
  licenseNumber: string;
  expiresOn: DateOnly;
}

/**
 * A person who signs in. Invited (not active, no password, not deactivated), active, or
 * deactivated (`deactivatedAt` set); only active users with a password may sign in.
 */
export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  passwordHash: string | null;
  role: Role;
  clinicId: string | null;
  pharmacyId: string | null;
  active: Generated<boolean>;
  deactivatedAt: Timestamp | null;
  createdAt: CreatedAt;
  lastLoginAt: Timestamp | null;
}

export interface SessionsTable {
  id: string;
  userId: string;
  data: JsonDefault<Record<string, unknown>>;
  expiresAt: Timestamp;
  userAgent: string | null;
  lastSeenAt: Timestamp | null;
  createdAt: CreatedAt;
}

/** A one-time setup link's token (only its hash), written at boot while no administrator exists. */
export interface SetupTokensTable {
  tokenHash: string;
  expiresAt: Timestamp;
  createdAt: CreatedAt;
}

/** An invitation link sent to an invited user (only the token's hash is stored). */
export interface InvitationsTable {
  id: Generated<string>;
  userId: string;
  tokenHash: string;
  invitedBy: string | null;
  expiresAt: Timestamp;
  acceptedAt: Timestamp | null;
  revokedAt: Timestamp | null;
  createdAt: CreatedAt;
}

/** A password-reset link (only the token's hash is stored). */
export interface PasswordResetsTable {
  id: Generated<string>;
  userId: string;
  tokenHash: string;
  expiresAt: Timestamp;
  usedAt: Timestamp | null;
  createdAt: CreatedAt;
}

export interface RateLimitsTable {
  bucket: string;
  count: number;
  resetAt: Timestamp;
}

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  keyHash: string;
  keyPrefix: string;
  clinicId: string | null;
  pharmacyId: string | null;
  createdAt: CreatedAt;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
  /** read: GET only; write: every method. */
  scope: Generated<ApiKeyScope>;
  createdBy: string | null;
  /** The key's hash before its last rotation: still accepted until `previousKeyExpiresAt`. */
  previousKeyHash: string | null;
  previousKeyExpiresAt: Timestamp | null;
  rotatedAt: Timestamp | null;
}

/** What an API key may do: `read` answers GET requests only, `write` every method. */
export type ApiKeyScope = 'read' | 'write';

export interface PrescribersTable {
  id: Generated<string>;
  clinicId: string;
  userId: string;
  name: string;
  createdAt: CreatedAt;
}

export interface PrescriberLicensesTable {
  id: Generated<string>;
  prescriberId: string;
  state: string;
  number: string;
  expiresOn: DateOnly;
}

export interface DeaRegistrationsTable {
  id: Generated<string>;
  prescriberId: string;
  state: string;
  number: string;
  schedules: string[];
  expiresOn: DateOnly;
}

export interface ClientsTable {
  id: Generated<string>;
  clinicId: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  emailOptIn: Generated<boolean>;
  smsOptIn: Generated<boolean>;
  preferredChannel: Generated<'email' | 'sms' | 'none'>;
  unsubscribedAt: Timestamp | null;
  pimsId: string | null;
  createdAt: CreatedAt;
  /** A second phone (E.164). */
  phone2: string | null;
  /** Set when this owner was merged into another: the survivor. Lists and searches skip merged owners. */
  mergedIntoId: string | null;
  mergedAt: Timestamp | null;
  /** Generated: lower-case name, phones, email and PIMS id, trigram-indexed for search. */
  searchText: ColumnType<string, never, never>;
}

export interface PatientsTable {
  id: Generated<string>;
  clinicId: string;
  clientId: string;
  name: string;
  species: Species;
  breed: string | null;
  sex: Generated<PatientSex>;
  birthDate: DateOnly | null;
  /** Whether `birthDate` was worked out from an age estimate. */
  birthDateEstimated: Generated<boolean>;
  /** The latest weight of `patient_weights` (cached by the records service with its history). */
  weightKg: number | null;
  /** When the latest weight was measured. */
  weightMeasuredOn: DateOnly | null;
  status: Generated<PatientStatus>;
  /** The date of death; only while `status` is `deceased`. */
  deceasedOn: DateOnly | null;
  /** The latest wellness exam of `patient_exams` (cached by the records service with its history). */
  lastWellnessExamOn: DateOnly | null;
  pimsId: string | null;
  allergies: string | null;
  notes: string | null;
  /** Set when this patient was merged into another: the survivor. Lists and searches skip merged patients. */
  mergedIntoId: string | null;
  mergedAt: Timestamp | null;
  /** Generated: lower-case name and PIMS id, trigram-indexed for search. */
  searchText: ColumnType<string, never, never>;
  createdAt: CreatedAt;
}

/** One weighing of a patient: kilograms, and what was typed. */
export interface PatientWeightsTable {
  id: Generated<string>;
  clinicId: string;
  patientId: string;
  kg: number;
  enteredValue: number;
  enteredUnit: WeightUnit;
  measuredOn: DateOnly;
  /** Why a weight outside the species' plausible range is right. */
  overrideReason: string | null;
  recordedBy: string | null;
  /** Who recorded it, as the history shows it ("Tina Morales (technician)", "API key 1a2b3c4d"). */
  recordedByLabel: string;
  createdAt: CreatedAt;
}

/** One exam of a patient; the latest `wellness` one is `patients.last_wellness_exam_on`. */
export interface PatientExamsTable {
  id: Generated<string>;
  clinicId: string;
  patientId: string;
  kind: Generated<ExamKind>;
  examinedOn: DateOnly;
  note: string | null;
  recordedBy: string | null;
  recordedByLabel: string;
  createdAt: CreatedAt;
}

export interface MedicationsTable {
  id: Generated<string>;
  name: string;
  strength: string;
  form: string;
  controlledSchedule: DeaSchedule | null;
  compounded: Generated<boolean>;
  coldChain: Generated<boolean>;
  speciesUse: Generated<string[]>;
  ingredients: Generated<string[]>;
  synonyms: Generated<string[]>;
  doseUnit: string | null;
  /** Generated: lower-case name, strength, form, species, synonyms and ingredients, trigram-indexed for catalog search. */
  searchText: ColumnType<string, never, never>;
  createdAt: CreatedAt;
}

export interface OffersTable {
  id: Generated<string>;
  pharmacyId: string;
  medicationId: string;
  sku: string;
  packageDescription: string;
  unitPriceCents: number;
  stockOnHand: number;
  reserved: Generated<number>;
  turnaroundDays: number;
  shipStates: string[] | null;
  flavors: Generated<string[]>;
  available: Generated<boolean>;
  priceUpdatedAt: CreatedAt;
  updatedAt: CreatedAt;
}

export interface CatalogImportsTable {
  id: Generated<string>;
  pharmacyId: string;
  source: 'json' | 'csv';
  fileName: string | null;
  status: Generated<'queued' | 'running' | 'succeeded' | 'failed'>;
  totalRows: Generated<number>;
  processedRows: Generated<number>;
  report: Json<Record<string, unknown>> | null;
  error: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  finishedAt: Timestamp | null;
  /** The CSV text of an upload or a dropped file (null for a JSON feed, which the job fetches). */
  input: string | null;
  /** How to import: `{ full, priceMoveThreshold }`. */
  options: JsonDefault<{ full?: boolean; priceMoveThreshold?: number }>;
}

export interface PrescriptionsTable {
  id: Generated<string>;
  clinicId: string;
  patientId: string;
  prescriberId: string;
  /** The catalog medication; null for a commercial product named in `medicationName`. */
  medicationId: string | null;
  /** A commercial product outside the catalog, as the veterinarian wrote it. */
  medicationName: string | null;
  sig: string;
  quantity: number;
  /** What `quantity` counts (vials of a catalog product by default). */
  quantityUnit: Generated<PrescriptionQuantityUnit>;
  refillsAuthorized: number;
  refillsUsed: Generated<number>;
  writtenOn: DateOnly;
  expiresOn: DateOnly;
  status: Generated<PrescriptionStatus>;
  lastDoseChangeOn: DateOnly | null;
  standingOrder: Generated<boolean>;
  /** The prescription this one renews (that one is now `superseded`). */
  supersedesId: string | null;
  /** The veterinarian's user who wrote it in the app (null for imported and seeded ones). */
  writtenBy: string | null;
  discontinuedAt: Timestamp | null;
  discontinuedBy: string | null;
  discontinuedReason: string | null;
  createdAt: CreatedAt;
}

/** A veterinarian's batch of renewal requests, waiting with the veterinarian-review queue's service level. */
export interface RenewalBatchesTable {
  id: Generated<string>;
  clinicId: string;
  /** The veterinarian asked. */
  prescriberId: string;
  status: Generated<'open' | 'done'>;
  dueAt: Timestamp;
  remindAt: Timestamp;
  escalateAt: Timestamp;
  remindedAt: Timestamp | null;
  escalatedAt: Timestamp | null;
  createdAt: CreatedAt;
  closedAt: Timestamp | null;
}

/** One prescription staff asked a veterinarian to renew. */
export interface RenewalRequestsTable {
  id: Generated<string>;
  clinicId: string;
  batchId: string;
  prescriptionId: string;
  patientId: string;
  reason: RenewalReason;
  note: string | null;
  cartLineId: string | null;
  requestedBy: string | null;
  status: Generated<'open' | 'renewed' | 'declined' | 'cancelled'>;
  /** The new prescription, once renewed. */
  renewalId: string | null;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
  declineReason: string | null;
  createdAt: CreatedAt;
}

export interface CartsTable {
  id: Generated<string>;
  clinicId: string;
  name: string | null;
  status: Generated<'open' | 'checking_out' | 'checked_out' | 'abandoned'>;
  version: Generated<number>;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export interface CartLinesTable {
  id: Generated<string>;
  cartId: string;
  clinicId: string;
  version: Generated<number>;
  patientId: string;
  offerId: string;
  quantity: number;
  sig: string;
  prescriberId: string;
  shipTo: 'clinic' | 'owner';
  shipState: string;
  flavor: string | null;
  needBy: DateOnly | null;
  source: Generated<LineSource>;
  prescriptionId: string | null;
  unitPriceCentsAtAdd: number;
  returnedReason: string | null;
  /** The clinic pinned the line: "Optimise pharmacies" never moves it (docs/optimizer.md). */
  optimizerPinned: Generated<boolean>;
  removedAt: Timestamp | null;
  position: Generated<number>;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

/** One line an applied optimisation moved: the offer (and price at add) it had before, and the line version it left. */
export type OptimizationMoveRecord = { lineId: string; fromOfferId: string; toOfferId: string; fromUnitPriceCentsAtAdd: number; lineVersion: number; reason: string };

/**
 * An applied "Optimise pharmacies" (docs/optimizer.md): the moves with what each line had
 * before, so the latest one can be undone as one more change of the cart.
 */
export interface CartOptimizationsTable {
  id: Generated<string>;
  clinicId: string;
  cartId: string;
  appliedBy: string | null;
  appliedAt: CreatedAt;
  /** The cart version the optimisation left. */
  cartVersion: number;
  solver: string;
  totalBeforeCents: number;
  totalAfterCents: number;
  moves: Json<OptimizationMoveRecord[]>;
  undoneAt: Timestamp | null;
  undoneBy: string | null;
}

/** The DEA registration a sign-off of a controlled line relied on. */
export type SignoffDea = { state: string; number: string; schedules: string[] };

/**
 * A veterinarian's sign-off of a cart line, bound to the content signed (docs/signoff.md):
 * `content` is the canonical snapshot and `contentHash` its SHA-256. At most one current
 * (uncleared) row per line; a change of a bound field clears it.
 */
export interface LineSignoffsTable {
  id: Generated<string>;
  clinicId: string;
  cartLineId: string;
  userId: string;
  prescriberId: string | null;
  contentHash: string;
  content: Json<Record<string, unknown>>;
  deaRegistration: ColumnType<SignoffDea | null, string | null | undefined, string | null>;
  signedAt: CreatedAt;
  clearedAt: Timestamp | null;
  clearedBy: string | null;
  clearedReason: string | null;
}

export interface AcknowledgementsTable {
  id: Generated<string>;
  cartLineId: string;
  clinicId: string;
  rule: string;
  userId: string;
  createdAt: CreatedAt;
}

export interface CheckoutsTable {
  id: Generated<string>;
  clinicId: string;
  cartId: string;
  cartVersion: number;
  status: Generated<CheckoutStatus>;
  provider: 'stripe' | 'invoice';
  idempotencyKey: string;
  amountCents: number;
  createdBy: string | null;
  createdAt: CreatedAt;
  expiresAt: Timestamp | null;
  paidAt: Timestamp | null;
  /** The priced cart as charged (app/services/checkout/model.ts `CheckoutPlan`), kept until a later confirmation splits it; null for invoices, split at once. */
  plan: Json<unknown> | null;
  /** Why the checkout ended without orders (expired, the provider refused it). */
  failureReason: string | null;
  /** How many times the payment page was made again with a fresh expiry (0: the first one). */
  paymentAttempt: Generated<number>;
}

export interface PaymentsTable {
  id: Generated<string>;
  clinicId: string;
  checkoutId: string;
  provider: 'stripe' | 'invoice';
  status: Generated<'pending' | 'succeeded' | 'failed' | 'expired' | 'refunded' | 'partially_refunded'>;
  amountCents: number;
  refundedCents: Generated<number>;
  stripeSessionId: string | null;
  stripePaymentIntentId: string | null;
  stripeChargeId: string | null;
  transferGroup: string | null;
  invoiceNumber: string | null;
  dueOn: DateOnly | null;
  redirectUrl: string | null;
  createdAt: CreatedAt;
  confirmedAt: Timestamp | null;
}

export interface StockReservationsTable {
  id: Generated<string>;
  checkoutId: string;
  offerId: string;
  quantity: number;
  status: Generated<'held' | 'committed' | 'released'>;
  createdAt: CreatedAt;
}

export interface OrdersTable {
  id: Generated<string>;
  clinicId: string;
  checkoutId: string;
  pharmacyId: string;
  status: Generated<OrderStatus>;
  /** How the pharmacy is paid, decided when it accepts: by Stripe transfer, or on account (its account cannot receive transfers). Null before. */
  pharmacyPayout: 'transfer' | 'on_account' | null;
  subtotalCents: number;
  shippingCents: number;
  feesCents: number;
  platformFeeCents: number;
  totalCents: number;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  expectedDelivery: DateOnly | null;
  rejectionReason: string | null;
  deliveryAttempts: Generated<number>;
  lastDeliveryError: string | null;
  deliveredToPharmacyAt: Timestamp | null;
  /** Start of the current delivery's 24 h retry window (reset by "Retry now"). */
  deliveryWindowStartedAt: Timestamp | null;
  /** When the next delivery attempt is due, while one is scheduled. */
  nextDeliveryAt: Timestamp | null;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

/** One attempt to hand an order to its pharmacy (REST POST or portal), kept for the delivery log. */
export interface OrderDeliveryAttemptsTable {
  id: Generated<string>;
  orderId: string;
  attempt: number;
  outcome: 'delivered' | 'retryable' | 'permanent';
  httpStatus: number | null;
  message: string | null;
  durationMs: number;
  at: CreatedAt;
}

export interface OrderLinesTable {
  id: Generated<string>;
  orderId: string;
  clinicId: string;
  cartLineId: string | null;
  patientId: string;
  prescriptionId: string | null;
  offerId: string;
  medicationId: string;
  prescriberId: string;
  quantity: number;
  sig: string;
  sigParsed: Json<Record<string, unknown>>;
  shipTo: 'clinic' | 'owner';
  shipState: string;
  unitPriceCents: number;
  lineTotalCents: number;
  landedCostCents: number;
  snapshot: Json<Record<string, unknown>>;
  filledOn: DateOnly | null;
  daysSupply: number | null;
  createdAt: CreatedAt;
}

export interface OrderEventsTable {
  id: Generated<string>;
  orderId: string;
  eventId: string | null;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  expectedDelivery: DateOnly | null;
  actor: string;
  response: Json<Record<string, unknown>> | null;
  at: CreatedAt;
  /** Insertion order: the history sorts by (at, seq). */
  seq: Generated<number>;
}

/**
 * One money movement of a checkout with its current state (docs/money.md): the charge, an
 * order's platform fee, a refund, a transfer to a pharmacy or its reversal. Only the state, the
 * Stripe id (once) and what goes with them change, along the transitions a trigger allows;
 * every change is written to `ledger_entries` by another trigger. Never deleted.
 */
export interface PaymentMovementsTable {
  id: Generated<string>;
  paymentId: string;
  checkoutId: string;
  clinicId: string;
  orderId: string | null;
  kind: MovementKind;
  provider: 'stripe' | 'invoice';
  amountCents: number;
  /** Names the movement once and for all (`refund:<order id>`); Stripe's Idempotency-Key for its request. */
  idempotencyKey: string;
  /** Stripe's id: PaymentIntent (charge), Refund, Transfer or Transfer Reversal. */
  externalId: string | null;
  status: Generated<MovementState>;
  /** Stripe's own word for a state that is not final (a refund `requires_action`). */
  providerStatus: string | null;
  /** Why the last change happened (copied into its ledger entry). */
  note: string | null;
  attempts: Generated<number>;
  /** Since when a request is on its way (`sending`): a stale one is looked up. */
  sendingSince: Timestamp | null;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

/** The append-only history of every movement: one row per movement created and per change of its state or Stripe id. */
export interface LedgerEntriesTable {
  seq: Generated<number>;
  movementId: string;
  checkoutId: string;
  clinicId: string;
  orderId: string | null;
  kind: MovementKind;
  provider: 'stripe' | 'invoice';
  amountCents: number;
  state: MovementState;
  previousState: MovementState | null;
  stripeId: string | null;
  providerStatus: string | null;
  note: string | null;
  at: CreatedAt;
}

/** One comparison of the ledger with Stripe's own lists for a period, and what differed. */
export interface ReconciliationRunsTable {
  id: Generated<string>;
  periodFrom: Timestamp;
  periodTo: Timestamp;
  startedBy: string;
  startedAt: CreatedAt;
  finishedAt: Timestamp | null;
  status: Generated<'running' | 'done' | 'failed'>;
  counts: JsonDefault<Record<string, number>>;
  differences: JsonDefault<unknown[]>;
  error: string | null;
  mailStatus: 'sent' | 'outbox' | 'not_needed' | 'failed' | null;
  mailedTo: Generated<string[]>;
}

export interface RefillRequestsTable {
  id: Generated<string>;
  clinicId: string;
  reference: string;
  channel: 'web' | 'sms' | 'pims' | 'api' | 'phone' | 'reminder';
  raw: Json<Record<string, unknown>>;
  ownerName: string;
  ownerPhone: string | null;
  ownerEmail: string | null;
  patientName: string;
  medicationText: string;
  dosesLeft: number | null;
  urgency: Generated<'routine' | 'today' | 'soon'>;
  smsConsent: Generated<boolean>;
  note: string | null;
  clientId: string | null;
  patientId: string | null;
  prescriptionId: string | null;
  candidates: JsonDefault<unknown[]>;
  eligibility: JsonDefault<{ check: string; ok: boolean; detail: string }[]>;
  queue: QueueName;
  status: Generated<RequestStatus>;
  dueAt: Timestamp;
  /** When the reminder to the assignee falls due (the target; 30 min for urgent). */
  remindAt: Timestamp | null;
  /** When the request escalates to the clinic's escalation contact (4 h, or the target if later). */
  escalateAt: Timestamp | null;
  assignedTo: string | null;
  remindedAt: Timestamp | null;
  escalatedAt: Timestamp | null;
  ownerCalledAt: Timestamp | null;
  acknowledgedAt: Timestamp | null;
  decidedBy: string | null;
  decidedAt: Timestamp | null;
  decisionReason: string | null;
  cartLineId: string | null;
  createdAt: CreatedAt;
}

/**
 * A message in the outbox: to an owner (`audience` owner, always a clinic's), or an account
 * email to a staff member (`audience` staff: invitation, password reset), whose link is kept
 * sealed (`sealedLink`) until it is delivered.
 */
export interface NotificationsTable {
  id: Generated<string>;
  clinicId: string | null;
  audience: Generated<'owner' | 'staff'>;
  pharmacyId: string | null;
  userId: string | null;
  sealedLink: string | null;
  clientId: string | null;
  channel: 'email' | 'sms';
  template: string;
  toAddress: string;
  subject: string | null;
  body: string;
  html: string | null;
  status: Generated<'pending' | 'sent' | 'failed' | 'suppressed' | 'outbox'>;
  attempts: Generated<number>;
  lastError: string | null;
  refillRequestId: string | null;
  orderId: string | null;
  patientId: string | null;
  dedupeKey: string | null;
  sendAfter: CreatedAt;
  sentAt: Timestamp | null;
  createdAt: CreatedAt;
  /** The caller's template values, kept so a fallback (an undelivered text → email) can be written again. */
  data: JsonDefault<Record<string, unknown>>;
  /** Who carried it ('twilio') and its id there (the Message SID). */
  provider: string | null;
  providerMessageId: string | null;
  /** What the carrier reported last (Twilio's status callbacks); null before the hand-over. */
  deliveryStatus: SmsDeliveryStatus | null;
  deliveryErrorCode: number | null;
  deliveryUpdatedAt: Timestamp | null;
  /** SMS: how many segments the body takes, and in which encoding. */
  segments: number | null;
  encoding: 'GSM-7' | 'UCS-2' | null;
  /** The text this email replaces when that text was not delivered. */
  fallbackOfId: string | null;
}

/** A text's delivery state as Twilio reports it (status callbacks). */
export type SmsDeliveryStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/** A clinic's texting setup (docs/sms.md); secrets are sealed, never stored in full. */
export interface ClinicSmsSettingsTable {
  clinicId: string;
  phoneNumber: string | null;
  messagingServiceSid: string | null;
  accountSid: string | null;
  authTokenSealed: string | null;
  authTokenHint: string | null;
  apiKeySid: string | null;
  apiKeySecretSealed: string | null;
  apiKeySecretHint: string | null;
  quietStart: Generated<string>;
  quietEnd: Generated<string>;
  updatedBy: string | null;
  updatedAt: CreatedAt;
}

/** One consent event for a phone number at a clinic (append-only; the latest one decides). */
export interface SmsConsentsTable {
  id: Generated<string>;
  clinicId: string;
  phone: string;
  action: 'opt_in' | 'opt_out';
  source: 'web_form' | 'keyword' | 'staff' | 'api';
  keyword: string | null;
  consentText: string | null;
  clientId: string | null;
  refillRequestId: string | null;
  messageSid: string | null;
  createdAt: CreatedAt;
}

/** A text received at a clinic's number, once per Twilio MessageSid, with what was answered. */
export interface SmsMessagesTable {
  messageSid: string;
  id: Generated<string>;
  clinicId: string;
  fromPhone: string;
  toPhone: string;
  body: string;
  kind: 'request' | 'answer' | 'keyword' | 'ignored';
  keyword: string | null;
  refillRequestId: string | null;
  reply: string | null;
  question: string | null;
  createdAt: CreatedAt;
}

/** A clinic's wording of one owner message (template × channel); defaults live in code. */
export interface NotificationTemplatesTable {
  clinicId: string;
  template: string;
  channel: 'email' | 'sms';
  subject: string | null;
  body: string;
  updatedBy: string | null;
  updatedAt: CreatedAt;
}

export interface RefillRemindersTable {
  id: Generated<string>;
  clinicId: string;
  prescriptionId: string;
  dueOn: DateOnly;
  remindOn: DateOnly;
  status: Generated<'scheduled' | 'sent' | 'suppressed'>;
  reason: string | null;
  notificationId: string | null;
  createdAt: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<number>;
  clinicId: string | null;
  pharmacyId: string | null;
  actorType: 'user' | 'api_key' | 'owner' | 'pharmacy' | 'system';
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string;
  detail: JsonDefault<Record<string, unknown>>;
  at: CreatedAt;
}

export interface ProcessedWebhookEventsTable {
  provider: string;
  eventId: string;
  type: string;
  receivedAt: CreatedAt;
}

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  requestHash: string;
  response: Json<unknown>;
  createdAt: CreatedAt;
}

/** The whole vialcart database, as Kysely sees it (camelCase; CamelCasePlugin maps to snake_case). */
export interface Database {
  clinics: ClinicsTable;
  pharmacies: PharmaciesTable;
  pharmacyShipLicenses: PharmacyShipLicensesTable;
  users: UsersTable;
  sessions: SessionsTable;
  setupTokens: SetupTokensTable;
  invitations: InvitationsTable;
  passwordResets: PasswordResetsTable;
  rateLimits: RateLimitsTable;
  apiKeys: ApiKeysTable;
  prescribers: PrescribersTable;
  prescriberLicenses: PrescriberLicensesTable;
  deaRegistrations: DeaRegistrationsTable;
  clients: ClientsTable;
  patients: PatientsTable;
  patientWeights: PatientWeightsTable;
  patientExams: PatientExamsTable;
  medications: MedicationsTable;
  offers: OffersTable;
  catalogImports: CatalogImportsTable;
  prescriptions: PrescriptionsTable;
  renewalBatches: RenewalBatchesTable;
  renewalRequests: RenewalRequestsTable;
  carts: CartsTable;
  cartLines: CartLinesTable;
  lineSignoffs: LineSignoffsTable;
  cartOptimizations: CartOptimizationsTable;
  acknowledgements: AcknowledgementsTable;
  checkouts: CheckoutsTable;
  payments: PaymentsTable;
  stockReservations: StockReservationsTable;
  orders: OrdersTable;
  orderLines: OrderLinesTable;
  orderEvents: OrderEventsTable;
  orderDeliveryAttempts: OrderDeliveryAttemptsTable;
  paymentMovements: PaymentMovementsTable;
  ledgerEntries: LedgerEntriesTable;
  reconciliationRuns: ReconciliationRunsTable;
  refillRequests: RefillRequestsTable;
  notifications: NotificationsTable;
  notificationTemplates: NotificationTemplatesTable;
  clinicSmsSettings: ClinicSmsSettingsTable;
  smsConsents: SmsConsentsTable;
  smsMessages: SmsMessagesTable;
  refillReminders: RefillRemindersTable;
  auditEvents: AuditEventsTable;
  processedWebhookEvents: ProcessedWebhookEventsTable;
  idempotencyKeys: IdempotencyKeysTable;
}

export type Clinic = Selectable<ClinicsTable>;
export type NewClinic = Insertable<ClinicsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Pharmacy = Selectable<PharmaciesTable>;
export type Patient = Selectable<PatientsTable>;
export type Client = Selectable<ClientsTable>;
export type Medication = Selectable<MedicationsTable>;
export type Offer = Selectable<OffersTable>;
export type OfferUpdate = Updateable<OffersTable>;
export type Prescription = Selectable<PrescriptionsTable>;
export type Cart = Selectable<CartsTable>;
export type CartLine = Selectable<CartLinesTable>;
export type NewCartLine = Insertable<CartLinesTable>;
export type CartLineUpdate = Updateable<CartLinesTable>;
export type Order = Selectable<OrdersTable>;
export type OrderLine = Selectable<OrderLinesTable>;
export type RefillRequest = Selectable<RefillRequestsTable>;
export type Notification = Selectable<NotificationsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type NewAuditEvent = Insertable<AuditEventsTable>;
