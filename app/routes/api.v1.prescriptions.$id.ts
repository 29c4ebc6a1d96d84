import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/http/api.server';
import { getPrescription } from '~/services/records/index.server';

// GET: one prescription with its lineage (what it renews and what renews it), fills, open renewal request and history.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    const { today: _, ...one } = await getPrescription(principal, params.id ?? '');
    return one;
  });
