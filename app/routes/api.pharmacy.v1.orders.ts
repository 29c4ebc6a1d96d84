import type { LoaderFunctionArgs } from '@remix-run/node';
import { api, readQuery } from '~/http/api.server';
import { orderListQuerySchema } from '~/schemas/orders';
import { listPharmacyOrders } from '~/services/orders/index.server';

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'pharmacy', async (principal) => ({ orders: await listPharmacyOrders(principal, readQuery(request, orderListQuerySchema)) }));
