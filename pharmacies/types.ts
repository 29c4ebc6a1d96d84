/**
 * The contract between vialcart and its partner pharmacies: the adapter interface each way of
 * connecting implements, the catalog feed a pharmacy sends us, the order document we send it.
 *
 * Everything that crosses the edge is a zod schema here, and the TypeScript types are inferred
 * from the schemas so the two never drift. The JSON Schema pharmacies read (issue 7's
 * `docs/pharmacy-api.md`) is to be generated from `orderDocumentV1Schema` and
 * `catalogFeedDocumentSchema` with `z.toJSONSchema(schema, { io: 'input' })`, which both support.
 */
import { z } from 'zod';
import { PHARMACY_EVENT_TYPES, US_STATE_CODES } from '../validators/vocabulary';

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** A USPS code of a state, DC or an inhabited territory, e.g. `"CA"`. */
export const usStateSchema = z.enum(US_STATE_CODES, {
  error: (issue) => `not a US state or territory code: ${JSON.stringify(issue.input)}`,
});

/** A DEA schedule, C-II to C-V, written as the roman numeral. */
export const controlledScheduleSchema = z.enum(['II', 'III', 'IV', 'V']);
/** A DEA schedule, C-II to C-V. */
export type ControlledSchedule = z.infer<typeof controlledScheduleSchema>;

const text = (max: number) => z.string().trim().min(1, 'is empty').max(max, `is longer than ${max} characters`);
const cents = z.int('must be a whole number of cents').min(0, 'must not be negative');
const count = (what: string) => z.int(`must be a whole number of ${what}`).min(0, 'must not be negative');
const isoDate = z.iso.date('must be a date as YYYY-MM-DD');
const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with a time zone' });

// ---------------------------------------------------------------------------------------------
// Catalog feed (pharmacy → vialcart)

/**
 * One offer in a pharmacy's catalog feed: one product in one package at one price.
 * The unit of sale is the vial (any dispensed container: vial, bottle, tube, blister card);
 * `unitPriceCents` and `stock` count vials.
 */
export const catalogFeedItemSchema = z.object({
  /** The pharmacy's own product code; unique within one pharmacy's feed. */
  sku: text(64),
  /** e.g. "Methimazole". */
  medicationName: text(200),
  /** e.g. "5 mg/ml", "10 mg". */
  strength: text(100),
  /** e.g. "transdermal gel", "oral suspension", "capsule". */
  form: text(100),
  /** What one vial is, e.g. "30 ml bottle", "30 capsules". */
  packageDescription: text(200),
  /** Vials are sold in packs of this many (order quantities are multiples of it); 1 when sold singly. */
  vialsPerPackage: z.int('must be a whole number').min(1, 'must be at least 1').default(1),
  /** Price of one vial, in cents. */
  unitPriceCents: cents,
  /** Vials on hand. */
  stock: count('vials'),
  /** Working days from receiving an order to shipping it. */
  turnaroundDays: count('days').max(60, 'must be at most 60 days'),
  /**
   * States this offer may ship into. `null` when the feed does not restrict it, meaning every
   * state the pharmacy is licensed for (the licence list, not the feed, is authoritative).
   */
  shipStates: z.array(usStateSchema).nullable().default(null),
  /** DEA schedule, or `null` when not controlled. */
  controlledSchedule: controlledScheduleSchema.nullable().default(null),
  /** Compounded under 503A (as opposed to a manufactured product the pharmacy also sells). */
  compounded: z.boolean().default(true),
  /** Must ship refrigerated; puts the pharmacy's cold-chain fee on the shipment. */
  coldChain: z.boolean().default(false),
  /** Flavours the pharmacy can compound it in, e.g. ["chicken", "tuna"]; empty when not flavoured. */
  flavors: z.array(text(60)).default([]),
  /** Species it is compounded for, lower case, e.g. ["cat", "dog"]; empty when unspecified. */
  speciesUse: z.array(text(40).toLowerCase()).default([]),
});
/** One offer of a catalog feed, as parsed (defaults filled in). */
export type CatalogFeedItem = z.infer<typeof catalogFeedItemSchema>;

/** The envelope of a JSON catalog feed; items are checked one by one (see `parseFeedItems`). */
export const catalogFeedEnvelopeSchema = z.object({
  schema: z.literal('vialcart.catalog.v1').optional(),
  /** The sending pharmacy's slug, checked against the pharmacy the feed is imported for. */
  pharmacySlug: text(100),
  generatedAt: isoDateTime,
  /**
   * `true`: the feed lists every offer, and offers missing from it become unavailable.
   * `false`: a partial update; offers not in it are left alone.
   */
  full: z.boolean(),
  items: z.array(z.unknown()),
});

