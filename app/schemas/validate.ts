import { z } from 'zod';

/**
 * `POST /api/v1/validate`: a cart-shaped body that is checked, not stored. Each line has the
 * fields of a cart line (API.md, `POST /carts/current/lines`); an error names its field as
 * `lines.N.field`.
 */

// Record ids are UUIDs; z.uuid() is the same strict check services make (validators/vocabulary/ids.ts).
const id = (what: string) => z.uuid({ message: `Send the ${what}'s id.` });

export const draftLineSchema = z.object({
  patientId: id('patient'),
  offerId: id('offer'),
  quantity: z
    .number({ message: 'Send the number of vials.' })
    .int('Send a whole number of vials.')
    .min(1, 'At least 1 vial.')
    .max(10_000, 'At most 10,000 vials on one line.'),
  // An empty SIG is not bad input here: `sig.complete` reports what it lacks.
  sig: z.string({ message: 'Send the directions (SIG) as text.' }).max(1_000, 'Keep the SIG under 1,000 characters.'),
  prescriberId: id('prescriber'),
  shipTo: z.enum(['clinic', 'owner'], { message: 'Ship to "clinic" or "owner".' }),
  source: z.enum(['manual', 'quickfill', 'reorder', 'request']).optional(),
  prescriptionId: id('prescription').nullish(),
});

export const validateBodySchema = z.object({
  lines: z.array(draftLineSchema).min(1, 'Send at least one line.').max(1_000, 'Send at most 1,000 lines at once.'),
});
export type ValidateBody = z.output<typeof validateBodySchema>;
