import { z } from 'zod';
import { isUsStateCode } from '~/lib/format-states';

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
    .union([z.literal(''), z.guid({ message: 'Not a pharmacy id.' })])
    .optional()
    .transform((v) => v || undefined),
  inStock: flag,
  shipState: z
    .string()
    .trim()
    .toUpperCase()
    .refine((v) => v === '' || isUsStateCode(v), { message: 'Use a two-letter US state code, like CA.' })
    .optional()
    .transform((v) => v || undefined),
  controlled: flag,
  coldChain: flag,
  sort: z.enum(['landed', 'turnaround'], { message: 'Sort by landed or turnaround.' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type CatalogQueryParams = z.output<typeof catalogQuerySchema>;
