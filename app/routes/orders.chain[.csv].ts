import type { LoaderFunctionArgs } from '@remix-run/node';
import { toErrorResponse } from '~/http/api.server';
import { authorizationChainCsv } from '~/services/audit/audit-chain.server';
import { requireUser } from '~/services/identity/auth.server';
import { reportRange } from '~/services/reports/reports.server';

// GET /orders/chain.csv?from=YYYY-MM-DD&to=YYYY-MM-DD — the authorization chain of every
// line ordered in the range, one row per entry.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  try {
    const range = await reportRange(user, new URL(request.url).searchParams, 31);
    const csv = await authorizationChainCsv(user, range);
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="authorization-chains-${range.from}-${range.to}.csv"`,
        'Cache-Control': 'private, no-store',
      },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
