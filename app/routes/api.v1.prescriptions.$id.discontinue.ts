import type { ActionFunctionArgs } from '@remix-run/node';
import { api, errorResponse, jsonResponse, readJson } from '~/http/api.server';
import { apiDiscontinueSchema } from '~/schemas/prescriptions';
import { discontinuePrescriptionAnswer } from '~/services/records/index.server';

// POST: the veterinarian (`actingUserId`) discontinues a prescription with a reason.
export const action = ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiDiscontinueSchema);
    const answer = await discontinuePrescriptionAnswer(principal, params.id ?? '', body, { idempotencyKey: request.headers.get('idempotency-key') });
    return jsonResponse(answer.value, { headers: answer.replayed ? { 'Idempotent-Replayed': 'true' } : {} });
  });
};
