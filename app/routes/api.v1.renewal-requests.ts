import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, createdResponse, errorResponse, readJson } from '~/http/api.server';
import { apiRenewalRequestSchema } from '~/schemas/prescriptions';
import { renewalQueue, requestRenewalsAnswer } from '~/services/records/index.server';

// GET: the open renewal batches (one per veterinarian) with their service level.
export const loader = ({ request }: LoaderFunctionArgs) => api(request, 'clinic', async (principal) => ({ batches: await renewalQueue(principal) }));

// POST: asks for prescriptions to be renewed; each request joins its veterinarian's batch in the vet_review queue.
export const action = ({ request }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiRenewalRequestSchema);
    const answer = await requestRenewalsAnswer(principal, body, { idempotencyKey: request.headers.get('idempotency-key') });
    return createdResponse(answer);
  });
};
