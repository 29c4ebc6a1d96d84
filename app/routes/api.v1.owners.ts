import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson, readQuery, createdResponse } from '~/http/api.server';
import { apiOwnerSchema, ownerListQuerySchema } from '~/schemas/owners';
import { createOwner, listOwners } from '~/services/records/index.server';

// GET: the clinic's owners, searchable by name, phone, email or PIMS id.
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', (principal) => listOwners(principal, readQuery(request, ownerListQuerySchema)));

// POST: a new owner; a possible duplicate answers 409 with the candidates unless `allowDuplicate`.
export const action = ({ request }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiOwnerSchema);
    const answer = await createOwner(principal, body.owner, { allowDuplicate: body.allowDuplicate, idempotencyKey: request.headers.get('idempotency-key'), body });
    return createdResponse(answer);
  });
};
