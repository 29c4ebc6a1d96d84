import { z } from 'zod';
import { fastEntryFormSchema, lineEditFormSchema } from './cart';
import { INT32_MAX } from './fields';
import { weightValue } from './patients';
import { WEIGHT_UNITS } from '../../validators/vocabulary';

/**
 * What the refill-day pages post, one schema per action: the cart page's intents as a union on
 * `intent`, and the builder's chosen lines. The browser and the action share them, so a form
 * that passes here is the form the action accepts.
 */

// Record ids are UUIDs; z.uuid() is the same strict check services make (validators/vocabulary/ids.ts).
const lineId = z.uuid({ message: 'This line is not in the cart any more: reload the page.' });
/** The line version the button was rendered with (a stale one is a conflict, not bad input). */
const version = z.coerce.number({ message: 'Reload the page: the line version is missing.' }).int('Reload the page: the line version is missing.').min(1, 'Reload the page: the line version is missing.').max(INT32_MAX, 'Reload the page: the line version is missing.');

/** "At most N pharmacies" of "Optimise pharmacies": empty means no cap. */
const maxPharmacies = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.coerce.number({ message: 'Enter a whole number of pharmacies, or leave it empty.' }).int('Enter a whole number of pharmacies, or leave it empty.').min(1, 'Allow at least 1 pharmacy, or leave it empty.').max(100, 'Allow at most 100 pharmacies, or leave it empty.').optional(),
);

/** Every intent of the refill-day cart page's action. */
export const refillDayActionSchema = z.discriminatedUnion(
  'intent',
  [
    /** The inline line editor. */
    lineEditFormSchema.extend({ intent: z.literal('update') }),
    /** A finding's "Ask for renewal": the line's prescription goes to the veterinarian who can renew it. */
    z.object({ intent: z.literal('renewal'), lineId, version, prescriptionId: z.uuid({ message: 'This line fills no prescription on file: reload the page.' }) }),
    /** "Switch to <pharmacy>", from a finding or the switch panel. */
    z.object({ intent: z.literal('switch'), lineId, version, offerId: z.uuid({ message: 'Choose a pharmacy to switch to.' }) }),
    /** Remove a line; `label` names it in the undo message. */
    z.object({ intent: z.literal('remove'), lineId, version, label: z.string().trim().max(300).optional().transform((v) => v || 'the line') }),
    /** Put a removed line back. */
    z.object({ intent: z.literal('undo'), lineId }),
    /** Acknowledge a warning of a line. */
    z.object({ intent: z.literal('acknowledge'), lineId, rule: z.string({ message: 'Choose the warning to acknowledge.' }).trim().min(1, 'Choose the warning to acknowledge.').max(60) }),
    /** "Record a new weight" from a line's `dose.range` finding: weighed today. */
    z.object({ intent: z.literal('record-weight'), lineId, patientId: z.uuid({ message: 'This patient is not on the line any more: reload the page.' }), value: weightValue, unit: z.enum(WEIGHT_UNITS, { error: 'Choose kg or lb.' }) }),
    /** A veterinarian's "Sign off" on a line, with the content hash of what they were shown. */
    z.object({ intent: z.literal('signoff'), lineId, contentHash: z.string({ message: 'Reload the page: the line changed.' }).regex(/^[0-9a-f]{64}$/, 'Reload the page: the line changed.') }),
    /** The keyboard fast-entry row. */
    fastEntryFormSchema.extend({ intent: z.literal('add') }),
    /** "Optimise pharmacies": a proposal for the cart as it is, nothing changes. */
    z.object({ intent: z.literal('optimize'), maxPharmacies }),
    /** "Apply" under a proposal: made for cart `version` (a cart that moved since is a conflict). */
    z.object({
      intent: z.literal('optimize-apply'),
      version: z.coerce.number({ message: 'Reload the page: the cart version is missing.' }).int('Reload the page: the cart version is missing.').min(0, 'Reload the page: the cart version is missing.'),
      maxPharmacies,
      /** What the proposal shown would do: applying refuses when it would do something else by now. */
      fingerprint: z.string({ message: 'Reload the page: the proposal is missing.' }).regex(/^[0-9a-f]{64}$/, 'Reload the page: the proposal is missing.'),
    }),
    /** "Undo optimisation": the latest applied optimisation of the cart. */
    z.object({ intent: z.literal('optimize-undo'), optimizationId: z.uuid({ message: 'There is no optimisation to undo: reload the page.' }) }),
    /** A line's pin: "Optimise pharmacies" never moves a pinned line. */
    z.object({ intent: z.literal('pin'), lineId, pinned: z.enum(['1', '0'], { error: 'Reload the page: the pin is missing.' }).transform((v) => v === '1') }),
  ],
  { error: 'Unknown action.' },
);
export type RefillDayAction = z.output<typeof refillDayActionSchema>;
export type RefillDayIntent = RefillDayAction['intent'];

/**
 * The builder's "Ask for renewal": one due line's prescription (`renewPrescriptionId`, the
 * button's value), or every due line whose prescription lapsed and was not asked yet.
 */
export const builderRenewalSchema = z.union([
  z.object({ renewPrescriptionId: z.uuid({ message: 'This prescription is not on the due list any more: reload the page.' }) }),
  z.object({ renewAll: z.literal('1'), withinDays: z.string().optional().transform((v) => readDueWindow(v ?? null).withinDays) }),
]);

/** The builder's "Add N lines": the chosen due lines (`orderLineId`, once per checkbox), in list order. */
export const addDueLinesSchema = z.object({
  orderLineId: z
    .union([z.string(), z.array(z.string())], { message: 'Choose at least one patient to add.' })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.uuid({ message: 'This line is not on the due list any more: reload the page.' })).min(1, 'Choose at least one patient to add.')),
});

/** The builder's default due window, in days, when the field is left empty. */
export const DEFAULT_DUE_WINDOW = 14;

/**
 * The builder's "Due within (days)" as typed: empty means the default window (never 0 days);
 * anything but a whole number from 0 to 365 is an error on the field, shown with what was
 * typed, while the list uses the default.
 */
export function readDueWindow(raw: string | null): { withinDays: number; typed: string | null; error: string | null } {
  const text = (raw ?? '').trim();
  if (text === '') return { withinDays: DEFAULT_DUE_WINDOW, typed: null, error: null };
  const parsed = z.coerce.number().int().min(0).max(365).safeParse(text);
  if (parsed.success) return { withinDays: parsed.data, typed: null, error: null };
  return { withinDays: DEFAULT_DUE_WINDOW, typed: text.slice(0, 20), error: `Enter a whole number of days from 0 to 365; showing the next ${DEFAULT_DUE_WINDOW} days.` };
}
