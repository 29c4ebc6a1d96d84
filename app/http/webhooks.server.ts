/**
 * Webhook edges: a delivery's bytes are read (bounded), its signature checked over exactly those
 * bytes by the service, and only then is the body parsed by its content type and schema. The
 * services below take parsed, typed values and say what happened; the status codes and the JSON
 * of the answer are made here.
 */
import { pimsEventSchema, smsWebhookSchema } from '~/schemas/refill-request';
import { badRequest } from '~/services/platform/errors';
import { MAX_WEBHOOK_BYTES, receivePimsEvent, receiveSmsMessage, verifyIntakeDelivery } from '~/services/requests/index.server';
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
