import type Stripe from 'stripe';
import { getDb } from '../../../db/client';
import { audit } from '../audit/audit.server';
import { markPaid, releaseCheckout } from '../checkout/index.server';
import { DomainError } from '../platform/errors';
import { enqueue } from '../platform/jobs.server';
import { recordChargeRefunded } from './index.server';
import { getStripe, stripeWebhookSecret } from './stripe.server';

/** What the webhook did with an event (the route answers 200 with it). */
export type WebhookOutcome = { received: true; eventId: string; type: string; duplicate: boolean; action: string };

/** Seconds a signature stays valid: Stripe's default; older deliveries are refused as replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const SYSTEM = { actorType: 'system' as const, actorLabel: 'Stripe webhook' };

/**
 * Verifies a Stripe delivery against the raw body and the `Stripe-Signature` header (400, and
 * nothing changes, for a forged or stale one), records the event id once (a replay or a
 * concurrent second delivery of the same event finds it and does nothing), and applies the
 * event in the same transaction. Slow work (the split) is queued, so Stripe gets its 2xx fast.
 */
export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookOutcome> {
  if (!signature) throw new DomainError('bad_request', 'Missing Stripe-Signature header.');
  let event: Stripe.Event;
  try {
    event = getStripe().webhooks.constructEvent(rawBody, signature, stripeWebhookSecret(), SIGNATURE_TOLERANCE_SECONDS);
  } catch {
    throw new DomainError('bad_request', 'The Stripe signature does not match this body, or it is too old.');
  }
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

      switch (event.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded': {
          const session = event.data.object;
          const checkoutId = await checkoutOf(tx, session);
          if (!checkoutId) return outcome('unknown_checkout');
          const paymentIntentId = typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);
          if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') {
            // An asynchronous method (bank debit): the stock stays held until Stripe says how it went.
            await tx.updateTable('payments').set({ stripePaymentIntentId: paymentIntentId }).where('checkoutId', '=', checkoutId).execute();
            await audit(tx, SYSTEM, { action: 'payment.processing', subjectType: 'checkout', subjectId: checkoutId, detail: { eventId: event.id, paymentStatus: session.payment_status } });
            return outcome('awaiting_async_payment');
          }
          const toSplit = await markPaid(tx, checkoutId, { sessionId: session.id, paymentIntentId, amountTotalCents: session.amount_total });
          if (toSplit) await enqueue(tx, 'checkout.split', { checkoutId }, { jobKey: `checkout.split:${checkoutId}` });
          return outcome(toSplit ? 'split_queued' : 'already_split');
        }
        case 'checkout.session.async_payment_failed':
        case 'checkout.session.expired': {
          const session = event.data.object;
          const checkoutId = await checkoutOf(tx, session);
          if (!checkoutId) return outcome('unknown_checkout');
          const failed = event.type === 'checkout.session.async_payment_failed';
          const released = await releaseCheckout(tx, checkoutId, {
            status: failed ? 'failed' : 'expired',
            reason: failed ? 'the payment failed' : 'the Stripe payment page expired unpaid',
          });
          return outcome(released ? 'released' : 'nothing_to_release');
        }
        case 'charge.refunded': {
          const charge = event.data.object;
          const paymentIntentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null);
          const recorded = await recordChargeRefunded(tx, { id: charge.id, paymentIntentId, amountRefundedCents: charge.amount_refunded });
          return outcome(recorded ? 'refund_recorded' : 'unknown_charge');
        }
        default:
          return outcome('ignored');
      }
    });
}

/** The checkout a session pays for: by the metadata we sent, else by the session id we stored. */
async function checkoutOf(tx: Parameters<typeof markPaid>[0], session: Stripe.Checkout.Session): Promise<string | null> {
  const fromMetadata = session.metadata?.checkoutId;
  if (fromMetadata && /^[0-9a-f-]{36}$/i.test(fromMetadata)) {
    const row = await tx.selectFrom('checkouts').select('id').where('id', '=', fromMetadata).executeTakeFirst();
    if (row) return row.id;
  }
  const bySession = await tx.selectFrom('payments').select('checkoutId').where('stripeSessionId', '=', session.id).executeTakeFirst();
  return bySession?.checkoutId ?? null;
}
