import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { getEnv } from '../../env.server';
import { openSecret, sealSecret } from '../platform/secrets.server';

// The links of account emails (setup, invitation, password reset) carry a token made of a
// random secret and a signature over it: `<secret>.<mac>`. The signature (HMAC-SHA256 with a
// key derived from SESSION_SECRET per purpose) refuses a tampered or misdirected token before
// any lookup, and an invitation token can never be replayed as a reset; the database keeps
// only SHA-256 of the secret, so a copy of the database opens no account
// (docs/onboarding.md, "Links and tokens").

/** What a token is for; each purpose signs with its own key. */
export type TokenPurpose = 'setup' | 'invitation' | 'password_reset';

/** How long each kind of link stays valid, in minutes. */
export const TOKEN_LIFETIME_MINUTES = {
  setup: 24 * 60,
  invitation: 72 * 60,
  password_reset: 30,
} as const satisfies Record<TokenPurpose, number>;

function key(label: string): Buffer {
  return createHmac('sha256', getEnv().SESSION_SECRET).update(`vialcart.${label}`).digest();
}

function mac(purpose: TokenPurpose, secret: string): string {
  return createHmac('sha256', key(`token.${purpose}`)).update(secret).digest('base64url').slice(0, 32);
}

/** SHA-256 of a token's secret part, as stored. */
function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new token for `purpose`: the string for the link, and the hash the database keeps. */
export function issueToken(purpose: TokenPurpose): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${secret}.${mac(purpose, secret)}`, hash: hashSecret(secret) };
}

/**
 * The stored hash a token stands for, or null when the token is malformed or its signature is
 * not ours for this purpose (tampered, truncated, or made for another purpose).
 */
export function tokenHash(purpose: TokenPurpose, token: string | null | undefined): string | null {
  if (!token || token.length > 200) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const secret = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(purpose, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return hashSecret(secret);
}

/** A placeholder an outbox body carries where its sealed link goes. */
export const LINK_PLACEHOLDER = '{{link}}';

// An account email waits in the outbox until it is sent; its link is kept sealed there with
// the platform's credential sealing (platform/secrets.server.ts: AES-256-GCM), so the outbox
// never holds a usable token in clear text. Delivery opens it and forgets it once sent.

/** Seals a link for the outbox. */
export const sealLink = (link: string): string => sealSecret(link);

/** Opens a sealed link, or null when it was sealed under another key or altered. */
export const openLink = (sealed: string | null): string | null => openSecret(sealed);

/** An outbox body with its link put back (for delivery), or shown as withheld. */
export function withLink(body: string, link: string | null): string {
  return body.split(LINK_PLACEHOLDER).join(link ?? '[link withheld: only the recipient’s email has it]');
}
