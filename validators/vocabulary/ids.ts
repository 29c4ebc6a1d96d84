/**
 * Record ids are UUIDs (PostgreSQL `uuid`, RFC 9562). One strict check, the same one zod's
 * `z.uuid()` applies, so a service refuses a malformed id as "not found" before it reaches
 * PostgreSQL: a version digit 1–8 and the RFC variant, or the nil and max UUIDs. Shapes that
 * are hex but no UUID ("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa") are refused too.
 */
export const UUID_PATTERN = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;

/** Whether `value` is a UUID string. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
