import { z } from 'zod';
import { isTimeZone, isUsStateCode } from '../../validators/vocabulary';
import { intakeSettingsSchema, queueTargets } from './refill-request';

// The admin's clinic form (/admin/clinics): identity, address, time zone, phone and the
// policies a clinic starts with (prescription expiry, exam window, a target per request queue).

const text = (label: string, max: number) => z.string().trim().min(1, `Enter the ${label}.`).max(max, `Use at most ${max} characters.`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : null));
const months = (label: string, max: number) =>
  z.coerce.number({ error: `Enter the ${label} in months.` }).int('Whole months.').min(1, 'At least 1 month.').max(max, `At most ${max} months.`);

/** The fields of a clinic an admin sets. */
export const clinicFields = {
  name: text('clinic’s name', 200),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Use 2–63 lower-case letters, digits and dashes, starting with a letter or digit.'),
  addressLine1: text('street address', 200),
  addressLine2: optionalText(200),
  city: text('city', 100),
  state: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isUsStateCode, 'Use a USPS state code such as CA.'),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{5}(-\d{4})?$/, 'Use a ZIP code such as 95818 or 95818-1234.'),
  phone: optionalText(40).pipe(z.string().regex(/^\+?[0-9 ().-]{7,20}$/, 'Use a phone number such as (916) 555-0100.').nullable()),
  email: optionalText(254).pipe(z.email('Enter a valid email address.').nullable()),
  timezone: z.string().trim().refine(isTimeZone, 'Use a time zone name such as America/Chicago.'),
  rxExpiryMonths: months('prescription expiry', 24),
  wellnessWindowMonths: months('exam window', 60),
  ...queueTargets,
};

/** Create a clinic, optionally inviting its first manager in the same step. */
export const createClinicSchema = z.object({
  intent: z.literal('create'),
  ...clinicFields,
  managerEmail: optionalText(254).pipe(z.email('Enter a valid email address.').nullable()),
  managerName: optionalText(120),
});
export type CreateClinicForm = z.input<typeof createClinicSchema>;

/** Edit a clinic. */
export const updateClinicSchema = z.object({ intent: z.literal('update'), ...clinicFields });
export type UpdateClinicForm = z.input<typeof updateClinicSchema>;

/** A clinic's page: every intent. */
export const clinicIntentSchema = z.discriminatedUnion('intent', [
  updateClinicSchema,
  z.object({
    intent: z.literal('invite_manager'),
    email: z.string().trim().min(1, 'Enter an email address.').max(254).pipe(z.email('Enter a valid email address.')),
    name: optionalText(120),
  }),
  z.object({ intent: z.literal('suspend') }),
  z.object({ intent: z.literal('unsuspend') }),
]);

type ClinicFieldsOutput = z.output<z.ZodObject<typeof clinicFields>>;

/** The parsed form as the clinics service takes it: the per-queue minutes gathered into `targetMinutes`. */
export function clinicInputOf(d: ClinicFieldsOutput) {
  const { tech_urgent, tech_standard, vet_review, exception_exam, front_desk, ...rest } = d;
  return { ...rest, targetMinutes: { tech_urgent, tech_standard, vet_review, exception_exam, front_desk } };
}

/** The settings page's "Dose checks" section: how old a weight may be for `dose.range` (1–60 months). */
export const doseCheckSettingsSchema = z.object({
  intent: z.literal('dose-checks'),
  weightWindowMonths: months('weight window', 60),
});
export type DoseCheckSettingsForm = z.input<typeof doseCheckSettingsSchema>;

/** The settings page's "Owner refill requests" section. */
export const requestSettingsSchema = intakeSettingsSchema.extend({ intent: z.literal('requests') });

/** The settings page (/settings): one intent per section. */
export const settingsActionSchema = z.discriminatedUnion('intent', [requestSettingsSchema, doseCheckSettingsSchema]);
