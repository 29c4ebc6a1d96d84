import type { ActionFunctionArgs } from '@remix-run/node';
import { errorResponse, toErrorResponse } from '~/http/api.server';
import { intakeWebhook } from '~/http/webhooks.server';

// Refill requests from a clinic's PIMS (JSON `prescription.requested`) or SMS gateway (form
// post), signed with the clinic's intake secret. The raw body is read once, bounded, and
// verified before anything is parsed (app/http/webhooks.server.ts).
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'POST a signed event.');
  return intakeWebhook(request, params.clinicSlug ?? '').catch(toErrorResponse);
}

export const loader = () => errorResponse(405, 'method_not_allowed', 'POST a signed event.');
