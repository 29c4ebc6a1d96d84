import { afterEach, describe, expect, it } from 'vitest';
import { sampleOrderDocument } from '../../test/support/order-document';
import { sendJson, startLocalHttpServer, type LocalHttpServer } from '../../test/support/local-http-server';
import { verifySignature } from '../signature';
import { postOrder } from './submit';

const secret = 'whsec_sunrise';
const now = () => new Date('2025-03-04T15:30:05Z');
const nowSeconds = Math.floor(now().getTime() / 1000);

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A pharmacy endpoint that checks the signature like a real one, then answers `status`. */
async function pharmacy(status: number, headers: Record<string, string> = {}) {
  server = await startLocalHttpServer((req, res) => {
    const check = verifySignature(secret, req.body, req.headers['vialcart-signature'] as string | undefined, { nowSeconds });
    if (!check.ok) return sendJson(res, 401, { error: check.reason });
    sendJson(res, status, status < 300 ? { received: true } : { error: 'no' }, headers);
  });
  return `${server.url}/orders`;
}

describe('postOrder', () => {
  it('POSTs the signed document with the order id as idempotency key; 2xx is delivered', async () => {
    const endpoint = await pharmacy(202);
    const doc = sampleOrderDocument();
    const result = await postOrder(endpoint, secret, doc, { now, timeoutMs: 2000 });
    expect(result).toEqual({ outcome: 'delivered', status: 202 });
    const [req] = server!.received;
    expect(req).toMatchObject({ method: 'POST', headers: { 'idempotency-key': 'ord_7f3a', 'content-type': 'application/json' } });
    expect(req!.headers['vialcart-signature']).toMatch(new RegExp(`^t=${nowSeconds},v1=[0-9a-f]{64}$`));
    expect(JSON.parse(req!.body)).toEqual(doc);
  });

  it('is refused by the pharmacy when signed with another secret', async () => {
    const endpoint = await pharmacy(200);
    const result = await postOrder(endpoint, 'wrong-secret', sampleOrderDocument(), { now });
    expect(result).toEqual({ outcome: 'permanent', status: 401, message: 'pharmacy answered HTTP 401: {"error":"mismatch"}' });
  });

  it('retries on 408, 429 and 5xx, keeping the pharmacy’s Retry-After', async () => {
    for (const status of [408, 500, 503]) {
      const endpoint = await pharmacy(status);
      expect(await postOrder(endpoint, secret, sampleOrderDocument(), { now })).toMatchObject({ outcome: 'retryable', status });
      await server!.close();
    }
    const endpoint = await pharmacy(429, { 'Retry-After': '120' });
    expect(await postOrder(endpoint, secret, sampleOrderDocument(), { now })).toEqual({
      outcome: 'retryable',
      status: 429,
      message: 'pharmacy answered HTTP 429: {"error":"no"}',
      retryAfterSeconds: 120,
    });
  });

  it('gives up on other 4xx and on redirects', async () => {
    for (const status of [400, 404, 422, 301]) {
      const endpoint = await pharmacy(status);
      expect(await postOrder(endpoint, secret, sampleOrderDocument(), { now })).toMatchObject({ outcome: 'permanent', status });
      await server!.close();
    }
  });

  it('treats a silent pharmacy as retryable after the timeout, and an absent one too', async () => {
    server = await startLocalHttpServer(() => undefined);
    expect(await postOrder(server.url, secret, sampleOrderDocument(), { now, timeoutMs: 100 })).toEqual({
      outcome: 'retryable',
      message: 'timed out after 100 ms',
    });
    const url = server.url;
    await server.close();
    server = undefined;
    expect(await postOrder(url, secret, sampleOrderDocument(), { now, timeoutMs: 1000 })).toMatchObject({
      outcome: 'retryable',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('never sends an invalid document', async () => {
    const endpoint = await pharmacy(200);
    const doc = sampleOrderDocument();
    doc.lines = [];
    expect(await postOrder(endpoint, secret, doc, { now })).toEqual({
      outcome: 'permanent',
      message: 'order document is invalid: lines: Too small: expected array to have >=1 items',
    });
    expect(server!.received).toHaveLength(0);
  });
});
