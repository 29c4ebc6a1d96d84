/**
 * A pharmacy's Stripe Connect account: "Set up payouts" creates it and its onboarding link
 * (`setUpPayouts`), and what Stripe says of it (`account.updated`: whether it can take charges
 * and receive payouts) is kept on the pharmacy with when Stripe said it, so an event that
 * arrives late never overwrites a newer one. A pharmacy whose account Stripe says cannot
 * receive payouts is paid on account, outside Stripe (`payoutAccountSql`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import type { Principal } from '../identity/principal';
import { notFound } from '../platform/errors';
import { PAYMENTS_SYSTEM as SYSTEM } from './order-payment.server';
export { payoutAccountSql } from './order-payment.server';
import { createConnectedAccount, createOnboardingLink } from './stripe.server';

/** Whether a pharmacy can be paid by transfer now (see `payoutAccountSql`). */
export function receivesTransfers(pharmacy: { stripeAccountId: string | null; stripePayoutsEnabled: boolean | null }): boolean {
  return pharmacy.stripeAccountId !== null && pharmacy.stripePayoutsEnabled !== false;
}

/**
 * "Set up payouts": creates the pharmacy's connected account unless it has one (recorded on the
 * pharmacy with what Stripe says it can do, audited), then a fresh Stripe-hosted onboarding
 * link coming back to `urls`. Stripe failures arrive as `PaymentRefused` / `PaymentsUnavailable`;
 * an account created whose answer was lost is found again by the same idempotency key.
 */
export async function setUpPayouts(
  db: Kysely<Database>,
  principal: Principal,
  pharmacyId: string,
  urls: { refreshUrl: string; returnUrl: string },
): Promise<{ accountId: string; created: boolean; url: string; expiresAt: Date }> {
  const pharmacy = await db.selectFrom('pharmacies').select(['id', 'name', 'email', 'stripeAccountId']).where('id', '=', pharmacyId).executeTakeFirst();
  if (!pharmacy) throw notFound('Pharmacy');
  let accountId = pharmacy.stripeAccountId;
  let created = false;
  if (!accountId) {
    const account = await createConnectedAccount(pharmacy);
    created = await db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('pharmacies')
        .set({ stripeAccountId: account.accountId, stripeChargesEnabled: account.chargesEnabled, stripePayoutsEnabled: account.payoutsEnabled, stripeAccountCheckedAt: account.createdAt })
        .where('id', '=', pharmacyId)
        .where('stripeAccountId', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!row) return false;
      await audit(tx, principal, {
        action: 'pharmacy.stripe_account_created',
        subjectType: 'pharmacy',
        subjectId: pharmacyId,
        pharmacyId,
        detail: { accountId: account.accountId, chargesEnabled: account.chargesEnabled, payoutsEnabled: account.payoutsEnabled },
      });
      return true;
    });
    accountId = created ? account.accountId : ((await db.selectFrom('pharmacies').select('stripeAccountId').where('id', '=', pharmacyId).executeTakeFirstOrThrow()).stripeAccountId ?? account.accountId);
  }
  const link = await createOnboardingLink(accountId, urls);
  return { accountId, created, ...link };
}

/** Records an account's capabilities on its pharmacy; answers whether a pharmacy took them (false: unknown account, or an older event). */
export async function recordAccountStatus(tx: Kysely<Database>, account: { accountId: string; chargesEnabled: boolean; payoutsEnabled: boolean; at: Date }): Promise<boolean> {
  const updated = await tx
    .updateTable('pharmacies')
    .set({ stripeChargesEnabled: account.chargesEnabled, stripePayoutsEnabled: account.payoutsEnabled, stripeAccountCheckedAt: account.at })
    .where('stripeAccountId', '=', account.accountId)
    .where((eb) => eb.or([eb('stripeAccountCheckedAt', 'is', null), eb('stripeAccountCheckedAt', '<=', account.at)]))
    .returning(['id'])
    .execute();
  for (const p of updated) {
    await audit(tx, SYSTEM, {
      action: 'pharmacy.stripe_account_updated',
      subjectType: 'pharmacy',
      subjectId: p.id,
      pharmacyId: p.id,
      detail: { accountId: account.accountId, chargesEnabled: account.chargesEnabled, payoutsEnabled: account.payoutsEnabled },
    });
  }
  return updated.length > 0;
}
