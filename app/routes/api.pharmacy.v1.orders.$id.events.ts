import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { api, errorResponse, jsonResponse, MAX_BODY_BYTES } from '~/http/api.server';
import { parseJsonBody } from '~/http/body.server';
import { checkPharmacyEventSignature, recordReportedPharmacyEvent } from '~/services/orders/index.server';

// POST a status event (docs/pharmacy-api.md). The body is read as text first, so an optional
// Vialcart-Signature is checked over the exact bytes received before the JSON is read.
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(request, 'pharmacy', async (principal) => {
    if (request.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'POST a status event here.');
    const raw = await request.text();
    if (raw.length > MAX_BODY_BYTES) return errorResponse(400, 'bad_request', `The body is larger than ${MAX_BODY_BYTES / 1024} KB.`, { '(body)': 'too large' });
    await checkPharmacyEventSignature(principal, raw, request.headers.get('vialcart-signature'));
    const { replayed, answer } = await recordReportedPharmacyEvent(principal, params.id ?? '', parseJsonBody(raw));
    return jsonResponse(answer, { headers: replayed ? { 'Idempotent-Replayed': 'true' } : {} });
  });

export const loader = ({ request }: LoaderFunctionArgs) =>
  errorResponse(405, 'method_not_allowed', `POST status events to ${new URL(request.url).pathname}.`);
