/**
 * A pharmacy's signing secret (the `Vialcart-Signature` on orders we send and on events it
 * sends) and its rotation overlap: after a rotation the new secret signs everything we send,
 * and a signature made with either the new or the previous secret is accepted until the
 * previous one's expiry (docs/onboarding.md, "Secrets and rotation").
 */
import { randomBytes } from 'node:crypto';
import { verifySignature, type SignatureCheck } from '../../../pharmacies/signature';

/** The secret columns of a pharmacy. */
export type PharmacySecrets = { webhookSecret: string; previousWebhookSecret: string | null; previousSecretExpiresAt: Date | null };

/** A new signing secret: `whsec_` and 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The secrets a signature may be made with at `at`: the current one, and the previous one until its overlap ends. */
export function verifyingSecrets(pharmacy: PharmacySecrets, at: Date): string[] {
  const previous = pharmacy.previousWebhookSecret && pharmacy.previousSecretExpiresAt && pharmacy.previousSecretExpiresAt.getTime() > at.getTime() ? [pharmacy.previousWebhookSecret] : [];
  return [pharmacy.webhookSecret, ...previous];
}

/** Checks a `Vialcart-Signature` against every secret that verifies at `at`; the failure reported is the current secret's. */
export function verifyPharmacySignature(pharmacy: PharmacySecrets, body: string, header: string | null, at: Date): SignatureCheck {
  const nowSeconds = Math.floor(at.getTime() / 1000);
  let first: SignatureCheck | null = null;
  for (const secret of verifyingSecrets(pharmacy, at)) {
    const check = verifySignature(secret, body, header, { nowSeconds });
    if (check.ok) return check;
    first ??= check;
  }
  return first ?? { ok: false, reason: 'mismatch' };
}
