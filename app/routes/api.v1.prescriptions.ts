import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, createdResponse, errorResponse, readJson, readQuery } from '~/http/api.server';
import { apiPrescriptionSchema, prescriptionListQuery, prescriptionListQuerySchema } from '~/schemas/prescriptions';
import { listPrescriptions, writePrescriptionAnswer } from '~/services/records/index.server';

// GET: the clinic's prescriptions, newest first, with the list's filters.
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => {
    const { today: _, ...list } = await listPrescriptions(principal, prescriptionListQuery(readQuery(request, prescriptionListQuerySchema)));
    return list;
  });

// POST: a veterinarian (`actingUserId`) writes a prescription; DEA and schedule rules answer 422 naming the field.
export const action = ({ request }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiPrescriptionSchema);
    const answer = await writePrescriptionAnswer(principal, body, { idempotencyKey: request.headers.get('idempotency-key') });
    return createdResponse(answer);
  });
};
