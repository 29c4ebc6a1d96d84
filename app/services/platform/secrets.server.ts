/**
 * Sealing credentials a clinic stores with vialcart (its Twilio auth token, an API key's
 * secret): AES-256-GCM under a key from SECRETS_KEY (or, unset, derived from SESSION_SECRET),
 * so a database dump alone does not reveal them. Only the last characters are ever shown back.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { getEnv } from '../../env.server';

const VERSION = 'v1';
/** Demo data (public by design, e.g. the demo clinic's Twilio token) is stored readable with this prefix. */
const PLAIN = 'plain:';

function key(): Buffer {
  const env = getEnv();
  const material = env.SECRETS_KEY ?? env.SESSION_SECRET;
  return Buffer.from(hkdfSync('sha256', material, 'vialcart', 'vialcart stored credentials v1', 32));
}

/** The sealed form of a secret: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** A value the demo seed stores readable (it is published demo data, never a real secret). */
export function demoSecret(plain: string): string {
  return PLAIN + plain;
}

/** The secret, or null when it cannot be opened (sealed under another key, or damaged). */
export function openSecret(sealed: string | null | undefined): string | null {
  if (!sealed) return null;
  if (sealed.startsWith(PLAIN)) return sealed.slice(PLAIN.length);
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ct === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** What may be shown of a secret: its last 4 characters. */
export function secretHint(plain: string): string {
  return plain.length <= 8 ? '…' : `…${plain.slice(-4)}`;
}
