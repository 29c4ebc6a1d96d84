import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { toPatientOption } from '~/lib/patient-option';
import { requireUser } from '~/services/identity/auth.server';
import { principalToday, searchPatients } from '~/services/records/index.server';

/** Typeahead of the patient pickers: active patients by pet or owner name, phone or PIMS id. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const q = new URL(request.url).searchParams.get('q') ?? '';
  if (!q.trim()) return json({ options: [] });
  const [patients, today] = await Promise.all([searchPatients(user, { q, status: 'active', limit: 10 }), principalToday(user)]);
  return json({ options: patients.map((p) => toPatientOption(p, today)) });
}
