/**
 * The payments room: talking to the payment provider, and the money movements after a
 * payment. docs/decisions/004-payments.md says when each movement happens and which
 * idempotency key it carries.
 *
 * - `types.ts`                 the provider interface (start, close), `PaymentRefused`, `PaymentEvent`
 * - `stripe.server.ts`         every Stripe request: Checkout provider, webhook verification, Connect calls
 * - `stripe-client.server.ts`  the SDK client and its configuration (tests point it at a stand-in)
 * - `invoice.server.ts`        pay on account: confirmed at once against an invoice number
 * - `refunds.server.ts`        refunding an order (credit or Stripe refund), refunds Stripe reports
 * - `transfers.server.ts`      paying a pharmacy on acceptance, reversing a transfer
 * - `order-payment.server.ts`  an order's payment as both read it
 * - `keys.ts`                  the transfer group and idempotency keys of a payment's movements
 *
 * What a provider's events do to checkouts is the checkout room's (`../checkout/stripe-events.server.ts`).
 */
import { registerTasks } from '../platform/jobs.server';
import { invoiceProvider } from './invoice.server';
import { runRefund } from './refunds.server';
import { runTransferReversal, transferToPharmacy } from './transfers.server';
import { stripeConfigured } from './stripe-client.server';
import { stripeProvider } from './stripe.server';
import type { PaymentProvider, ProviderName } from './types';

export type { PaymentClosing, PaymentEvent, PaymentPart, PaymentProvider, PaymentRequest, PaymentStart, PaymentTaken, ProviderName, SessionRef, StartedPayment } from './types';
export { PaymentRefused } from './types';
export { configureStripe, createStripeClient, stripeConfigured, type StripeConnection } from './stripe-client.server';
export { verifyStripeEvent } from './stripe.server';
export { movementKey, transferGroupOf } from './keys';
export { recordChargeRefunded, refundOrder, type RefundOutcome } from './refunds.server';
export { scheduleTransfer, transferToPharmacy, type TransferOutcome } from './transfers.server';

/** Stripe when STRIPE_SECRET_KEY is set (or a test configured it), otherwise pay on account. */
export function getPaymentProvider(): PaymentProvider {
  return stripeConfigured() ? stripeProvider : invoiceProvider;
}

/** The provider a payment was started with, whatever is configured now. */
export function paymentProviderNamed(name: ProviderName): PaymentProvider {
  return name === 'stripe' ? stripeProvider : invoiceProvider;
}

/** Registers the payment jobs (refunds, transfers, reversals); called from registerAllTasks. */
export function registerPaymentTasks(): void {
  registerTasks({
    'payments.refund': async (payload: { movementId: string }) => runRefund(payload.movementId),
    'payments.transfer': async (payload: { orderId: string }) => {
      await transferToPharmacy(payload.orderId);
    },
    'payments.transfer_reversal': async (payload: { movementId: string }) => runTransferReversal(payload.movementId),
  });
}
