import { z } from 'zod';
import { normalizePhone } from '../../validators/vocabulary';

/**
 * Field schemas the record forms and API bodies share. A form posts strings (FormData) while
 * react-hook-form hands the resolver booleans for checkboxes, so each field accepts both and
 * answers one output type. Names and free text refuse markup and control characters with a
 * message naming the field, instead of storing them to show staff later.
 */

const NAME = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} .,'’()&/-]*$/u;
const ONE_LINE = /^[^<>\p{Cc}]*$/u;
const LINES = /^[^<>\p{Cc}]*(?:\r?\n[^<>\p{Cc}]*)*$/u;

/** A checkbox: "on" (or "true", "1") from a posted form, true/false from react-hook-form or JSON. */
export const checkbox = z
  .union([z.string().max(10), z.boolean()])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true' || v === '1');

/** A required name (a person's, a pet's): letters, digits, spaces and a little punctuation. */
export const nameField = (label: string, max = 100) =>
  z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(max, `Keep the ${label} under ${max} characters.`)
    .regex(NAME, `Use letters, digits, spaces and . , ' - only in the ${label}.`);

/** Required one-line text (a street, a city). */
export const requiredText = (label: string, max: number) =>
  z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(max, `Keep the ${label} under ${max} characters.`)
    .regex(ONE_LINE, `Remove < > and control characters from the ${label}.`);

/** Optional short text (a breed, a PIMS id): empty is null. */
export const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label} under ${max} characters.`)
    .regex(ONE_LINE, `Remove < > and control characters from the ${label}.`)
    .nullish()
    .transform((v) => (v ? v : null));

/** Optional notes over several lines: empty is null. */
export const optionalNotes = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep the ${label} under ${max} characters.`)
    .regex(LINES, `Remove < > and control characters from the ${label}.`)
    .nullish()
    .transform((v) => (v ? v : null));

/** A phone number as people type it, stored as E.164; empty is null. */
export const phoneField = z
  .string()
  .trim()
  .max(24, 'That phone number is too long.')
  .nullish()
  .transform((v, ctx) => {
    if (!v) return null;
    const e164 = normalizePhone(v);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'Enter a phone number with its area code, like (916) 555-0123.' });
      return z.NEVER;
    }
    return e164;
  });

/** An email address, stored lower-case; empty is null. */
export const emailField = z
  .string()
  .trim()
  .max(254, 'That email is too long.')
  .nullish()
  .transform((v) => (v ? v.toLowerCase() : null))
  .pipe(z.email('Enter a valid email address, like name@example.com.').nullable());

/** A calendar date, `YYYY-MM-DD` (what a date input posts). */
/**
 * The largest value a PostgreSQL `integer` column holds: every whole number a request sends for
 * one (versions, counts) is bounded by it, so a larger one is a 400, not a database error.
 */
export const INT32_MAX = 2_147_483_647;

/** A record's version as a request sends it: a whole number from 1 to INT32_MAX. */
export const versionField = (message: string) => z.coerce.number({ message }).int(message).min(1, message).max(INT32_MAX, message);

/** Whether 'YYYY-MM-DD' is a day on the calendar (not 2026-02-31). */
export const isCalendarDate = (v: string) => z.iso.date().safeParse(v).success;

export const dateField = (label: string) => z.iso.date({ error: `Enter the ${label} as a date, like 2026-03-01.` });

/** An optional calendar date: empty is null. */
export const optionalDateField = (label: string) =>
  z
    .string()
    .trim()
    .nullish()
    .transform((v) => (v ? v : null))
    .pipe(dateField(label).nullable());

/** An optional whole number typed in a form (empty is null) or sent as a number. */
export const optionalWholeNumber = (label: string, min: number, max: number) =>
  z
    .union([z.string().trim(), z.number()])
    .nullish()
    .transform((v, ctx) => {
      if (v === '' || v === null || v === undefined) return null;
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `Enter the ${label} as a whole number from ${min} to ${max}.` });
        return z.NEVER;
      }
      return n;
    });
