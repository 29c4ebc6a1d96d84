import { orderStatusEventSchema, type OrderStatusEvent, type ParseResult } from './types';

/** Checks a pharmacy's status event (`POST /orders/:id/events` body), naming each bad field. */
export function parseOrderStatusEvent(body: unknown): ParseResult<OrderStatusEvent> {
  const parsed = orderStatusEventSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join('.') || 'body'] ??= issue.message;
  return { ok: false, fields };
}
