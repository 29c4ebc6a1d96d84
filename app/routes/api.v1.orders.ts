import type { LoaderFunctionArgs } from '@remix-run/node';
import { api, readQuery } from '~/http/api.server';
import { orderListQuerySchema } from '~/schemas/orders';
import { listOrders } from '~/services/orders/index.server';

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({ orders: await listOrders(principal, readQuery(request, orderListQuerySchema)) }));
