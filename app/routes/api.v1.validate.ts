import type { ActionFunctionArgs } from '@remix-run/node';
import { api, errorResponse, readJson } from '~/http/api.server';
import { validateBodySchema } from '~/schemas/validate';
import { toPublicFinding, validateDraftLines } from '~/services/validation/validation.server';

/** `POST /api/v1/validate`: findings for a cart that is not stored. */
export const action = ({ request }: ActionFunctionArgs) => {
  if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Use POST.');
  // Validating stores nothing: a read key may ask.
  return api(request, 'clinic', async (principal) => {
    const body = await readJson(request, validateBodySchema);
    const result = await validateDraftLines(principal, body.lines);
    return {
      lines: result.lines.map((line) => ({ index: line.index, findings: line.findings.map(toPublicFinding) })),
      blockingCount: result.blockingCount,
      warningCount: result.warningCount,
    };
  }, { scope: 'read' });
};

export const loader = () => errorResponse(405, 'method_not_allowed', 'Use POST with {"lines":[…]}.');
