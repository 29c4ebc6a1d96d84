import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/http/api.server';
import { loadCartView } from '~/services/cart/index.server';

/** `GET /api/v1/carts/current`: the clinic's open cart with prices and findings. */
export const loader = ({ request }: LoaderFunctionArgs) => api(request, 'clinic', async (principal) => ({ cart: await loadCartView(principal) }));
