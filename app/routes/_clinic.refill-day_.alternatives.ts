import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { requireUser } from '~/services/identity/auth.server';
import { offerAlternatives } from '~/services/cart/index.server';
import { ifNotFound } from '~/http/forms.server';

/** "Switch pharmacy": the other offers of a line's medication with the landed-cost difference. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const lineId = new URL(request.url).searchParams.get('lineId') ?? '';
  const alternatives = await offerAlternatives(user, lineId).catch(ifNotFound(null));
  return json({ lineId, alternatives: alternatives ?? [] }, { status: alternatives ? 200 : 404 });
}
