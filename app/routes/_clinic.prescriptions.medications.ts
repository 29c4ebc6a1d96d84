import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { requireUser } from '~/services/identity/auth.server';
import { searchMedications } from '~/services/records/index.server';

/** Typeahead of the prescription form: catalog medications by name, strength, form or ingredient. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const q = (new URL(request.url).searchParams.get('q') ?? '').slice(0, 100);
  return json({ options: q.trim() ? await searchMedications(user, q) : [] });
}
