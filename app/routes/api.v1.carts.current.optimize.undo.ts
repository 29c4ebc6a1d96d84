import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson } from '~/http/api.server';
import { undoOptimization } from '~/services/cart/index.server';
import { undoOptimizationSchema } from '~/schemas/cart';

/**
 * `POST /api/v1/carts/current/optimize/undo` `{optimizationId}`: puts the lines the cart's latest
 * optimisation moved back on their previous offers, as one more change of the cart → the cart
 * and how many lines went back. Another optimisation since, or none → 404; undone already, or a
 * moved line changed since → 409 and nothing changes (docs/optimizer.md).
 */
export const action = ({ request }: ActionFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Use POST to undo an optimisation.');
    const { optimizationId } = await readJson(request, undoOptimizationSchema);
    const { cart, restored } = await undoOptimization(principal, optimizationId);
    return { cart, restored };
  });

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', async () => errorResponse(405, 'method_not_allowed', 'Use POST to undo an optimisation.'));
