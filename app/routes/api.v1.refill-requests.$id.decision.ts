import type { ActionFunctionArgs } from '@remix-run/node';
import { api, readJson } from '~/http/api.server';
import { decisionSchema } from '~/schemas/refill-request';
import { decideRefillRequest } from '~/services/requests/index.server';

// A decision by a clinic system. A clinic key acts like a technician: it may deny, request an
// exam, and approve only non-controlled refills under a standing order (docs/decisions/004).
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(request, 'clinic', async (principal) => decideRefillRequest(principal, params.id ?? '', await readJson(request, decisionSchema)));
