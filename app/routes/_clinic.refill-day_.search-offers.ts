import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { requireUser } from '~/services/identity/auth.server';
import { searchOffersForCart } from '~/services/cart/index.server';

/** Typeahead of the fast-entry row: offers by medication or pharmacy, the patient's prescriptions first. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const params = new URL(request.url).searchParams;
  const q = (params.get('q') ?? '').slice(0, 100);
  const patientId = params.get('patientId') ?? undefined;
  return json({ options: await searchOffersForCart(user, { q, ...(patientId ? { patientId } : {}) }) });
}
