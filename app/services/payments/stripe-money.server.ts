/**
 * Stripe Connect money movements after a payment, and what Stripe holds of them: the charge
 * behind a payment, refunds, transfers to pharmacies and their reversals, each sent with the
 * movement's idempotency key and its key in the metadata (`movement`), so a request whose answer
 * was lost is found again by looking it up; and the lists the reconciliation reads, paged with
 * the SDK's auto-pagination. Failures arrive as `PaymentRefused` / `PaymentsUnavailable`.
 */
import { getStripe } from './stripe-client.server';
import { idOf, refundOf, reversalOf, stripeCall, stripeFind, transferOf } from './stripe.server';
import type { ProviderPayment, ProviderRefund, ProviderReversal, ProviderTransfer } from './types';

/** A period of Stripe's `created` times, in Unix seconds: from (inclusive) to (exclusive). */
export type StripePeriod = { from: Date; to: Date };
const created = (period: StripePeriod) => ({ gte: Math.floor(period.from.getTime() / 1000), lt: Math.ceil(period.to.getTime() / 1000) });

/** Finds the first item of an auto-paginated list that matches. */
async function firstOf<T>(list: AsyncIterable<T>, match: (item: T) => boolean): Promise<T | null> {
  for await (const item of list) if (match(item)) return item;
  return null;
}

export const stripeMoney = {
  /** The charge behind a PaymentIntent (`latest_charge`); null while it has none yet. */
  async chargeOf(paymentIntentId: string): Promise<string | null> {
    const intent = await stripeCall(() => getStripe().paymentIntents.retrieve(paymentIntentId));
    return idOf(intent.latest_charge);
  },

  /** A (partial) refund of a PaymentIntent; answers the refund as Stripe gives it (its status may not be final). */
  async refund(input: { paymentIntentId: string; amountCents: number; metadata: Record<string, string>; idempotencyKey: string }): Promise<ProviderRefund> {
    const refund = await stripeCall(() =>
      getStripe().refunds.create(
        { payment_intent: input.paymentIntentId, amount: input.amountCents, reason: 'requested_by_customer', metadata: input.metadata },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return refundOf(refund);
  },

  /** A transfer to a connected account, funded by `sourceCharge`, in the checkout's transfer group. */
  async transfer(input: {
    amountCents: number;
    destination: string;
    transferGroup: string;
    sourceCharge: string;
    description: string;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<ProviderTransfer> {
    const transfer = await stripeCall(() =>
      getStripe().transfers.create(
        {
          amount: input.amountCents,
          currency: 'usd',
          destination: input.destination,
          transfer_group: input.transferGroup,
          source_transaction: input.sourceCharge,
          description: input.description,
          metadata: input.metadata,
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return transferOf(transfer);
  },

  /** Takes (part of) a transfer back from the connected account. */
  async reverseTransfer(input: { transferId: string; amountCents: number; metadata: Record<string, string>; idempotencyKey: string }): Promise<ProviderReversal> {
    const reversal = await stripeCall(() =>
      getStripe().transfers.createReversal(input.transferId, { amount: input.amountCents, metadata: input.metadata }, { idempotencyKey: input.idempotencyKey }),
    );
    return reversalOf(reversal);
  },

  /** The transfer of a movement, looked up in its transfer group by the movement key in its metadata. */
  async findTransfer(transferGroup: string, movementKey: string): Promise<ProviderTransfer | null> {
    const found = await stripeCall(() => firstOf(getStripe().transfers.list({ transfer_group: transferGroup, limit: 100 }), (t) => t.metadata?.movement === movementKey));
    return found ? transferOf(found) : null;
  },

  /** The refund of a movement, looked up among its PaymentIntent's refunds by the movement key in its metadata. */
  async findRefund(paymentIntentId: string, movementKey: string): Promise<ProviderRefund | null> {
    const found = await stripeCall(() => firstOf(getStripe().refunds.list({ payment_intent: paymentIntentId, limit: 100 }), (r) => r.metadata?.movement === movementKey));
    return found ? refundOf(found) : null;
  },

  /** The reversal of a movement, looked up among its transfer's reversals by the movement key in its metadata. */
  async findReversal(transferId: string, movementKey: string): Promise<ProviderReversal | null> {
    const found = await stripeCall(() => firstOf(getStripe().transfers.listReversals(transferId, { limit: 100 }), (r) => r.metadata?.movement === movementKey));
    return found ? reversalOf(found) : null;
  },

  /** Every refund of a PaymentIntent. */
  listRefundsOf: (paymentIntentId: string) => collect(() => getStripe().refunds.list({ payment_intent: paymentIntentId, limit: 100 }), refundOf),

  /** One object by id, or null when Stripe does not have it. */
  retrieve: {
    payment: async (id: string): Promise<ProviderPayment | null> => {
      const pi = await stripeFind(() => getStripe().paymentIntents.retrieve(id));
      return pi ? paymentOf(pi) : null;
    },
    refund: async (id: string) => {
      const r = await stripeFind(() => getStripe().refunds.retrieve(id));
      return r ? refundOf(r) : null;
    },
    transfer: async (id: string) => {
      const t = await stripeFind(() => getStripe().transfers.retrieve(id));
      return t ? transferOf(t) : null;
    },
    reversal: async (transferId: string, id: string) => {
      const r = await stripeFind(() => getStripe().transfers.retrieveReversal(transferId, id));
      return r ? reversalOf(r) : null;
    },
  },

  /** Everything Stripe created in a period, page by page (`pageSize` per request). */
  list: {
    payments: (period: StripePeriod, pageSize = 100) => collect(() => getStripe().paymentIntents.list({ created: created(period), limit: pageSize }), paymentOf),
    refunds: (period: StripePeriod, pageSize = 100) => collect(() => getStripe().refunds.list({ created: created(period), limit: pageSize }), refundOf),
    transfers: (period: StripePeriod, pageSize = 100) => collect(() => getStripe().transfers.list({ created: created(period), limit: pageSize }), transferOf),
    reversals: (transferId: string, pageSize = 100) => collect(() => getStripe().transfers.listReversals(transferId, { limit: pageSize }), reversalOf),
  },
};

/** Reads a whole list (the SDK fetches the next page with `starting_after` as it goes). */
async function collect<T, U>(list: () => AsyncIterable<T>, map: (item: T) => U): Promise<U[]> {
  return stripeCall(async () => {
    const out: U[] = [];
    for await (const item of list()) out.push(map(item));
    return out;
  });
}

function paymentOf(pi: { id: string; amount: number; status: string; transfer_group?: string | null; metadata?: Record<string, string> | null; created: number }): ProviderPayment {
  return { id: pi.id, amountCents: pi.amount, status: pi.status, transferGroup: pi.transfer_group ?? null, metadata: pi.metadata ?? {}, created: pi.created };
}
