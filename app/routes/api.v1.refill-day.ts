import type { LoaderFunctionArgs } from '@remix-run/node';
import { api, readQuery } from '~/http/api.server';
import { refillDayQuerySchema } from '~/schemas/patients';
import { dueForRefill } from '~/services/cart/index.server';

/** `GET /api/v1/refill-day?withinDays=14`: patients whose supply runs out within N days, with the line to reorder. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', (principal) => dueForRefill(principal, readQuery(request, refillDayQuerySchema)));
