/**
 * The `Vialcart-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * keyed with a secret shared with one pharmacy (outbound orders) or one clinic (intake webhooks).
 * The timestamp is signed with the body so a captured request cannot be replayed later, and
 * checked against a tolerance window on receipt.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a signature was refused. */
export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch';

/** The result of `verifySignature`. */
export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

function digest(secret: string, body: string | Uint8Array, timestampSeconds: number): Buffer {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest();
}

/** The header value signing `body` (the exact bytes sent) at `timestampSeconds`. */
export function signPayload(secret: string, body: string | Uint8Array, timestampSeconds: number): string {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`timestampSeconds must be whole unix seconds, got ${timestampSeconds}`);
  }
  return `t=${timestampSeconds},v1=${digest(secret, body, timestampSeconds).toString('hex')}`;
}

/**
 * Checks `header` against `body` (the raw bytes received, before any JSON parsing). Several
 * `v1=` entries are allowed, so a sender can sign with an old and a new secret while rotating.
 * The timestamp must be within `toleranceSeconds` of `nowSeconds` either way (clocks drift).
 */
export function verifySignature(
  secret: string,
  body: string | Uint8Array,
  header: string | null | undefined,
  { nowSeconds, toleranceSeconds = 300 }: { nowSeconds: number; toleranceSeconds?: number },
): SignatureCheck {
  if (header === null || header === undefined || header.trim() === '') return { ok: false, reason: 'missing' };

  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return { ok: false, reason: 'malformed' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return { ok: false, reason: 'malformed' };
      candidates.push(Buffer.from(value, 'hex'));
    }
    // Other keys (a future v2 scheme) are ignored so senders can add them before we check them.
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };

  const expected = digest(secret, body, timestamp);
  // Compare with every candidate, not stopping at the first match, so timing says nothing either.
  let matched = false;
  for (const candidate of candidates) matched = timingSafeEqual(expected, candidate) || matched;
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
