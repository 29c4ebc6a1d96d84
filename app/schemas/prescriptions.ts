import { z } from 'zod';
import { PRESCRIPTION_STATUSES, USPS_CODES } from '../../validators/vocabulary';
import { dateField, optionalDateField, optionalText, optionalWholeNumber } from './fields';

/**
 * Prescriptions, prescribers' credentials and renewal requests: the forms (strings, as posted)
 * and the API bodies (`POST /api/v1/prescriptions…`, `…/dea-registrations`), one module so a
 * form and its API twin accept the same values. The writing rules themselves (refills and
 * validity per DEA schedule, the writer's licence and registration) are the service's: they
 * answer 422 naming the field.
 */

/** What a prescription's quantity counts (the service's `QUANTITY_UNITS`). */
export const QUANTITY_UNIT_OPTIONS = ['vial', 'bottle', 'ml', 'g', 'tablet', 'capsule', 'chew', 'tube', 'syringe', 'patch'] as const;
export const DEA_SCHEDULE_OPTIONS = ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'] as const;

const uuid = (message: string) => z.uuid({ message });
const optionalUuid = (message: string) =>
  z
    .string()
    .trim()
    .nullish()
    .transform((v) => (v ? v : null))
    .pipe(z.uuid({ message }).nullable());

const sig = z.string({ error: 'Enter the directions (SIG).' }).trim().min(1, 'Enter the directions (SIG).').max(1000, 'Keep the SIG under 1,000 characters.');
const wholeNumber = (label: string, min: number, max: number) =>
  z.coerce.number({ error: `Enter the ${label}.` }).int(`Enter the ${label} as a whole number.`).min(min, `The ${label} is at least ${min}.`).max(max, `The ${label} is at most ${max.toLocaleString('en-US')}.`);
const quantityUnit = z.enum(QUANTITY_UNIT_OPTIONS, { error: `Count in ${QUANTITY_UNIT_OPTIONS.join(', ')}.` });
const actingUserId = uuid('Name the veterinarian the key acts for: a user id from GET /api/v1/users.');
const reason = z.string({ error: 'Say why.' }).trim().min(1, 'Say why.').max(500, 'Keep the reason under 500 characters.');

/** The fields of a new prescription, shared by the form and the API body. */
const prescriptionFields = {
  patientId: uuid('Choose the patient.'),
  medicationId: optionalUuid('Choose a medication from the catalog.'),
  medicationName: optionalText('product name', 200),
  sig,
  quantity: wholeNumber('quantity', 1, 10_000),
  quantityUnit: quantityUnit.optional(),
  refillsAuthorized: wholeNumber('number of refills', 0, 99),
  writtenOn: optionalDateField('written date'),
  expiresOn: optionalDateField('expiry'),
};

/** A catalog medication or a product name, one of the two. */
function oneMedication(v: { medicationId: string | null; medicationName: string | null }, ctx: z.RefinementCtx) {
  if (!v.medicationId && !v.medicationName) ctx.addIssue({ code: 'custom', path: ['medicationId'], message: 'Choose a medication from the catalog, or type the name of a commercial product.' });
  if (v.medicationId && v.medicationName) ctx.addIssue({ code: 'custom', path: ['medicationName'], message: 'Choose a catalog medication or type a product name, not both.' });
}

/** The prescription form (`/prescriptions/new`): the signed-in veterinarian writes it. */
export const prescriptionFormSchema = z.object(prescriptionFields).superRefine(oneMedication);
export type PrescriptionForm = z.output<typeof prescriptionFormSchema>;

/** `POST /api/v1/prescriptions`: a clinic key writes for the veterinarian named by `actingUserId`. */
export const apiPrescriptionSchema = z.object({ actingUserId, ...prescriptionFields }).superRefine(oneMedication);

/** What a renewal may change; blank keeps the old value (refills, SIG) or the clinic's policy (expiry). */
const renewalFields = {
  refillsAuthorized: optionalWholeNumber('number of refills', 0, 99),
  expiresOn: optionalDateField('expiry'),
  sig: optionalText('SIG', 1000),
};

/** The renew form on a prescription's page. */
export const renewFormSchema = z.object(renewalFields);

/** `POST /api/v1/prescriptions/:id/renew`. */
export const apiRenewSchema = z.object({ actingUserId, ...renewalFields });

/** The discontinue form. */
export const discontinueFormSchema = z.object({ reason });

/** Which of the prescription page's actions was sent: renew, discontinue, or ask for renewal. */
export const prescriptionIntentSchema = z.object({ intent: z.enum(['renew', 'discontinue', 'ask'], { message: 'Unknown action.' }) });

/** `POST /api/v1/prescriptions/:id/discontinue`. */
export const apiDiscontinueSchema = z.object({ actingUserId, reason });

