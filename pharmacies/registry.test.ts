import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startLocalHttpServer, type LocalHttpServer } from '../test/support/local-http-server';
import { sampleOrderDocument } from '../test/support/order-document';
import { ADAPTER_KINDS, getAdapter } from './registry';
import type { AdapterContext, AdapterKind } from './types';

const ctx: AdapterContext = { now: () => new Date('2025-03-04T15:30:00Z') };
const settings = { pharmacyId: 'ph_1', slug: 'sunrise' };

let server: LocalHttpServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('getAdapter', () => {
  it('has an adapter for every kind, and refuses an unknown one', () => {
    expect(ADAPTER_KINDS).toEqual(['rest', 'portal', 'csv-feed']);
    for (const kind of ADAPTER_KINDS) expect(getAdapter(kind).kind).toBe(kind);
    expect(() => getAdapter('fax' as AdapterKind)).toThrow('no pharmacy adapter for connection kind "fax"');
  });

  it('portal: the order is delivered at once, since it appears in the portal', async () => {
    expect(await getAdapter('portal').submitOrder(sampleOrderDocument(), settings, ctx)).toEqual({ outcome: 'delivered' });
    expect(await getAdapter('csv-feed').submitOrder(sampleOrderDocument(), settings, ctx)).toEqual({ outcome: 'delivered' });
  });

  it('rest: delivers to the configured endpoint, and fails permanently when it is not configured', async () => {
    server = await startLocalHttpServer((_req, res) => sendJson(res, 201, {}));
    const rest = getAdapter('rest');
    const configured = { ...settings, orderEndpoint: `${server.url}/orders`, signingSecret: 's', timeoutMs: 2000 };
    expect(await rest.submitOrder(sampleOrderDocument(), configured, ctx)).toEqual({ outcome: 'delivered', status: 201 });
    expect(server.received[0]!.headers['idempotency-key']).toBe('ord_7f3a');
    expect(await rest.submitOrder(sampleOrderDocument(), settings, ctx)).toEqual({
      outcome: 'permanent',
      message: 'pharmacy sunrise has no order endpoint or signing secret configured',
    });
  });

  it('rest: fetches the JSON feed with the pharmacy key', async () => {
    server = await startLocalHttpServer((req, res) =>
      sendJson(res, req.headers.authorization === 'Bearer k' ? 200 : 401, {
        pharmacySlug: 'sunrise',
        generatedAt: '2025-03-01T00:00:00Z',
        full: false,
        items: [{ sku: 'A' }],
      }),
    );
    const feed = await getAdapter('rest').fetchCatalog!({ ...settings, feedUrl: server.url, apiKey: 'k' }, ctx);
    expect(feed).toMatchObject({ full: false, items: [], rejected: [{ row: 1, field: 'medicationName' }] });
  });

  it('csv-feed: reads the dropped file as a full catalog unless set up as partial', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vialcart-feed-'));
    const feedPath = join(dir, 'prices.csv');
    await writeFile(feedPath, 'sku,name,strength,form,package,price,stock,turnaround\nA,Name,1 mg,capsule,30 caps,2.50,4,1\nB,,,,,,,\n');
    const csv = getAdapter('csv-feed');
    expect(await csv.fetchCatalog!({ ...settings, feedPath }, ctx)).toMatchObject({
      pharmacySlug: 'sunrise',
      generatedAt: '2025-03-04T15:30:00.000Z',
      full: true,
      items: [{ sku: 'A', unitPriceCents: 250 }],
      rejected: [{ row: 3, field: 'name' }],
    });
    expect(await csv.fetchCatalog!({ ...settings, feedPath, feedIsFull: false }, ctx)).toMatchObject({ full: false });
  });

  it('checks status callbacks, naming each bad field', () => {
    const parse = getAdapter('rest').parseStatusCallback!;
    expect(parse({ eventId: 'e1', type: 'shipped', carrier: 'UPS', trackingNumber: '1Z999' })).toMatchObject({ ok: true });
    expect(parse({ eventId: '', type: 'lost' })).toEqual({
      ok: false,
      fields: { eventId: 'is empty', type: expect.stringContaining('Invalid option') },
    });
  });
});
