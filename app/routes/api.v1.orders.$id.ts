import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/http/api.server';
import { getOrder } from '~/services/orders/index.server';

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({ order: await getOrder(principal, params.id ?? '') }));
