import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { api, readQuery } from '~/lib/api.server';
import { dueForRefill } from '~/services/cart.server';

const query = z.object({ withinDays: z.coerce.number().int().min(0).max(365).default(14) });

/** `GET /api/v1/refill-day?withinDays=14`: patients whose supply runs out within N days, with the line to reorder. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', (principal) => dueForRefill(principal, readQuery(request, query)));
