import type { ActionFunctionArgs } from '@remix-run/node';
import { api, createdResponse, errorResponse, readJson } from '~/http/api.server';
import { apiRenewSchema } from '~/schemas/prescriptions';
import { renewPrescriptionAnswer } from '~/services/records/index.server';

// POST: the veterinarian (`actingUserId`) renews a prescription: 201 with the new one (`supersedesId`).
export const action = ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiRenewSchema);
    const answer = await renewPrescriptionAnswer(principal, params.id ?? '', body, { idempotencyKey: request.headers.get('idempotency-key') });
    return createdResponse(answer);
  });
};
