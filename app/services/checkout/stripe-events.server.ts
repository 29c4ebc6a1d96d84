/**
 * What Stripe's webhook events do to checkouts (the route `POST /webhooks/stripe` hands over
 * the raw body and signature; `../payments/` verifies and reads them). Each event id is
 * recorded once, in the same transaction that applies it: a replay or a concurrent second
 * delivery finds it and does nothing. Slow work (the split) is queued, so Stripe gets its 2xx fast.
 *
 * - completed / async payment succeeded, paid: the checkout is paid and its split queued
 * - completed, unpaid (a bank debit): the stock stays held until Stripe says how it went
 * - async payment failed / expired: the stock is released and the cart reopened
 * - charge refunded: what Stripe says was refunded is recorded (never lowered)
 */
import { getDb } from '../../../db/client';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { recordChargeRefunded, verifyStripeEvent, type SessionRef } from '../payments/index.server';
import { releaseCheckout } from './expiry.server';
import type { Tx } from './model';
import { confirmPayment } from './split.server';

/** What the webhook did with an event (the route answers 200 with it). */
export type WebhookOutcome = { received: true; eventId: string; type: string; duplicate: boolean; action: string };

const SYSTEM = { actorType: 'system' as const, actorLabel: 'Stripe webhook' };

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
            await tx.updateTable('payments').set({ stripePaymentIntentId: event.payment.paymentIntentId }).where('checkoutId', '=', checkoutId).execute();
            await audit(tx, SYSTEM, { action: 'payment.processing', subjectType: 'checkout', subjectId: checkoutId, detail: { eventId: event.id, paymentStatus: event.paymentStatus } });
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
