/**
 * What Stripe's webhook events do to checkouts (the route `POST /webhooks/stripe` hands over
 * the raw body and signature; `../payments/` verifies and reads them). Each event id is
 * recorded once, in the same transaction that applies it: a replay or a concurrent second
 * delivery finds it and does nothing. Slow work (the split) is queued, so Stripe gets its 2xx fast.
 *
 * - completed / async payment succeeded, paid: the checkout is paid and its split queued
 * - completed, unpaid (a bank debit): the checkout is `processing`, its stock held, until Stripe
 *   says how it went; it can be neither cancelled nor paid again meanwhile
 * - async payment failed / expired: the stock is released and the cart reopened
 * - refund updated / failed, charge refunded: the ledger's refunds follow Stripe's status
 * - transfer reversed: the ledger's reversals are marked done (or recorded, if made outside)
 * - account updated: the pharmacy's charges/payouts capabilities are kept
 * A late or repeated event changes nothing twice: each step only moves forward.
 */
import { getDb } from '../../../db/client';
import { isUuid } from '../../../validators/vocabulary';
import { recordAccountStatus, recordChargeRefunded, recordRefundUpdate, recordTransferReversed, verifyStripeEvent, type SessionRef } from '../payments/index.server';
import { markProcessing, releaseCheckout } from './expiry.server';
import type { Tx } from './model';
import { confirmPayment } from './split.server';

/** What the webhook did with an event (the route answers 200 with it). */
export type WebhookOutcome = { received: true; eventId: string; type: string; duplicate: boolean; action: string };

/**
 * Verifies a Stripe delivery (a `bad_request`, and nothing changes, for a missing, forged or
 * stale signature) and applies it once.
 */
export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookOutcome> {
  const event = verifyStripeEvent(rawBody, signature);
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const first = await tx
        .insertInto('processedWebhookEvents')
        .values({ provider: 'stripe', eventId: event.id, type: event.type })
        .onConflict((oc) => oc.columns(['provider', 'eventId']).doNothing())
        .returning('eventId')
        .executeTakeFirst();
      const outcome = (action: string, duplicate = false): WebhookOutcome => ({ received: true, eventId: event.id, type: event.type, duplicate, action });
      if (!first) return outcome('none', true);

      switch (event.kind) {
        case 'session_completed': {
          const checkoutId = await checkoutOf(tx, event.session);
          if (!checkoutId) return outcome('unknown_checkout');
          if (!event.paid) {
            // An asynchronous method (bank debit): the stock stays held until Stripe says how it went.
            await markProcessing(tx, checkoutId, event.payment, { eventId: event.id, paymentStatus: event.paymentStatus });
            return outcome('awaiting_async_payment');
          }
          const toSplit = await confirmPayment(tx, checkoutId, event.payment);
          return outcome(toSplit ? 'split_queued' : 'already_split');
        }
        case 'session_ended': {
          const checkoutId = await checkoutOf(tx, event.session);
          if (!checkoutId) return outcome('unknown_checkout');
          const failed = event.outcome === 'failed';
          const released = await releaseCheckout(tx, checkoutId, {
            status: failed ? 'failed' : 'expired',
            reason: failed ? 'the payment failed' : 'the Stripe payment page expired unpaid',
          });
          return outcome(released ? 'released' : 'nothing_to_release');
        }
        case 'charge_refunded': {
          const recorded = await recordChargeRefunded(tx, { id: event.chargeId, paymentIntentId: event.paymentIntentId, amountRefundedCents: event.amountRefundedCents });
          return outcome(recorded ? 'refund_recorded' : 'unknown_charge');
        }
        case 'refund_updated':
          return outcome(await recordRefundUpdate(tx, event.refund));
        case 'transfer_reversed': {
          const recorded = await recordTransferReversed(tx, event.transfer);
          return outcome(recorded > 0 ? 'reversal_recorded' : 'unchanged');
        }
        case 'account_updated':
          return outcome((await recordAccountStatus(tx, event)) ? 'account_recorded' : 'unchanged');
        default:
          return outcome('ignored');
      }
    });
}

/** The checkout a session pays for: by the metadata we sent, else by the session id we stored. */
async function checkoutOf(tx: Tx, session: SessionRef): Promise<string | null> {
  if (session.checkoutId && isUuid(session.checkoutId)) {
    const row = await tx.selectFrom('checkouts').select('id').where('id', '=', session.checkoutId).executeTakeFirst();
    if (row) return row.id;
  }
  const bySession = await tx.selectFrom('payments').select('checkoutId').where('stripeSessionId', '=', session.sessionId).executeTakeFirst();
  return bySession?.checkoutId ?? null;
}
