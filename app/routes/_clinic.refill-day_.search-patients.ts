import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { requireUser } from '~/services/identity/auth.server';
import { searchPatients } from '~/services/records/index.server';

/** Typeahead of the fast-entry row: active patients by pet or owner name, phone or PIMS id. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const q = (new URL(request.url).searchParams.get('q') ?? '').slice(0, 100);
  if (!q.trim()) return json({ options: [] });
  const patients = await searchPatients(user, { q, status: 'active', limit: 10 });
  return json({
    options: patients.map((p) => ({ id: p.id, name: p.name, species: p.species, clientName: p.clientName, weightKg: p.weightKg, weightMeasuredOn: p.weightMeasuredOn })),
  });
}
