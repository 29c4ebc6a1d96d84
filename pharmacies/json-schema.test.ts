import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleOrderDocument } from '../test/support/order-document';
import { orderDocumentJsonSchema, schemaBlocks } from './json-schema';

// docs/pharmacy-api.md carries the generated schemas. This test fails when they are stale;
// `UPDATE_DOCS=1 npx vitest run --project unit pharmacies/json-schema.test.ts` rewrites them.
const DOC = path.resolve(import.meta.dirname, '../docs/pharmacy-api.md');

function replaceBlocks(text: string): string {
  let out = text;
  for (const [name, json] of Object.entries(schemaBlocks())) {
    const re = new RegExp(`(<!-- schema:${name} -->\\n)[\\s\\S]*?(<!-- /schema:${name} -->)`);
    if (!re.test(out)) throw new Error(`docs/pharmacy-api.md has no <!-- schema:${name} --> block`);
    out = out.replace(re, (_m, open: string, close: string) => `${open}\`\`\`json\n${json}\n\`\`\`\n${close}`);
  }
  return out;
}

describe('published JSON Schemas', () => {
  it('docs/pharmacy-api.md carries the schemas generated from the zod schemas', () => {
    const text = readFileSync(DOC, 'utf8');
    const fresh = replaceBlocks(text);
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, fresh);
    expect(text === fresh || !!process.env.UPDATE_DOCS).toBe(true);
  });

  it('describes the order document: versioned, with every part a pharmacist needs', () => {
    const schema = orderDocumentJsonSchema() as { properties: Record<string, any>; required: string[] };
    expect(schema.properties.schema).toEqual({ type: 'string', const: 'vialcart.order.v1' });
    expect(schema.required).toEqual(expect.arrayContaining(['schema', 'messageId', 'orderId', 'clinic', 'shipTo', 'prescribers', 'patients', 'lines']));
    const line = schema.properties.lines.items;
    expect(Object.keys(line.properties)).toEqual(expect.arrayContaining(['sig', 'deaSchedule', 'daysSupply', 'needByDate', 'signatureRequired', 'shipTo']));
    // The sample document has every field the schema names at the top level, but the marker a
    // test order carries (absent on real orders).
    expect(schema.properties.test).toMatchObject({ type: 'boolean', const: true });
    expect(schema.required).not.toContain('test');
    expect(Object.keys(schema.properties).filter((k) => k !== 'test').sort()).toEqual(Object.keys(sampleOrderDocument()).sort());
  });
});
