import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startLocalHttpServer, type LocalHttpServer } from '../../test/support/local-http-server';
import { FeedFetchError, fetchJsonFeed } from './feed';

const item = (sku: string, over: Record<string, unknown> = {}) => ({
  sku,
  medicationName: 'Methimazole',
  strength: '5 mg/ml',
  form: 'transdermal gel',
  packageDescription: '30 ml pen',
  unitPriceCents: 3400,
  stock: 20,
  turnaroundDays: 2,
  shipStates: ['CA', 'OR'],
  coldChain: false,
  ...over,
});

const feed = (items: unknown[]) => ({
  schema: 'vialcart.catalog.v1',
  pharmacySlug: 'sunrise',
  generatedAt: '2025-03-01T06:00:00Z',
  full: true,
  items,
});

let server: LocalHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(status: number, body: unknown, raw = false) {
  server = await startLocalHttpServer((req, res) => {
    if (req.headers.authorization !== 'Bearer key_sunrise') return sendJson(res, 401, { error: 'bad key' });
    if (raw) {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(String(body));
      return;
    }
    sendJson(res, status, body);
  });
  return `${server.url}/catalog.json`;
}

describe('fetchJsonFeed', () => {
  it('fetches with the pharmacy key and reports bad items by position without dropping the good ones', async () => {
    const url = await serve(200, feed([item('A'), item('B', { unitPriceCents: -5 }), { sku: 'C' }, item('D', { shipStates: ['CA', 'XX'] }), item('A')]));
    const result = await fetchJsonFeed(url, 'key_sunrise', { timeoutMs: 2000, expectedSlug: 'sunrise' });
    expect(server!.received[0]).toMatchObject({ method: 'GET', url: '/catalog.json', headers: { authorization: 'Bearer key_sunrise' } });
    expect(result).toMatchObject({ pharmacySlug: 'sunrise', generatedAt: '2025-03-01T06:00:00Z', full: true });
    expect(result.items.map((i) => i.sku)).toEqual(['A']);
    expect(result.items[0]).toMatchObject({ vialsPerPackage: 1, controlledSchedule: null, compounded: true, flavors: [] });
    expect(result.rejected).toEqual([
      { row: 2, field: 'unitPriceCents', reason: 'unitPriceCents: must not be negative' },
      {
        row: 3,
        field: 'medicationName',
        reason: 'medicationName: is missing; strength: is missing; form: is missing; packageDescription: is missing; unitPriceCents: is missing; stock: is missing; turnaroundDays: is missing',
      },
      { row: 4, field: 'shipStates.1', reason: 'shipStates.1: not a US state or territory code: "XX"' },
      { row: 5, field: 'sku', reason: 'sku: A already appears in row 1' },
    ]);
  });

  it('refuses a wrong key, a non-JSON body, a broken envelope and another pharmacy’s feed as a whole', async () => {
    const url = await serve(200, feed([item('A')]));
    await expect(fetchJsonFeed(url, 'wrong')).rejects.toMatchObject({ code: 'http', status: 401 });
    await expect(fetchJsonFeed(url, 'key_sunrise', { expectedSlug: 'moonlight' })).rejects.toMatchObject({
      code: 'wrong_pharmacy',
      message: 'feed is for pharmacy "sunrise", expected "moonlight"',
    });
    await server!.close();

    const notJson = await serve(200, '<html>maintenance</html>', true);
    await expect(fetchJsonFeed(notJson, 'key_sunrise')).rejects.toMatchObject({ code: 'invalid_json' });
    await server!.close();

    const noFull = await serve(200, { pharmacySlug: 'sunrise', generatedAt: 'yesterday', items: [] });
    const error = await fetchJsonFeed(noFull, 'key_sunrise').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedFetchError);
    expect((error as FeedFetchError).message).toMatch(/generatedAt: must be an ISO-8601 date-time.*full:/);
  });

  it('gives up after the timeout instead of waiting on a silent server', async () => {
    server = await startLocalHttpServer(() => {
      // never answers
    });
    const started = Date.now();
    await expect(fetchJsonFeed(server.url, 'key', { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'timeout',
      message: 'could not fetch the feed: timed out after 100 ms',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a server that is not there as a network failure', async () => {
    server = await startLocalHttpServer(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    await expect(fetchJsonFeed(url, 'key', { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'network', message: /ECONNREFUSED/ });
  });
});
