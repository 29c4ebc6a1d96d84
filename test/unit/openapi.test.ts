import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../app/lib/openapi.server';

type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; parameters?: { name: string; in: string }[] }>> };

describe('OpenAPI document', () => {
  it('describes every API.md endpoint from the request schemas', () => {
    const doc = openApiDocument() as Doc;
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/api/v1/catalog', 'get'],
      ['/api/v1/carts/current/lines', 'post'],
      ['/api/v1/carts/current/lines/{id}', 'patch'],
      ['/api/v1/carts/current/checkout', 'post'],
      ['/api/v1/refill-requests/{id}/decision', 'post'],
      ['/api/pharmacy/v1/orders/{id}/events', 'post'],
      ['/webhooks/stripe', 'post'],
      ['/webhooks/sms/twilio', 'post'],
      ['/webhooks/sms/twilio/status', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const addLines = JSON.stringify(doc.paths['/api/v1/carts/current/lines']!.post!.requestBody);
    for (const field of ['patientId', 'offerId', 'quantity', 'sig', 'prescriberId', 'shipTo']) expect(addLines).toContain(field);
    const catalogParams = doc.paths['/api/v1/catalog']!.get!.parameters!.map((p) => p.name);
    expect(catalogParams).toEqual(expect.arrayContaining(['q', 'shipState', 'inStock', 'pharmacyId']));
    const events = JSON.stringify(doc.paths['/api/pharmacy/v1/orders/{id}/events']!.post!.requestBody);
    expect(events).toContain('trackingNumber');
    const incoming = JSON.stringify(doc.paths['/webhooks/sms/twilio']!.post!.requestBody);
    for (const field of ['MessageSid', 'From', 'To', 'Body']) expect(incoming).toContain(field);
  });
});
