/**
 * The JSON Schemas pharmacies read in docs/pharmacy-api.md, generated from the zod schemas
 * that check the same documents here, so the published contract cannot drift from the code.
 * (`superRefine` checks — references that must resolve, the DEA number of a controlled line,
 * the fields each event type needs — are not expressible in JSON Schema; the doc lists them.)
 */
import { z } from 'zod';
import { orderDocumentV1Schema, orderStatusEventSchema } from './types';

/** JSON Schema (draft 2020-12) of `vialcart.order.v1`, as a pharmacy receives it. */
export function orderDocumentJsonSchema(): Record<string, unknown> {
  return { $id: 'https://vialcart.example/schemas/vialcart.order.v1.json', title: 'vialcart.order.v1', ...z.toJSONSchema(orderDocumentV1Schema, { io: 'input' }) };
}

/** JSON Schema of the body of `POST /api/pharmacy/v1/orders/:id/events`. */
export function statusEventJsonSchema(): Record<string, unknown> {
  return { title: 'Order status event', ...z.toJSONSchema(orderStatusEventSchema, { io: 'input' }) };
}

/** The fenced blocks of docs/pharmacy-api.md, between their `<!-- schema:NAME -->` markers. */
export function schemaBlocks(): Record<string, string> {
  return {
    'order.v1': JSON.stringify(orderDocumentJsonSchema(), null, 2),
    'status-event': JSON.stringify(statusEventJsonSchema(), null, 2),
  };
}