/** `GET /api/v1/prescriptions`: the list's filters; a bad one is 400 naming the parameter. */
export const prescriptionListQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.enum([...PRESCRIPTION_STATUSES, 'needs_renewal']).optional(),
  prescriberId: z.uuid().optional(),
  patientId: z.uuid().optional(),
  /** `true` (or 1): controlled substances only; `false` (or 0): none. */
  controlled: z.enum(['true', 'false', '1', '0']).optional(),
  expiringWithinDays: z.coerce.number().int().min(0).max(365).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/** The `/prescriptions` page's filters: a filter it cannot read is left out rather than refused. */
export const prescriptionListPageSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum([...PRESCRIPTION_STATUSES, 'needs_renewal']).optional().catch(undefined),
  prescriberId: z.uuid().optional().catch(undefined),
  patientId: z.uuid().optional().catch(undefined),
  controlled: z.enum(['true', 'false', '1', '0']).optional().catch(undefined),
  expiringWithinDays: z.coerce.number().int().min(0).max(365).optional().catch(undefined),
  offset: z.coerce.number().int().min(0).optional().catch(undefined),
});

/** The list service's query from either schema's output (`controlled` as a yes/no). */
export function prescriptionListQuery<T extends { controlled?: 'true' | 'false' | '1' | '0' | undefined }>(parsed: T): Omit<T, 'controlled'> & { controlled?: boolean } {
  const { controlled, ...rest } = parsed;
  return controlled === undefined ? rest : { ...rest, controlled: controlled === 'true' || controlled === '1' };
}

// ---------------------------------------------------------------------------------------
// Prescribers' credentials

const state = z.enum(USPS_CODES, { error: 'Choose a state (a USPS code like CA).' });

/** A state licence (the settings form). */
export const licenseFormSchema = z.object({
  state,
  number: z.string({ error: 'Enter the licence number.' }).trim().min(1, 'Enter the licence number.').max(40, 'Keep the licence number under 40 characters.'),
  expiresOn: dateField('expiry'),
});

/** A DEA registration: the number's check digit is the service's to judge (400 naming `number`). */
const deaFields = {
  number: z.string({ error: 'Enter the DEA number.' }).trim().min(1, 'Enter the DEA number.').max(20, 'A DEA number is two letters and seven digits, like BA1234563.'),
  state,
  schedules: z
    .union([z.enum(DEA_SCHEDULE_OPTIONS, { error: 'Schedules are II, IIN, III, IIIN, IV and V.' }), z.array(z.enum(DEA_SCHEDULE_OPTIONS, { error: 'Schedules are II, IIN, III, IIIN, IV and V.' }))], {
      error: 'Tick the schedules the registration lists.',
    })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .refine((v) => v.length > 0, 'Tick the schedules the registration lists.'),
  expiresOn: dateField('expiry'),
};

/** `POST /api/v1/prescribers/:id/dea-registrations`. */
export const deaRegistrationSchema = z.object(deaFields);

/** The DEA registration form on the prescribers page. */
export const deaRegistrationFormSchema = z.object(deaFields);

/** Every intent of `/settings/prescribers`: add, change or remove a licence or a registration, and the clinic's prescription policy. */
export const prescribersActionSchema = z.discriminatedUnion(
  'intent',
  [
    licenseFormSchema.extend({ intent: z.literal('add-license'), userId: uuid('Choose the veterinarian.') }),
    licenseFormSchema.extend({ intent: z.literal('update-license'), id: uuid('Reload the page: this licence is gone.') }),
    z.object({ intent: z.literal('remove-license'), id: uuid('Reload the page: this licence is gone.') }),
    deaRegistrationFormSchema.extend({ intent: z.literal('add-dea'), userId: uuid('Choose the veterinarian.') }),
    deaRegistrationFormSchema.extend({ intent: z.literal('update-dea'), id: uuid('Reload the page: this registration is gone.') }),
    z.object({ intent: z.literal('remove-dea'), id: uuid('Reload the page: this registration is gone.') }),
    z.object({ intent: z.literal('policy'), prescriptionExpiryMonths: wholeNumber('validity in months', 1, 12) }),
  ],
  { error: 'Unknown action.' },
);

// ---------------------------------------------------------------------------------------
// Renewal requests

/** `POST /api/v1/renewal-requests`: ask for prescriptions to be renewed (each joins its veterinarian's batch). */
export const apiRenewalRequestSchema = z.object({
  prescriptionIds: z.array(uuid('Not a prescription id.')).min(1, 'Name at least one prescription.').max(500, 'Ask for at most 500 at once.'),
  note: optionalText('note', 500),
});

/** The batch's ticked requests (`requestId`, once per checkbox). */
const requestId = z
  .union([z.string(), z.array(z.string())], { error: 'Choose at least one prescription.' })
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .pipe(z.array(uuid('Reload the page: a request is gone.')).min(1, 'Choose at least one prescription.'));

/** A batch's actions: renew the chosen requests (refills and expiry for all, blank as before), or decline them with a reason. */
export const renewalBatchActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({
      intent: z.literal('renew'),
      requestId,
      refillsAuthorized: optionalWholeNumber('number of refills', 0, 99),
      expiresOn: optionalDateField('expiry'),
    }),
    z.object({
      intent: z.literal('decline'),
      requestId,
      reason,
    }),
  ],
  { error: 'Unknown action.' },
);
