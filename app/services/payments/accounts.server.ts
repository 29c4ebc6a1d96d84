/**
 * What Stripe says of a pharmacy's connected account (`account.updated`): whether it can take
 * charges and receive payouts. Kept on the pharmacy with when Stripe said it, so an event that
 * arrives late never overwrites a newer one. Creating accounts and onboarding links is the
 * pharmacy onboarding's; this is the webhook's side of it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { audit } from '../audit/audit.server';
import { PAYMENTS_SYSTEM as SYSTEM } from './order-payment.server';

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
