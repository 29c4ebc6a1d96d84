import type { ActionFunctionArgs } from '@remix-run/node';
import { errorResponse, jsonResponse, toErrorResponse } from '~/lib/api.server';
import { readBodyBounded } from '~/lib/body.server';
import { MAX_WEBHOOK_BYTES, receiveIntakeWebhook } from '~/services/requests/index.server';

// Refill requests from a clinic's PIMS (JSON `prescription.requested`) or SMS gateway (form
// post), signed with the clinic's intake secret. The raw body is read once, bounded, and
// verified before anything is parsed.
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'POST a signed event.');
  try {
    const body = await readBodyBounded(request, MAX_WEBHOOK_BYTES);
    if (body === null) return errorResponse(413, 'too_large', `The body is larger than ${MAX_WEBHOOK_BYTES / 1024} KB.`);
    const answer = await receiveIntakeWebhook(params.clinicSlug ?? '', body, request.headers.get('content-type') ?? '', request.headers.get('vialcart-signature'));
    return jsonResponse(answer.body, { status: answer.status });
  } catch (error) {
    return toErrorResponse(error);
  }
}

export const loader = () => errorResponse(405, 'method_not_allowed', 'POST a signed event.');