/** The whole catalog feed document, every item valid: what a pharmacy should send. */
export const catalogFeedDocumentSchema = catalogFeedEnvelopeSchema.extend({
  items: z.array(catalogFeedItemSchema),
});
/** A catalog feed document as a pharmacy sends it. */
export type CatalogFeedDocument = z.infer<typeof catalogFeedDocumentSchema>;

/**
 * An item or row of a feed that was not imported, and why. Never silently dropped: it goes
 * into the import report.
 */
export type RejectedRow = {
  /**
   * Where it is, counted as a person counts: in a CSV file, the spreadsheet row number (the
   * header is row 1, so the first data row is row 2); in a JSON feed, the item's position
   * counting from 1 (`items[0]` is 1).
   */
  row: number;
  /** The column (CSV, as written in the header) or field path (JSON) at fault, when there is one. */
  field?: string;
  /** What is wrong, naming the column or field, e.g. `unit_price: must not be negative`. */
  reason: string;
};

/** A parsed catalog feed: its good items, and every bad one with its reason. */
export type CatalogFeed = {
  pharmacySlug: string;
  generatedAt: string;
  full: boolean;
  items: CatalogFeedItem[];
  rejected: RejectedRow[];
};

// ---------------------------------------------------------------------------------------------
// Order document `vialcart.order.v1` (vialcart → pharmacy)

/** A postal address in the US. */
export const addressSchema = z.object({
  line1: text(200),
  line2: z.string().trim().max(200).nullable().default(null),
  city: text(100),
  state: usStateSchema,
  postalCode: z.string().regex(/^\d{5}(-\d{4})?$/, 'must be a ZIP code (12345 or 12345-6789)'),
});
/** A US postal address. */
export type Address = z.infer<typeof addressSchema>;

/**
 * A SIG parsed by `validators/sig.ts` (`ParsedSig`, issue 5). Mirrored here rather than imported
 * so the published order schema is self-contained; `.loose()` keeps fields the parser may add
 * later instead of failing the delivery of an order over them.
 */
export const parsedSigSchema = z
  .object({
    complete: z.boolean(),
    missing: z.array(z.enum(['dose', 'route', 'frequency'])),
    dose: z
      .object({ amount: z.number().nonnegative(), amountMax: z.number().nonnegative().optional(), unit: z.string().optional() })
      .optional(),
    route: z
      .enum([
        'oral', 'topical', 'transdermal', 'ophthalmic', 'otic', 'subcutaneous', 'intramuscular',
        'intravenous', 'rectal', 'inhalation', 'nasal', 'buccal', 'sublingual', 'vaginal',
      ])
      .optional(),
    routeInferred: z.boolean().optional(),
    frequency: z
      .object({ count: z.number().positive(), period: z.number().positive(), periodUnit: z.enum(['h', 'd', 'wk', 'mo']) })
      .optional(),
    timesPerDay: z.number().nonnegative().optional(),
    asNeeded: z.boolean(),
    durationDays: z.number().nonnegative().optional(),
    site: z.string().optional(),
  })
  .loose();

/** A prescriber as the pharmacy needs them to fill without calling back. */
export const orderPrescriberSchema = z.object({
  id: text(100),
  name: text(200),
  /** The state veterinary licence that covers this order (the ship-to or clinic state). */
  license: z.object({ number: text(50), state: usStateSchema }),
  /** DEA registration number; required when any of the prescriber's lines is controlled. */
  deaNumber: z
    .string()
    .regex(/^[A-Z]{2}\d{7}$/, 'must be a DEA number: two letters and seven digits')
    .nullable()
    .default(null),
});

/** The patient (an animal) and its owner. */
export const orderPatientSchema = z.object({
  id: text(100),
  name: text(100),
  /** e.g. "cat", "dog". */
  species: text(40),
  sex: z.enum(['male', 'female', 'male_neutered', 'female_spayed', 'unknown']),
  birthDate: isoDate.nullable(),
  /** Latest recorded weight; pharmacies check mg/kg doses against it. */
  weightKg: z.number().positive().max(2000).nullable(),
  /** The day `weightKg` was measured; `null` when unknown (documents before it was sent carry none). */
  weightMeasuredOn: isoDate.nullable().optional(),
  owner: z.object({
    name: text(200),
    phone: z.string().trim().max(40).nullable().default(null),
    email: z.email().nullable().default(null),
  }),
});

/** Where the shipment goes: the clinic (office delivery) or the owner's address. */
export const shipToSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('clinic'),
    /** Name on the parcel, usually the clinic's. */
    name: text(200),
    /** "Attn:" line, e.g. the ordering technician. */
    attention: z.string().trim().max(200).nullable().default(null),
    address: addressSchema,
  }),
  z.object({
    kind: z.literal('owner'),
    name: text(200),
    phone: z.string().trim().max(40).nullable().default(null),
    address: addressSchema,
  }),
]);

