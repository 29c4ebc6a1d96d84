import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { api, readQuery } from '~/lib/api.server';
import { listPatients } from '~/services/patients.server';

const query = z.object({
  q: z.string().max(100).optional(),
  status: z.enum(['active', 'inactive', 'deceased']).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', (principal) => listPatients(principal, readQuery(request, query)));
