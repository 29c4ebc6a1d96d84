/**
 * The REST adapter's delivery: POST the order document, signed, to the pharmacy's endpoint.
 * The `Idempotency-Key` is the order id, so a retry after a timeout (the pharmacy may have it
 * already) cannot create a second order on a pharmacy that honours the header.
 */
import { signPayload } from '../signature';
import { orderDocumentV1Schema, type OrderDocumentV1, type SubmitResult } from '../types';
import { DEFAULT_TIMEOUT_MS, deadline, describeFetchError } from './http';

export type PostOrderOptions = {
  /** Bound on the whole exchange. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The clock the signature's timestamp comes from. */
  now: () => Date;
  signal?: AbortSignal;
};

/**
 * POSTs `doc` as JSON with `Vialcart-Signature` and `Idempotency-Key: <orderId>`.
 * 2xx → delivered; 408, 429, 5xx, a network failure or the timeout → retryable; any other status
 * (4xx, and 3xx: the endpoint moved and needs its settings changed) → permanent. A document that
 * does not satisfy `orderDocumentV1Schema` is permanent too, and is never sent.
 */
export async function postOrder(endpoint: string, secret: string, doc: OrderDocumentV1, options: PostOrderOptions): Promise<SubmitResult> {
  const checked = orderDocumentV1Schema.safeParse(doc);
  if (!checked.success) {
    const detail = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { outcome: 'permanent', message: `order document is invalid: ${detail}` };
  }
  const body = JSON.stringify(checked.data);
  const timestamp = Math.floor(options.now().getTime() / 1000);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;

  let response: Response;
  let answer: string;
  try {
    response = await doFetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Vialcart-Signature': signPayload(secret, body, timestamp),
        'Idempotency-Key': doc.orderId,
      },
      body,
      // A POST must not be silently turned into a GET by a redirect.
      redirect: 'manual',
      signal: deadline(timeoutMs, options.signal),
    });
    // Read the answer (bounded by the same deadline) so the connection is reused and the
    // pharmacy's reason can be shown in the delivery log.
    answer = (await response.text()).slice(0, 500);
  } catch (error) {
    return { outcome: 'retryable', message: describeFetchError(error, timeoutMs).message };
  }

  const status = response.status;
  if (status >= 200 && status < 300) return { outcome: 'delivered', status };
  const message = `pharmacy answered HTTP ${status}${answer ? `: ${answer}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), options.now());
    return { outcome: 'retryable', message, status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  return { outcome: 'permanent', message, status };
}

/** `Retry-After` as seconds from now: either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
