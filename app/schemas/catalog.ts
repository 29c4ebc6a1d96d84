import { z } from 'zod';
import { isUspsCode } from '../../validators/vocabulary';
import { newCartLineSchema } from './cart';

/** A yes/no query parameter: `1`/`true`/`yes` or `0`/`false`/`no`; empty means "either". */
const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''], { message: 'Use 1 or 0.' })
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v === '1' || v === 'true' || v === 'yes'));

/**
 * The catalog's search and filters, as query parameters: shared by `GET /api/v1/catalog` and
 * the catalog page, so both accept exactly the same URLs.
 */
export const catalogQuerySchema = z.object({
  q: z.string().trim().max(200, 'Keep the search under 200 characters.').optional(),
  pharmacyId: z
    .union([z.literal(''), z.uuid({ message: 'Not a pharmacy id.' })])
    .optional()
    .transform((v) => v || undefined),
  inStock: flag,
  shipState: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => v === '' || isUspsCode(v), { message: 'Use a two-letter US state code, like CA.' })
    .optional()
    .transform((v) => v || undefined),
  controlled: flag,
  coldChain: flag,
  sort: z.enum(['landed', 'turnaround'], { message: 'Sort by landed or turnaround.' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type CatalogQueryParams = z.output<typeof catalogQuerySchema>;

/**
 * The catalog's "Add to cart" form: one line for one patient, the cart's own line rules
 * (quantity, SIG, prescriber, ship-to) with the patient picked from the typeahead.
 */
export const addToCartFormSchema = newCartLineSchema
  .pick({ offerId: true, quantity: true, sig: true, prescriberId: true, shipTo: true, prescriptionId: true })
  .extend({
    patientId: z.uuid({ message: 'Pick a patient from the list.' }),
    prescriberId: z.uuid({ message: 'Choose a prescriber.' }),
  });
export type AddToCartForm = z.input<typeof addToCartFormSchema>;

/** The admin's CSV upload form (the file itself is checked by the action). */
export const catalogUploadFormSchema = z.object({
  pharmacyId: z.uuid({ message: 'Choose a pharmacy.' }),
  full: z
    .union([z.literal('on'), z.literal('true'), z.boolean()])
    .optional()
    .transform((v) => v === true || v === 'on' || v === 'true'),
  priceMovePercent: z.coerce
    .number({ message: 'Enter a percentage, like 20.' })
    .min(0, 'Use 0 % or more.')
    .max(1000, 'Use at most 1,000 %.')
    .default(20),
});

/** The admin's "Fetch feed now" form. */
export const catalogFetchFormSchema = catalogUploadFormSchema.pick({ pharmacyId: true, priceMovePercent: true });

/** The admin imports page's two forms, told apart by `intent` (the upload's file is checked by the action). */
export const catalogImportActionSchema = z.discriminatedUnion(
  'intent',
  [catalogUploadFormSchema.extend({ intent: z.literal('upload') }), catalogFetchFormSchema.extend({ intent: z.literal('fetch') })],
  { error: 'Unknown action.' },
);
