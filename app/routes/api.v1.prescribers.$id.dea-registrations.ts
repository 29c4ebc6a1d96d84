import type { ActionFunctionArgs } from '@remix-run/node';
import { api, createdResponse, errorResponse, readJson } from '~/http/api.server';
import { deaRegistrationSchema } from '~/schemas/prescriptions';
import { addDeaRegistrationAnswer } from '~/services/records/index.server';

// POST: adds a DEA registration to a prescriber; a number with a bad check digit is 400 on `fields.number`.
export const action = ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, deaRegistrationSchema);
    const answer = await addDeaRegistrationAnswer(principal, params.id ?? '', body, { idempotencyKey: request.headers.get('idempotency-key') });
    return createdResponse(answer);
  });
};
