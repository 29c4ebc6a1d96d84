import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { requireUser } from '~/services/identity/auth.server';
import { offerAlternatives } from '~/services/cart/index.server';
import { DomainError } from '~/services/platform/errors';

/** "Switch pharmacy": the other offers of a line's medication with the landed-cost difference. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const lineId = new URL(request.url).searchParams.get('lineId') ?? '';
  try {
    return json({ lineId, alternatives: await offerAlternatives(user, lineId) });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') return json({ lineId, alternatives: [] }, { status: 404 });
    throw error;
  }
}
