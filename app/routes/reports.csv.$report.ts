import type { LoaderFunctionArgs } from '@remix-run/node';
import { toErrorResponse } from '~/http/api.server';
import { requireUser } from '~/services/identity/auth.server';
import { reportCsv, reportRange } from '~/services/reports/reports.server';

// GET /reports/csv/:report?from=YYYY-MM-DD&to=YYYY-MM-DD — one report as CSV (clinic users).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  try {
    const range = await reportRange(user, new URL(request.url).searchParams);
    const csv = await reportCsv(user, params.report ?? '', range);
    return new Response(csv, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${params.report}-${range.from}-${range.to}.csv"`,
        'Cache-Control': 'private, no-store',
      },
    });
  } catch (error) {
    return toErrorResponse(error);
  }
}
