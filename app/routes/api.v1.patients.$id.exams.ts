import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson, createdResponse } from '~/http/api.server';
import { apiExamSchema } from '~/schemas/patients';
import { patientExams, recordExam } from '~/services/records/index.server';

// GET: the patient's exams, latest first.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({ exams: await patientExams(principal, params.id ?? '') }));

// POST: record an exam (wellness by default); the patient's `lastWellnessExamOn` follows.
export const action = ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return Promise.resolve(errorResponse(405, 'method_not_allowed', 'Use GET or POST.'));
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, apiExamSchema);
    const answer = await recordExam(principal, params.id ?? '', body, { idempotencyKey: request.headers.get('idempotency-key'), body });
    return createdResponse(answer);
  });
};
