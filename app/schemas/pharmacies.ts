import { z } from 'zod';
import { isUsStateCode } from '../../validators/vocabulary';
import { dateField, emailField, optionalText, phoneField, requiredText } from './fields';

// The admin's pharmacy forms (/admin/pharmacies): the pharmacy, its ship-to licences, how it
// connects, its signing secret's rotation, its pharmacists, activation and payouts.

const usState = z
  .string({ error: 'Choose a state.' })
  .trim()
  .toUpperCase()
  .refine(isUsStateCode, 'Use a USPS state code such as CA.');

/** Dollars typed in a form ("12.50"), as cents. */
const dollars = (label: string, max: number) =>
  z
    .union([z.string().trim(), z.number()])
    .transform((v, ctx) => {
      const text = typeof v === 'number' ? String(v) : v === '' ? '0' : v.replace(/^\$/, '');
      if (!/^\d{1,5}(\.\d{1,2})?$/.test(text) || Number(text) > max) {
        ctx.addIssue({ code: 'custom', message: `Enter the ${label} in dollars, from 0 to ${max}, like 12.50.` });
        return z.NEVER;
      }
      return Math.round(Number(text) * 100);
    });

/** The fields of a pharmacy an admin sets. */
export const pharmacyFields = {
  name: requiredText('pharmacy’s name', 200),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Use 2–63 lower-case letters, digits and dashes, starting with a letter or digit.'),
  residentState: usState,
  license503a: requiredText('503A licence number', 60),
  nabpNumber: optionalText('NABP number', 20).pipe(z.string().regex(/^\d{7}$/, 'An NABP number has 7 digits.').nullable()),
  npi: optionalText('NPI', 20).pipe(z.string().regex(/^\d{10}$/, 'An NPI has 10 digits.').nullable()),
  contactName: optionalText('contact’s name', 120),
  email: emailField,
  phone: phoneField,
  addressLine1: optionalText('street address', 200),
  city: optionalText('city', 100),
  postalCode: optionalText('ZIP code', 10).pipe(z.string().regex(/^\d{5}(-\d{4})?$/, 'Use a ZIP code such as 95818 or 95818-1234.').nullable()),
  shipping: dollars('shipping fee', 500),
  coldChain: dollars('cold-chain fee', 500),
  turnaroundDays: z.coerce.number({ error: 'Enter the turnaround in days.' }).int('Whole days.').min(0, 'At least 0 days.').max(60, 'At most 60 days.'),
};

const connectionFields = {
  connectionKind: z.enum(['rest', 'portal'], { error: 'Choose how the pharmacy receives orders.' }),
  endpoint: optionalText('endpoint', 500),
};

/** A REST connection needs its endpoint; checked even when other fields are wrong too, so every error shows at once. */
const endpointNeeded: [(d: { connectionKind: 'rest' | 'portal'; endpoint: string | null }) => boolean, { path: PropertyKey[]; message: string; when: (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) => boolean }] = [
  (d) => d.connectionKind !== 'rest' || !!d.endpoint,
  {
    path: ['endpoint'],
    message: 'Enter the URL orders are posted to, or choose the portal.',
    when: (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) => !payload.issues.some((i) => i.path?.[0] === 'connectionKind' || i.path?.[0] === 'endpoint'),
  },
];

/** Create a pharmacy with its connection. */
export const createPharmacySchema = z.object({ intent: z.literal('create'), ...pharmacyFields, ...connectionFields }).refine(...endpointNeeded);
export type CreatePharmacyForm = z.input<typeof createPharmacySchema>;

/** Edit a pharmacy's details. */
export const updatePharmacySchema = z.object({ intent: z.literal('update'), ...pharmacyFields });
export type UpdatePharmacyForm = z.input<typeof updatePharmacySchema>;

const email = z.string().trim().min(1, 'Enter an email address.').max(254).pipe(z.email('Enter a valid email address.'));

/** A pharmacy's page: every intent. */
export const pharmacyIntentSchema = z.discriminatedUnion('intent', [
  updatePharmacySchema,
  z.object({ intent: z.literal('license'), state: usState, licenseNumber: requiredText('licence number', 60), expiresOn: dateField('expiry') }),
  z.object({ intent: z.literal('remove_license'), state: usState }),
  z
    .object({ intent: z.literal('connection'), ...connectionFields, feedUrl: optionalText('catalog feed URL', 500), feedKey: optionalText('catalog feed key', 200) })
    .refine(...endpointNeeded),
  z.object({ intent: z.literal('test_order') }),
  z.object({
    intent: z.literal('rotate_secret'),
    overlapHours: z.coerce.number({ error: 'Enter the overlap in hours.' }).int('Whole hours.').min(0, 'At least 0 hours.').max(168, 'At most 168 hours (a week).'),
  }),
  z.object({ intent: z.literal('invite_pharmacist'), email, name: optionalText('name', 120) }),
  z.object({ intent: z.literal('activate') }),
  z.object({ intent: z.literal('deactivate') }),
  z.object({ intent: z.literal('payouts') }),
]);

type PharmacyFieldsOutput = z.output<z.ZodObject<typeof pharmacyFields>>;

/** The parsed form as the pharmacies service takes it (fees in cents). */
export function pharmacyInputOf(d: PharmacyFieldsOutput) {
  const { shipping, coldChain, ...rest } = d;
  return { ...rest, shippingCents: shipping, coldChainFeeCents: coldChain };
}
