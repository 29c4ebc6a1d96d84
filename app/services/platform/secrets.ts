/**
 * Secrets never reach a message, a log line or a page: payment providers may echo a key in an
 * error ("Invalid API Key provided: sk_live_…"), so text that could carry one is masked before
 * it is shown, stored or logged. Pure: the logger and the payments room both use it.
 */

// Stripe secret, restricted and publishable keys, webhook signing secrets, client secrets.
const SECRET_PATTERNS = [/\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9_]+/g, /\bwhsec_[A-Za-z0-9_]+/g, /\b(?:pi|seti|cs)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/g];

/** The text with every key-like token replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[redacted]');
  // Whatever follows "API key provided:" is a key, whatever its shape.
  return out.replace(/(API key provided:?\s*)\S+/gi, '$1[redacted]');
}

/** A copy of a value (a log line's fields) with every string masked by `redactSecrets`. */
export function scrubSecrets<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  // Errors keep their shape for the logger's error serializer, which scrubs what it prints.
  if (depth > 6 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubSecrets(v, depth + 1);
  return out as T;
}
