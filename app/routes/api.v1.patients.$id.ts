import type { LoaderFunctionArgs } from '@remix-run/node';
import { api } from '~/lib/api.server';
import { getPatient } from '~/services/records/patients.server';

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(request, 'clinic', async (principal) => ({ patient: await getPatient(principal, params.id ?? '') }));
