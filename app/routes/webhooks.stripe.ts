import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { errorResponse, jsonResponse, toErrorResponse } from '~/http/api.server';
import { handleStripeWebhook } from '~/services/checkout/stripe-events.server';

/** Stripe's events are a few kilobytes; anything far larger is not Stripe. */
const MAX_EVENT_BYTES = 512 * 1024;

/**
 * `POST /webhooks/stripe`: the raw body is verified against `Stripe-Signature` before anything
 * is read from it. 400 for a forged or stale signature; 200 (fast) for everything verified,
 * including events already processed.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'Stripe posts events here.');
  try {
    const raw = await request.text();
    if (raw.length > MAX_EVENT_BYTES) return errorResponse(400, 'bad_request', 'The body is too large for a Stripe event.');
    return jsonResponse(await handleStripeWebhook(raw, request.headers.get('stripe-signature')));
  } catch (error) {
    return toErrorResponse(error);
  }
}

export const loader = (_args: LoaderFunctionArgs) => errorResponse(405, 'method_not_allowed', 'Stripe posts events here.');
