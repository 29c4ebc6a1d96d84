/** Serialises a value for a jsonb column (pg would turn a JS array into a Postgres array). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}
