import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson } from '~/http/api.server';
import { apiOwnerPatchSchema } from '~/schemas/owners';
import { getOwner, updateOwner } from '~/services/records/index.server';

// GET: one owner with their pets.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({ owner: await getOwner(principal, params.id ?? '') }));

// PATCH: change an owner's fields.
export const action = ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== 'PATCH') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or PATCH.'));
  return api(request, 'clinic', async (principal) => ({ owner: await updateOwner(principal, params.id ?? '', await readJson(request, apiOwnerPatchSchema)) }));
};
