import type { ActionFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson } from '~/http/api.server';
import { applyOptimization, proposalJson, proposeOptimization } from '~/services/cart/index.server';
import { optimizeCartSchema } from '~/schemas/cart';

/**
 * `POST /api/v1/carts/current/optimize`: the optimizer's proposal for the open cart (`dryRun`,
 * the default), or with `dryRun:false` and `version` the proposal applied → the cart as well,
 * and the applied optimisation's id (null when nothing moved) for `…/optimize/undo`.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Use POST to optimise the cart.');
    const input = await readJson(request, optimizeCartSchema);
    const options = { pinnedLineIds: input.pinnedLineIds, maxPharmacies: input.maxPharmacies ?? null };
    if (input.dryRun) {
      const { cartVersion, proposal } = await proposeOptimization(principal, options);
      return { cartVersion, proposal: proposalJson(proposal) };
    }
    const { cart, proposal, optimizationId } = await applyOptimization(principal, { ...options, version: input.version!, ...(input.fingerprint ? { fingerprint: input.fingerprint } : {}) });
    return { cart, proposal: proposalJson(proposal), optimizationId };
  });
