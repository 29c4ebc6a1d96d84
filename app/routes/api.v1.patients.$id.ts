import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson } from '~/http/api.server';
import { apiPatientPatchSchema } from '~/schemas/patients';
import { getPatient, updatePatient } from '~/services/records/index.server';

// GET: one patient with owner, prescriptions, order lines, weights and exams.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({ patient: await getPatient(principal, params.id ?? '') }));

// PATCH: change a patient's fields; a status change answers what it did (`effects`).
export const action = ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== 'PATCH') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or PATCH.'));
  return api(request, 'clinic', async (principal) => updatePatient(principal, params.id ?? '', await readJson(request, apiPatientPatchSchema)));
};