/** One line of an order: one patient's medication. */
export const orderLineSchema = z.object({
  /** vialcart's order line id; pharmacies name it back in rejections. */
  lineId: text(100),
  patientId: text(100),
  prescriberId: text(100),
  product: z.object({ name: text(200), sku: text(64) }),
  strength: text(100),
  form: text(100),
  flavor: z.string().trim().max(60).nullable().default(null),
  /** How much to dispense: `value` of `unit` ("vial", or the package unit the SKU is sold in). */
  quantity: z.object({ value: z.number().positive(), unit: text(30) }),
  daysSupply: z.int().positive().nullable(),
  /** Refills the prescriber authorised after this fill. */
  refills: z.int().min(0),
  dateWritten: isoDate,
  sig: z.object({
    /** The directions as the prescriber wrote them; what goes on the label. */
    text: text(1000),
    /** The same, parsed; `null` when it was not parsed. */
    parsed: parsedSigSchema.nullable(),
  }),
  /** DEA schedule of the product, `null` when not controlled. */
  deaSchedule: controlledScheduleSchema.nullable(),
  /** The clinic needs it by this date; `null` when routine. */
  needByDate: isoDate.nullable(),
  /** The carrier must get a signature on delivery (controlled or cold-chain lines, or clinic policy). */
  signatureRequired: z.boolean(),
  /**
   * The dose the clinic's `dose.range` check computed, so the pharmacist sees the same figures:
   * milligrams of active ingredient per administration (the SIG's dose × the strength), per
   * kilogram of the weight used and per day (the SIG's frequency). A figure that cannot be
   * worked out without a guess is `null`; the whole object is `null` when no dose can be.
   */
  dose: z
    .object({
      mgPerAdministration: z.number().nonnegative().nullable(),
      mgPerKgPerAdministration: z.number().nonnegative().nullable(),
      mgPerKgPerDay: z.number().nonnegative().nullable(),
      /** The weight the figures per kilogram use, and the day it was measured. */
      weightUsed: z.object({ kg: z.number().positive().max(2000), measuredOn: isoDate.nullable() }).nullable(),
    })
    .nullable()
    .optional(),
  /**
   * Where this line goes when it is not the document's `shipTo` (one order holds every line of
   * a checkout for one pharmacy; lines shipped to different owners are separate parcels).
   * `null`: the document's `shipTo`.
   */
  shipTo: shipToSchema.nullable().default(null),
});

/**
 * The order document (`vialcart.order.v1`) POSTed to a REST pharmacy and shown in the portal:
 * one order of one pharmacy, with everything a pharmacist needs to fill it without calling the
 * clinic back (aligned with the content of an NCPDP SCRIPT NewRx).
 */
export const orderDocumentV1Schema = z
  .object({
    schema: z.literal('vialcart.order.v1'),
    /** `true` on a test order sent from the pharmacy's onboarding page ("send a test order"): check it and answer, never fill it. Absent on real orders. */
    test: z.literal(true).optional(),
    /** Unique per document sent; a re-sent document keeps it (NCPDP MessageID). */
    messageId: text(100),
    /** vialcart's order id; also the `Idempotency-Key` of the delivery. */
    orderId: text(100),
    createdAt: isoDateTime,
    pharmacy: z.object({ id: text(100), slug: text(100) }),
    clinic: z.object({
      id: text(100),
      name: text(200),
      phone: z.string().trim().max(40).nullable().default(null),
      email: z.email().nullable().default(null),
      address: addressSchema,
    }),
    shipTo: shipToSchema,
    prescribers: z.array(orderPrescriberSchema).min(1),
    patients: z.array(orderPatientSchema).min(1),
    lines: z.array(orderLineSchema).min(1),
  })
  .superRefine((doc, ctx) => {
    // References must resolve, and a controlled line must carry its prescriber's DEA number:
    // a pharmacy cannot fill a controlled prescription without it.
    const prescribers = new Map(doc.prescribers.map((p) => [p.id, p]));
    const patients = new Set(doc.patients.map((p) => p.id));
    doc.lines.forEach((line, i) => {
      const prescriber = prescribers.get(line.prescriberId);
      if (!prescriber) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'prescriberId'], message: `no prescriber ${line.prescriberId} in the document` });
      } else if (line.deaSchedule !== null && prescriber.deaNumber === null) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'deaSchedule'], message: `controlled line needs the DEA number of prescriber ${prescriber.name}` });
      }
      if (!patients.has(line.patientId)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'patientId'], message: `no patient ${line.patientId} in the document` });
      }
    });
  });
