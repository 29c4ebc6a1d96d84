import type { LoaderFunctionArgs } from '@remix-run/node';
import { api, readQuery } from '~/lib/api.server';
import { patientListQuerySchema } from '~/schemas/patients';
import { listPatients } from '~/services/records/patients.server';

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(request, 'clinic', (principal) => listPatients(principal, readQuery(request, patientListQuerySchema)));
