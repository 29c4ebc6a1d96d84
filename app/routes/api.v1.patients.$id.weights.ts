import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson, createdResponse } from '~/http/api.server';
import { apiWeightSchema } from '~/schemas/patients';
import { patientWeights, recordWeight } from '~/services/records/index.server';

// GET: the patient's weighings, latest first.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({ weights: await patientWeights(principal, params.id ?? '') }));

// POST: record a weighing in kg; outside the species' range it needs `overrideReason`.
export const action = ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiWeightSchema);
    const answer = await recordWeight(principal, params.id ?? '', { value: body.kg, unit: 'kg', measuredOn: body.measuredOn, overrideReason: body.overrideReason, actingUserId: body.actingUserId }, {
      idempotencyKey: request.headers.get('idempotency-key'),
      body,
    });
    return createdResponse(answer);
  });
};
