import { z } from 'zod';
import { USPS_CODES } from '../../validators/vocabulary';
import { checkbox, emailField, nameField, optionalText, phoneField, requiredText } from './fields';

/**
 * Owners: the new/edit owner form (flat strings, as posted) and the API's bodies
 * (`POST /api/v1/owners`, `PATCH /api/v1/owners/:id`). Both answer the same shape, the records
 * service's `OwnerInput`: phones in E.164, email lower-case, the address as one object or null.
 */

export const CHANNELS = ['email', 'sms', 'none'] as const;
const channel = z.enum(CHANNELS, { error: 'Choose email, text message or none.' });
const state = z.enum(USPS_CODES, { error: 'Choose a state (a USPS code like CA).' });
const zip = z.string().trim().regex(/^\d{5}(-\d{4})?$/, 'Enter a ZIP code like 95818 or 95818-1234.');

/** Preferences that cannot work: a text preference without a phone or consent, an email one without an address. */
function reachable(v: { phone: string | null; email: string | null; smsOptIn: boolean; emailOptIn: boolean; preferredChannel: string }, ctx: z.RefinementCtx) {
  if (v.preferredChannel === 'sms' && !v.phone) ctx.addIssue({ code: 'custom', path: ['preferredChannel'], message: 'Text messages need a phone number.' });
  if (v.preferredChannel === 'sms' && !v.smsOptIn) ctx.addIssue({ code: 'custom', path: ['smsOptIn'], message: 'Texts need the owner’s consent: tick “Agrees to text messages”.' });
  if (v.preferredChannel === 'email' && !v.email) ctx.addIssue({ code: 'custom', path: ['preferredChannel'], message: 'Email needs an email address.' });
  if (v.smsOptIn && !v.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'Texts need a phone number.' });
}

/** The owner form (new and edit): every value a string or a checkbox. */
export const ownerFormSchema = z
  .object({
    firstName: nameField('first name'),
    lastName: nameField('last name'),
    phone: phoneField,
    phone2: phoneField,
    email: emailField,
    addressLine1: optionalText('street address', 120),
    addressLine2: optionalText('second address line', 120),
    city: optionalText('city', 80),
    state: z.union([z.literal(''), state]).nullish().transform((v) => (v ? v : null)),
    zip: z.union([z.literal(''), zip]).nullish().transform((v) => (v ? v : null)),
    smsOptIn: checkbox,
    emailOptIn: checkbox,
    preferredChannel: channel,
    pimsId: optionalText('PIMS id', 50),
    allowDuplicate: checkbox,
  })
  .superRefine((v, ctx) => {
    const given = [v.addressLine1, v.city, v.state, v.zip].some(Boolean);
    if (given) {
      const missing = { addressLine1: 'Enter the street address.', city: 'Enter the city.', state: 'Choose the state.', zip: 'Enter the ZIP code.' } as const;
      for (const [key, message] of Object.entries(missing)) if (!v[key as keyof typeof missing]) ctx.addIssue({ code: 'custom', path: [key], message });
    }
    reachable(v, ctx);
  })
  .transform(({ addressLine1, addressLine2, city, state: st, zip: z5, allowDuplicate, ...rest }) => ({
    owner: { ...rest, address: addressLine1 && city && st && z5 ? { line1: addressLine1, line2: addressLine2, city, state: st, zip: z5 } : null },
    allowDuplicate,
  }));
export type OwnerForm = z.input<typeof ownerFormSchema>;

