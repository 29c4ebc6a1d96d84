import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson, readQuery, createdResponse } from '~/http/api.server';
import { apiPatientSchema, patientListQuerySchema } from '~/schemas/patients';
import { createPatient, listPatients } from '~/services/records/index.server';

// GET: the clinic's patients, searchable by pet, owner, phone or PIMS id.
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', (principal) => listPatients(principal, readQuery(request, patientListQuerySchema)));

// POST: a new patient of an owner; a possible duplicate answers 409 with the candidates unless `allowDuplicate`.
export const action = ({ request }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiPatientSchema);
    const answer = await createPatient(principal, body.patient, { allowDuplicate: body.allowDuplicate, idempotencyKey: request.headers.get('idempotency-key'), body });
    return createdResponse(answer);
  });
};
