import type { ActionFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson } from '~/http/api.server';
import { loadCartView } from '~/services/cart/index.server';
import { acknowledgeWarning } from '~/services/validation/validation.server';
import { acknowledgementSchema } from '~/schemas/cart';

/** `POST /api/v1/carts/current/acknowledgements` `{lineId, rule}`: warnings only (an error rule is 422). */
export const action = ({ request }: ActionFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Use POST to acknowledge a warning.');
    await acknowledgeWarning(principal, await readJson(request, acknowledgementSchema));
    return { cart: await loadCartView(principal) };
  });
