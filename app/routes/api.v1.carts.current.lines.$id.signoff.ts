import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson } from '~/http/api.server';
import { lineSignoffSchema } from '~/schemas/cart';
import { loadCartView, signOffLines } from '~/services/cart/index.server';

/**
 * `POST /api/v1/carts/current/lines/:id/signoff` `{contentHash?, version?, actingUserId?}`: a
 * veterinarian signs off the line's content (docs/signoff.md). A key names the veterinarian
 * (`actingUserId`); the content hash (or version) is what they were shown — a line that moved
 * on since is a 409 with its current content. Answers the sign-off and the cart.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Use POST to sign off a line.');
    const body = await readJson(request, lineSignoffSchema);
    const signoff = { lineId: params.id ?? '', ...(body.contentHash ? { contentHash: body.contentHash } : {}), ...(body.version !== undefined ? { version: body.version } : {}) };
    const { signed } = await signOffLines(principal, [signoff], { actingUserId: body.actingUserId ?? null });
    return { signoff: signed[0], cart: await loadCartView(principal) };
  });

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', async () => errorResponse(405, 'method_not_allowed', 'Use POST to sign off a line.'));
