import { z } from 'zod';

/** `GET /api/v1/patients` query. */
export const patientListQuerySchema = z.object({
  q: z.string().max(100).optional(),
  status: z.enum(['active', 'inactive', 'deceased']).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/** `GET /api/v1/refill-day` query. */
export const refillDayQuerySchema = z.object({ withinDays: z.coerce.number().int().min(0).max(365).default(14) });
