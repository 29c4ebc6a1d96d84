import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, jsonResponse, readJson } from '~/http/api.server';
import { checkoutSchema } from '~/schemas/checkout';
import { checkoutCart, type CheckoutView } from '~/services/checkout/index.server';

/** The API's checkout shape (API.md): the checkout and, once split, its orders. */
function body(checkout: CheckoutView) {
  const { orders, ...rest } = checkout;
  return {
    checkout: { ...rest, redirectUrl: rest.redirectUrl ?? undefined },
    ...(orders.length > 0 ? { orders } : {}),
  };
}

/**
 * `POST /api/v1/carts/current/checkout {version}`: pays for the reviewed cart version.
 * 201 with the new checkout; 200 with the first answer when this version was checked out
 * already (a double submit); 409 for a changed cart; 422 listing the findings left.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Use POST to check out.');
    const input = await readJson(request, checkoutSchema);
    const outcome = await checkoutCart(principal, input);
    return jsonResponse(body(outcome.checkout), { status: outcome.replayed ? 200 : 201 });
  });

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', async () => errorResponse(405, 'method_not_allowed', 'Use POST to check out.'));