/** The owner form's values for an owner on file (edit), or a new one's defaults. */
export function ownerFormValues(owner: {
  firstName: string; lastName: string; phone: string | null; phone2: string | null; email: string | null;
  address: { line1: string; line2: string | null; city: string; state: string; zip: string } | null;
  smsOptIn: boolean; emailOptIn: boolean; preferredChannel: (typeof CHANNELS)[number]; pimsId: string | null;
} | null): OwnerForm {
  return {
    firstName: owner?.firstName ?? '', lastName: owner?.lastName ?? '', phone: owner?.phone ?? '', phone2: owner?.phone2 ?? '', email: owner?.email ?? '',
    addressLine1: owner?.address?.line1 ?? '', addressLine2: owner?.address?.line2 ?? '', city: owner?.address?.city ?? '', state: (owner?.address?.state ?? '') as OwnerForm['state'],
    zip: owner?.address?.zip ?? '', smsOptIn: owner?.smsOptIn ?? false, emailOptIn: owner?.emailOptIn ?? true, preferredChannel: owner?.preferredChannel ?? 'email',
    pimsId: owner?.pimsId ?? '', allowDuplicate: false,
  };
}

const addressSchema = z.object({
  line1: requiredText('street address', 120),
  line2: optionalText('second address line', 120),
  city: requiredText('city', 80),
  state,
  zip,
});

const apiOwnerFields = {
  name: nameField('name', 200).optional(),
  firstName: nameField('first name').optional(),
  lastName: nameField('last name').optional(),
  phone: phoneField.optional(),
  phone2: phoneField.optional(),
  email: emailField.optional(),
  address: addressSchema.nullish(),
  smsOptIn: z.boolean().optional(),
  emailOptIn: z.boolean().optional(),
  preferredChannel: channel.optional(),
  pimsId: optionalText('PIMS id', 50).optional(),
};

/** "Ana Maria Garcia" → first "Ana Maria", last "Garcia"; a single word is a first name. */
function splitName(name: string): { firstName: string; lastName: string } {
  const at = name.lastIndexOf(' ');
  return at < 0 ? { firstName: name, lastName: '' } : { firstName: name.slice(0, at), lastName: name.slice(at + 1) };
}

/** `POST /api/v1/owners`: `name` (or `firstName` + `lastName`), contact, address, opt-ins. */
export const apiOwnerSchema = z
  .object({ ...apiOwnerFields, allowDuplicate: z.boolean().optional() })
  .superRefine((v, ctx) => {
    if (!v.name && !(v.firstName && v.lastName)) ctx.addIssue({ code: 'custom', path: ['name'], message: 'Give the owner’s name (or firstName and lastName).' });
    const full = { phone: v.phone ?? null, email: v.email ?? null, smsOptIn: v.smsOptIn ?? false, emailOptIn: v.emailOptIn ?? true, preferredChannel: v.preferredChannel ?? (v.email ? 'email' : 'none') };
    reachable(full, ctx);
  })
  .transform((v) => ({
    owner: {
      ...(v.firstName && v.lastName ? { firstName: v.firstName, lastName: v.lastName } : splitName(v.name!)),
      phone: v.phone ?? null,
      phone2: v.phone2 ?? null,
      email: v.email ?? null,
      address: v.address ?? null,
      smsOptIn: v.smsOptIn ?? false,
      emailOptIn: v.emailOptIn ?? true,
      preferredChannel: v.preferredChannel ?? (v.email ? ('email' as const) : ('none' as const)),
      pimsId: v.pimsId ?? null,
    },
    allowDuplicate: v.allowDuplicate ?? false,
  }));

/** `PATCH /api/v1/owners/:id`: any of the create fields; `null` clears an optional one. */
export const apiOwnerPatchSchema = z
  .object(apiOwnerFields)
  .strict()
  .transform(({ name, ...rest }) => {
    const out: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    if (name) Object.assign(out, splitName(name));
    return out as Partial<{
      firstName: string; lastName: string; phone: string | null; phone2: string | null; email: string | null;
      address: z.output<typeof addressSchema> | null; smsOptIn: boolean; emailOptIn: boolean; preferredChannel: (typeof CHANNELS)[number]; pimsId: string | null;
    }>;
  });

/** `GET /api/v1/owners` query. */
export const ownerListQuerySchema = z.object({
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
