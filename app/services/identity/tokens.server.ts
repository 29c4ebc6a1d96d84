import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { getEnv } from '../../env.server';

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

// An account email waits in the outbox until it is sent; its link is kept sealed there
// (AES-256-GCM, key derived from SESSION_SECRET), so the outbox never holds a usable token
// in clear text. Delivery opens it and forgets it once the message is sent.

/** Seals a link for the outbox. */
export function sealLink(link: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key('outbox-link'), iv);
  const body = Buffer.concat([cipher.update(link, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** Opens a sealed link, or null when it was sealed with another secret or altered. */
export function openLink(sealed: string | null): string | null {
  if (!sealed) return null;
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key('outbox-link'), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** An outbox body with its link put back (for delivery), or shown as withheld. */
export function withLink(body: string, link: string | null): string {
  return body.split(LINK_PLACEHOLDER).join(link ?? '[link withheld: only the recipient’s email has it]');
}
