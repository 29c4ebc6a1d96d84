import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// How credentials are stored: passwords with argon2id (slow on purpose), API keys with
// SHA-256 (they are long random strings, so a fast hash is enough and lookups stay indexed).

export function hashPassword(password: string): Promise<string> {
  return hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random API key with a readable prefix (`vc_live_…`). */
export function generateApiKey(prefix = 'vc'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** A deterministic UUID (v5-shaped) from a name, so demo data has the same ids everywhere. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update('vialcart:' + name).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
