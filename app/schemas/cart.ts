import { z } from 'zod';
import { INT32_MAX, isCalendarDate, versionField } from './fields';

/**
 * The cart's request shapes, shared by the refill-day page (react-hook-form + the action) and
 * the JSON API (`/api/v1/carts/current…`), so the browser, the form action and the API accept
 * exactly the same input.
 */

// Record ids are UUIDs; z.uuid() is the same strict check services make (validators/vocabulary/ids.ts).
const id = (what: string) => z.uuid({ message: `Choose a ${what}.` });

/** A 'YYYY-MM-DD' date, or empty for none. */
const optionalDate = z
  .string()
  .trim()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'Use a date like 2026-12-01.')
  .refine((v) => v === '' || isCalendarDate(v), 'That day is not on the calendar: use a date like 2026-12-01.')
  .optional()
  .nullable()
  .transform((v) => (v ? v : null));

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null));

export const quantitySchema = z.coerce
  .number({ message: 'Enter the number of vials.' })
  .int('Enter a whole number of vials.')
  .min(1, 'At least 1 vial.')
  .max(10_000, 'At most 10,000 vials on one line.');

export const sigSchema = z.string({ message: 'Enter the directions (SIG).' }).trim().min(1, 'Enter the directions (SIG).').max(1_000, 'Keep the SIG under 1,000 characters.');

export const shipToSchema = z.enum(['clinic', 'owner'], { message: 'Ship to the clinic or the owner.' });

export const lineSourceSchema = z.enum(['manual', 'quickfill', 'reorder', 'request']);

/** One line to add (API body item and the fast-entry row). */
export const newCartLineSchema = z.object({
  patientId: id('patient'),
  offerId: id('medication and pharmacy'),
  quantity: quantitySchema,
  sig: sigSchema,
  prescriberId: id('prescriber'),
  shipTo: shipToSchema.default('clinic'),
  source: lineSourceSchema.optional(),
  prescriptionId: z.uuid().optional().nullable().or(z.literal('').transform(() => null)),
  flavor: optionalText(60),
  needBy: optionalDate,
});
export type NewCartLineBody = z.output<typeof newCartLineSchema>;

/** `POST /api/v1/carts/current/lines`: one or many lines, all or nothing. */
export const addCartLinesSchema = z.object({
  lines: z.array(newCartLineSchema).min(1, 'Send at least one line.').max(500, 'Send at most 500 lines at once.'),
});

/** The fields of a line that can be edited in place. */
export const cartLineEditSchema = z.object({
  quantity: quantitySchema,
  sig: sigSchema,
  prescriberId: id('prescriber'),
  shipTo: shipToSchema,
  flavor: optionalText(60),
  needBy: optionalDate,
});
export type CartLineEdit = z.output<typeof cartLineEditSchema>;

/** `PATCH /api/v1/carts/current/lines/:id`: the version read, and any editable fields (or `offerId` to switch pharmacy). */
export const updateCartLineSchema = cartLineEditSchema.partial().extend({
  version: versionField('Send the version of the line you edited.'),
  offerId: id('medication and pharmacy').optional(),
});
export type UpdateCartLineBody = z.output<typeof updateCartLineSchema>;

/** `POST /api/v1/carts/current/acknowledgements`. */
export const acknowledgementSchema = z.object({
  lineId: id('cart line'),
  rule: z.string().min(1).max(60),
  /** An API key acknowledges in the name of this user of the clinic (docs/roles.md). */
  actingUserId: z.uuid({ message: 'Give a user id of this clinic.' }).optional(),
});

/** `POST /api/v1/carts/current/lines/:id/signoff`: what the veterinarian was shown (content hash or line version). */
export const lineSignoffSchema = z.object({
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'The content hash is the 64 hex digits the cart shows for the line.').optional(),
  version: versionField('Send the version of the line shown.').optional(),
  /** An API key signs off in the name of this veterinarian of the clinic. */
  actingUserId: z.uuid({ message: 'Give a user id of this clinic.' }).optional(),
});
export type LineSignoffBody = z.output<typeof lineSignoffSchema>;

/** The refill-day page's "Sign off" on one line: the line and the content hash shown. */
export const lineSignoffFormSchema = z.object({
  lineId: id('cart line'),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'Reload the cart: the line changed.'),
});

/** The inline edit form of one line on the refill-day page (strings from FormData). */
export const lineEditFormSchema = cartLineEditSchema.extend({
  lineId: id('cart line'),
  version: versionField('Reload the page: the line version is missing.'),
});

/** The keyboard fast-entry row. */
export const fastEntryFormSchema = newCartLineSchema.pick({ patientId: true, offerId: true, quantity: true, sig: true, prescriberId: true, shipTo: true, prescriptionId: true }).extend({
  patientId: z.uuid({ message: 'Pick a patient from the list.' }),
  offerId: z.uuid({ message: 'Pick a medication from the list.' }),
});

/**
 * `POST /api/v1/carts/current/optimize`: a proposal (`dryRun`, the default), or with
 * `dryRun:false` and the cart `version` the proposal applied.
 */
export const optimizeCartSchema = z
  .object({
    dryRun: z.boolean().optional().default(true),
    pinnedLineIds: z.array(id('cart line')).max(10_000).optional().default([]),
    version: z.number().int().min(0).max(INT32_MAX).optional(),
    maxPharmacies: z.number().int().min(1).max(100).optional(),
    /** The proposal's `fingerprint`: applying refuses (409) when the proposal is another one by now. */
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'Send the fingerprint of the proposal as it was answered.').optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.dryRun && v.version === undefined) ctx.addIssue({ code: 'custom', path: ['version'], message: 'Send the cart version the proposal was made for.' });
  });

/** `POST /api/v1/carts/current/optimize/undo`: the optimisation an apply answered (`optimizationId`). */
export const undoOptimizationSchema = z.object({ optimizationId: id('optimisation to undo') });
