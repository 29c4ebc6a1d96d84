/**
 * The payments room: talking to the payment provider, and every money movement of a checkout in
 * its ledger. docs/money.md describes the ledger, its invariants and the order's money state
 * machine; docs/decisions/004-payments.md and 012-money-ledger.md say when each movement happens
 * and which idempotency key it carries.
 *
 * - `types.ts`                 the provider interface (start, close), `PaymentRefused`, `PaymentsUnavailable`, `PaymentEvent`
 * - `stripe.server.ts`         the Stripe Checkout provider and webhook events read into `PaymentEvent`s
 * - `stripe-money.server.ts`   Stripe's money calls after a payment, their lookups, and the lists reconciliation reads
 * - `stripe-client.server.ts`  the SDK client (STRIPE_API_BASE or a test's stand-in) and what a failed request means
 * - `invoice.server.ts`        pay on account: confirmed at once against an invoice number
 * - `movements.server.ts`      movements as rows with a state, moved by compare-and-set; checked after each change
 * - `invariants.ts`            what a checkout's ledger must always satisfy (pure)
 * - `charges.server.ts`        the charge and each order's platform fee
 * - `order-money.server.ts`    moving an order's money at Stripe one step at a time, under the order's lock
 * - `refunds.server.ts`        refunding an order; refunds Stripe reports
 * - `transfers.server.ts`      paying a pharmacy on acceptance; reversals Stripe reports
 * - `accounts.server.ts`       a pharmacy's connected account: created with its onboarding link ("Set up payouts"), its capabilities (`account.updated`)
 * - `ledger.server.ts`         reading the ledger: a checkout's, an order's, the admin's list
 * - `reconciliation.server.ts` comparing the ledger with Stripe's own lists, daily and on demand
 * - `order-payment.server.ts`  an order's payment as the movements read it
 * - `keys.ts`                  the transfer group and idempotency keys of a payment's movements
 *
 * What a provider's events do to checkouts is the checkout room's (`../checkout/stripe-events.server.ts`).
 */
import { registerCron, registerTasks } from '../platform/jobs.server';
import { invoiceProvider } from './invoice.server';
import { settleOrderMoneyJob } from './order-money.server';
import { reconcileJob, RECONCILE_TASK } from './reconciliation.server';
import { syncRefundsOf } from './refunds.server';
import { stripeConfigured } from './stripe-client.server';
import { stripeProvider } from './stripe.server';
import type { PaymentProvider, ProviderName } from './types';

export type { PaymentClosing, PaymentEvent, PaymentPart, PaymentProvider, PaymentRequest, PaymentStart, PaymentTaken, ProviderName, SessionRef, StartedPayment } from './types';
export { PaymentRefused, PaymentsUnavailable } from './types';
export { configureStripe, createStripeClient, stripeConfigured, type StripeConnection } from './stripe-client.server';
export { expireOtherSessions, verifyStripeEvent } from './stripe.server';
export { movementKey, transferGroupOf } from './keys';
export { chargeEnded, chargeProcessing, chargeSucceeded, openCharge, recordPlatformFees } from './charges.server';
export { recordChargeRefunded, recordRefundUpdate, refundOrder, type RefundOutcome } from './refunds.server';
export { recordTransferReversed, scheduleTransfer, transferToPharmacy, type TransferOutcome } from './transfers.server';
export { payoutAccountSql, receivesTransfers, recordAccountStatus, setUpPayouts } from './accounts.server';
export { settleOrderMoney, SENDING_STALE_MS } from './order-money.server';
export { verifyCheckoutLedger } from './movements.server';
export { ledgerBalances, ledgerViolations, type LedgerBalances, type LedgerViolation } from './invariants';
export { adminMoneyList, checkoutLedgerView, orderMoney, type LedgerEntryView } from './ledger.server';
export { latestReconciliations, reconcile, startReconciliation } from './reconciliation.server';

/** Stripe when STRIPE_SECRET_KEY is set (or a test configured it), otherwise pay on account. */
export function getPaymentProvider(): PaymentProvider {
  return stripeConfigured() ? stripeProvider : invoiceProvider;
}

/** The provider a payment was started with, whatever is configured now. */
export function paymentProviderNamed(name: ProviderName): PaymentProvider {
  return name === 'stripe' ? stripeProvider : invoiceProvider;
}

/** Registers the payment jobs (an order's money, refunds Stripe reports, the daily reconciliation); called from registerAllTasks. */
export function registerPaymentTasks(): void {
  registerTasks({
    'payments.settle_order': async (payload: { orderId: string }) => settleOrderMoneyJob(payload.orderId),
    'payments.sync_refunds': async (payload: { paymentIntentId: string }) => {
      await syncRefundsOf(payload.paymentIntentId);
    },
    [RECONCILE_TASK]: reconcileJob,
  });
  // Every morning, the last two days (UTC) against Stripe's lists.
  registerCron(RECONCILE_TASK, '30 6 * * *', RECONCILE_TASK);
}
