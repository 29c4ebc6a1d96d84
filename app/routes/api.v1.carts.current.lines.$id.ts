import { versionField } from '~/schemas/fields';
import type { ActionFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { api, errorResponse, readJson } from '~/http/api.server';
import { loadCartView, removeCartLine, updateCartLine } from '~/services/cart/index.server';
import { updateCartLineSchema } from '~/schemas/cart';

const deleteQuery = z.object({ version: versionField('Send the version of the line you remove.').optional() });

/**
 * `PATCH /api/v1/carts/current/lines/:id` `{version, …fields}` edits a line (stale version → 409
 * with the current values); `DELETE` removes it (`?version=` makes the removal conditional).
 * Both answer the cart.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    const lineId = params.id ?? '';
    if (request.method === 'PATCH') {
      const { version, ...fields } = await readJson(request, updateCartLineSchema);
      await updateCartLine(principal, lineId, { version, ...fields });
    } else if (request.method === 'DELETE') {
      const parsed = deleteQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!parsed.success) return errorResponse(400, 'bad_request', 'version must be a whole number.', { version: 'not a whole number' });
      await removeCartLine(principal, lineId, parsed.data.version !== undefined ? { version: parsed.data.version } : {});
    } else {
      return errorResponse(405, 'method_not_allowed', 'Use PATCH to edit a line or DELETE to remove it.');
    }
    return { cart: await loadCartView(principal) };
  });