/** The order document as parsed (defaults filled in). */
export type OrderDocumentV1 = z.infer<typeof orderDocumentV1Schema>;
/** The order document as built before parsing (fields with defaults may be left out). */
export type OrderDocumentV1Input = z.input<typeof orderDocumentV1Schema>;

// ---------------------------------------------------------------------------------------------
// Status callbacks (pharmacy → vialcart, `POST /api/pharmacy/v1/orders/:id/events`)

/** A status change a pharmacy reports for an order (API.md, pharmacy API). */
export const orderStatusEventSchema = z
  .object({
    /** The pharmacy's id for this event; a replayed id returns the first answer. */
    eventId: text(200),
    type: z.enum(PHARMACY_EVENT_TYPES),
    reason: z.string().trim().min(1).max(1000).optional(),
    carrier: z.string().trim().min(1).max(60).optional(),
    trackingNumber: z.string().trim().min(1).max(100).optional(),
    expectedDelivery: isoDate.optional(),
  })
  .superRefine((event, ctx) => {
    if (event.type === 'rejected' && !event.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a rejection needs a reason' });
    }
    if (event.type === 'shipped') {
      if (!event.carrier) ctx.addIssue({ code: 'custom', path: ['carrier'], message: 'a shipment needs a carrier' });
      if (!event.trackingNumber) ctx.addIssue({ code: 'custom', path: ['trackingNumber'], message: 'a shipment needs a tracking number' });
    }
  });
/** A status change reported by a pharmacy. */
export type OrderStatusEvent = z.infer<typeof orderStatusEventSchema>;

// ---------------------------------------------------------------------------------------------
// Adapters

/** How a pharmacy connects. */
export type AdapterKind = 'rest' | 'portal' | 'csv-feed';

/**
 * One pharmacy's connection settings, as stored (secrets decrypted by the caller). Which fields
 * matter depends on the adapter; a missing one gives a clear failure, never a crash.
 */
export type PharmacySettings = {
  pharmacyId: string;
  slug: string;
  /** rest: where orders are POSTed. */
  orderEndpoint?: string | null;
  /** rest: the shared secret orders are signed with (`Vialcart-Signature`). */
  signingSecret?: string | null;
  /** rest: the JSON catalog feed's URL. */
  feedUrl?: string | null;
  /** rest: the key sent as `Authorization: Bearer` when fetching the feed. */
  apiKey?: string | null;
  /** csv-feed: the file the pharmacy drops its price list into. */
  feedPath?: string | null;
  /** csv-feed: whether the list is the whole catalog (default) or a partial update. */
  feedIsFull?: boolean;
  /** Bound on one HTTP exchange; default 10 s. */
  timeoutMs?: number;
};

/** What an adapter may use from its caller; injected so tests control time and the network. */
export type AdapterContext = {
  /** The clock (signatures are timestamped). */
  now: () => Date;
  /** HTTP client; the global `fetch` when omitted. */
  fetch?: typeof fetch;
  /** Cancels the work, e.g. when the job running it is stopped. */
  signal?: AbortSignal;
};

/**
 * The outcome of handing an order to a pharmacy.
 * - `delivered`: the pharmacy has it; do not send again.
 * - `retryable`: it may not have arrived (network, timeout, 408/429/5xx); send again later with
 *   the same `Idempotency-Key`. `retryAfterSeconds` is the pharmacy's own hint, when it gave one.
 * - `permanent`: sending again will not help (4xx, bad settings, invalid document); the order
 *   goes to `delivery_failed` for a person to look at.
 */
export type SubmitResult =
  | { outcome: 'delivered'; status?: number }
  | { outcome: 'retryable'; message: string; status?: number; retryAfterSeconds?: number }
  | { outcome: 'permanent'; message: string; status?: number };

/** The result of checking an inbound payload at the edge. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; fields: Record<string, string> };

/** One way a pharmacy connects; `pharmacies/registry.ts` returns one per kind. */
export interface PharmacyAdapter {
  kind: AdapterKind;
  /** Reads the pharmacy's catalog. Absent when the catalog reaches vialcart another way (admin upload). */
  fetchCatalog?(settings: PharmacySettings, ctx: AdapterContext): Promise<CatalogFeed>;
  /** Hands one order to the pharmacy. Never throws for a failed delivery: the result says what happened. */
  submitOrder(order: OrderDocumentV1, settings: PharmacySettings, ctx: AdapterContext): Promise<SubmitResult>;
  /** Checks a status callback's body (after its signature or key was checked). */
  parseStatusCallback?(body: unknown): ParseResult<OrderStatusEvent>;
}
