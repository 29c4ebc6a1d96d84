import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { requireUser } from '~/services/identity/auth.server';
import { patientsForCatalog } from '~/services/catalog/catalog.server';

/** The catalog's patient picker: active patients matching `q`, each with its prescription of `medicationId`. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const params = new URL(request.url).searchParams;
  const q = (params.get('q') ?? '').trim();
  if (!q) return json({ patients: [] });
  return json({ patients: await patientsForCatalog(user, { q, medicationId: params.get('medicationId') ?? undefined }) });
}
