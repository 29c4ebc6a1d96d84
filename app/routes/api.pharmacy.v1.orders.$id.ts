import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/http/api.server';
import { getPharmacyOrder } from '~/services/orders/index.server';

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'pharmacy', async (principal) => ({ order: await getPharmacyOrder(principal, params.id ?? '') }));
