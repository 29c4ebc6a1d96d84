import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/http/api.server';
import { listPrescribers } from '~/services/records/directory.server';

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({
    prescribers: (await listPrescribers(principal)).map(({ userId: _, ...p }) => p),
  }));
