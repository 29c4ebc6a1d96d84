import type { ActionFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson, createdResponse } from '~/http/api.server';
import { addCartLinesAnswer } from '~/services/cart/index.server';
import { addCartLinesSchema } from '~/schemas/cart';

/**
 * `POST /api/v1/carts/current/lines`: adds one or many lines, all or nothing, and answers the
 * cart. With an `Idempotency-Key` header the same key and body replay the first answer.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Use POST to add lines.');
    const body = await readJson(request, addCartLinesSchema);
    const answer = await addCartLinesAnswer(principal, body.lines, { idempotencyKey: request.headers.get('idempotency-key') });
    return createdResponse(answer);
  });
