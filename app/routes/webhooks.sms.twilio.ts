import type { ActionFunctionArgs } from '@remix-run/node';
import { errorResponse, toErrorResponse } from '~/http/api.server';
import { twilioIncomingWebhook } from '~/http/webhooks.server';

// Texts to a clinic's Twilio number (docs/sms.md), answered with TwiML (app/http/webhooks.server.ts).
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Twilio posts incoming messages here.');
  return twilioIncomingWebhook(request).catch(toErrorResponse);
}

export const loader = () => errorResponse(405, 'method_not_allowed', 'Twilio posts incoming messages here.');
