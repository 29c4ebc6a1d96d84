import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, jsonResponse, readJson, readQuery } from '~/http/api.server';
import { apiRefillRequestSchema, listRequestsQuerySchema } from '~/schemas/refill-request';
import { createRequestFromApi, listRefillRequests } from '~/services/requests/index.server';

// GET: the clinic's requests by queue and status (open by default).
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', (principal) => listRefillRequests(principal, readQuery(request, listRequestsQuerySchema)));

// POST: a refill request from a PIMS or another clinic system; `Idempotency-Key` replays the first answer.
export const action = ({ request }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiRefillRequestSchema);
    const answer = await createRequestFromApi(principal, body, request.headers.get('idempotency-key'));
    return jsonResponse({ request: answer.request }, { status: answer.replayed ? 200 : 201, headers: answer.replayed ? { 'Idempotent-Replayed': 'true' } : {} });
  });
};
