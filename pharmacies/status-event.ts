import { fieldsOf } from '../validators/vocabulary';
import { orderStatusEventSchema, type OrderStatusEvent, type ParseResult } from './types';

/** Checks a pharmacy's status event (`POST /orders/:id/events` body), naming each bad field. */
export function parseOrderStatusEvent(body: unknown): ParseResult<OrderStatusEvent> {
  const parsed = orderStatusEventSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, fields: fieldsOf(parsed.error.issues, 'body') };
}
