import type { ActionFunctionArgs } from '@remix-run/node';
import { errorResponse, toErrorResponse } from '~/http/api.server';
import { twilioStatusWebhook } from '~/http/webhooks.server';

// Twilio's status callbacks for texts vialcart sent (?n=<message id> is part of the signed URL).
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Twilio posts status callbacks here.');
  return twilioStatusWebhook(request).catch(toErrorResponse);
}

export const loader = () => errorResponse(405, 'method_not_allowed', 'Twilio posts status callbacks here.');
