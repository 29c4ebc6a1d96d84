/**
 * Webhook edges: a delivery's bytes are read (bounded), its signature checked over exactly those
 * bytes by the service, and only then is the body parsed by its content type and schema. The
 * services below take parsed, typed values and say what happened; the status codes and the JSON
 * of the answer are made here.
 */
import { getEnv } from '~/env.server';
import { pimsEventSchema, smsWebhookSchema } from '~/schemas/refill-request';
import { twilioIncomingSchema, twilioStatusCallbackSchema } from '~/schemas/sms';
import { badRequest } from '~/services/platform/errors';
import { MAX_WEBHOOK_BYTES, receivePimsEvent, receiveSmsMessage, verifyIntakeDelivery } from '~/services/requests/index.server';
import { applyStatusCallback, receiveIncomingText, verifyIncomingText, verifyStatusCallback } from '~/services/sms/index.server';
import { fieldsOf } from '../../validators/vocabulary';
import { errorResponse, jsonResponse } from './api.server';
import { mediaTypeOf, parseJsonBody, readBodyBounded } from './body.server';

/**
 * `POST /webhooks/intake/:clinicSlug`: a PIMS `prescription.requested` event (JSON) or an SMS
 * gateway's form post, signed with the clinic's intake secret. 201 with the request created,
 * 200 with `duplicate: true` for a delivery already taken (the same event id, message id or
 * signature), 413 for a body over the limit, 400 naming the field for anything unreadable.
 */
export async function intakeWebhook(request: Request, slug: string): Promise<Response> {
  const raw = await readBodyBounded(request, MAX_WEBHOOK_BYTES);
  if (raw === null) return errorResponse(413, 'too_large', `The body is larger than ${MAX_WEBHOOK_BYTES / 1024} KB.`);
  const signature = request.headers.get('vialcart-signature');
  const clinic = await verifyIntakeDelivery(slug, raw, signature);
  const type = mediaTypeOf(request);
  const created = (answer: { replayed: boolean }, body: Record<string, unknown>) => jsonResponse({ ...body, duplicate: answer.replayed }, { status: answer.replayed ? 200 : 201 });

  if (type === 'application/json') {
    const data = parseJsonBody(raw, { blank: 'invalid' });
    const parsed = pimsEventSchema.safeParse(data);
    if (!parsed.success) throw badRequest('The event is not a valid prescription.requested event.', fieldsOf(parsed.error.issues));
    const answer = await receivePimsEvent(clinic, parsed.data, data);
    return created(answer, { request: answer.request });
  }
  if (type === 'application/x-www-form-urlencoded') {
    const form = Object.fromEntries(new URLSearchParams(raw));
    const parsed = smsWebhookSchema.safeParse(form);
    if (!parsed.success) throw badRequest('The SMS post needs From (a phone number) and Body (the text).', fieldsOf(parsed.error.issues));
    const answer = await receiveSmsMessage(clinic, parsed.data, form, signature);
    // The gateway may send `reply` back as the SMS reply (the owner's acknowledgement).
    return created(answer, { request: answer.request, reply: answer.reply });
  }
  throw badRequest('Send application/json (a PIMS event) or application/x-www-form-urlencoded (an SMS gateway post).', { 'Content-Type': 'unsupported' });
}

/** Largest Twilio webhook read (bytes): a text is at most 1,600 characters, Twilio's fields a few hundred more. */
export const MAX_TWILIO_WEBHOOK_BYTES = 32 * 1024;

/**
 * The URL Twilio signed: the one it was given, public (APP_URL), which behind a proxy is not
 * the URL this process sees; so the request's path and query go on APP_URL (docs/sms.md).
 */
export function publicUrlOf(requestUrl: string): string {
  const url = new URL(requestUrl);
  return new URL(url.pathname + url.search, getEnv().APP_URL).toString();
}

/** A Twilio webhook's form fields, read bounded; anything but a form post is a 400 naming Content-Type. */
async function readTwilioForm(request: Request): Promise<Record<string, string> | Response> {
  if (mediaTypeOf(request) !== 'application/x-www-form-urlencoded') throw badRequest('Twilio posts application/x-www-form-urlencoded forms.', { 'Content-Type': 'expected application/x-www-form-urlencoded' });
  const raw = await readBodyBounded(request, MAX_TWILIO_WEBHOOK_BYTES);
  if (raw === null) return errorResponse(413, 'too_large', `The body is larger than ${MAX_TWILIO_WEBHOOK_BYTES / 1024} KB.`);
  return Object.fromEntries(new URLSearchParams(raw));
}

/**
 * `POST /webhooks/sms/twilio`: a text to a clinic's Twilio number. Routed by `To` (404 for a
 * number no clinic owns), Twilio's signature checked over the public URL and every field (403),
 * then read (400 naming the field) and answered with TwiML: the acknowledgement, a question back,
 * or nothing.
 */
export async function twilioIncomingWebhook(request: Request): Promise<Response> {
  const form = await readTwilioForm(request);
  if (form instanceof Response) return form;
  const clinic = await verifyIncomingText(publicUrlOf(request.url), form, request.headers.get('x-twilio-signature'));
  const parsed = twilioIncomingSchema.safeParse(form);
  if (!parsed.success) throw badRequest('This is not a Twilio incoming message.', fieldsOf(parsed.error.issues));
  const answer = await receiveIncomingText(clinic, parsed.data, form);
  return new Response(answer.twiml, { status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' } });
}

/** `POST /webhooks/sms/twilio/status?n=<message id>`: Twilio's delivery report for a text vialcart sent. */
export async function twilioStatusWebhook(request: Request): Promise<Response> {
  const form = await readTwilioForm(request);
  if (form instanceof Response) return form;
  const text = await verifyStatusCallback(publicUrlOf(request.url), form, request.headers.get('x-twilio-signature'));
  const parsed = twilioStatusCallbackSchema.safeParse(form);
  if (!parsed.success) throw badRequest('This is not a Twilio status callback.', fieldsOf(parsed.error.issues));
  return jsonResponse(await applyStatusCallback(text, parsed.data));
}
