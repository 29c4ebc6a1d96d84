import { createHmac, timingSafeEqual } from 'node:crypto';
import { getEnv } from '../../env.server';

// Owners act on links in their messages without signing in: track an order, unsubscribe,
// request a refill. Each link carries a small payload signed with a key derived from
// SESSION_SECRET per purpose, so a tracking token can never be replayed as an unsubscribe.

/** What each kind of owner link carries. */
export type OwnerLinkPayloads = {
  /** The owner tracking page of one order (for one owner, optionally one pet). */
  track: { orderId: string; clientId: string; patientId?: string };
  /** One-click unsubscribe of one owner. */
  unsubscribe: { clientId: string };
  /** A prefilled refill request for one prescription (from a reminder). */
  refill: { prescriptionId: string; clientId: string; patientId: string; clinicId: string };
};
export type OwnerLinkKind = keyof OwnerLinkPayloads;

function key(kind: OwnerLinkKind): Buffer {
  return createHmac('sha256', getEnv().SESSION_SECRET).update(`vialcart.owner-link.${kind}`).digest();
}

function mac(kind: OwnerLinkKind, body: string): string {
  return createHmac('sha256', key(kind)).update(body).digest('base64url').slice(0, 32);
}

/** A signed, URL-safe token for `payload` (no expiry: the links live in owners' inboxes). */
export function signOwnerToken<K extends OwnerLinkKind>(kind: K, payload: OwnerLinkPayloads[K]): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(kind, body)}`;
}

/** The payload of a token signed for `kind`, or null when it is malformed or forged. */
export function verifyOwnerToken<K extends OwnerLinkKind>(kind: K, token: string | null | undefined): OwnerLinkPayloads[K] | null {
  if (!token || token.length > 2000) return null;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(kind, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as OwnerLinkPayloads[K]) : null;
  } catch {
    return null;
  }
}

/** Absolute URL of an owner link. */
export function ownerUrl(path: string): string {
  return new URL(path, getEnv().APP_URL).toString();
}

export const trackingPath = (payload: OwnerLinkPayloads['track']) => `/o/track/${signOwnerToken('track', payload)}`;
export const unsubscribePath = (clientId: string) => `/o/unsubscribe/${signOwnerToken('unsubscribe', { clientId })}`;
