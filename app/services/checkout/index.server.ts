/**
 * The checkout room: the clinic pays once for the exact cart version it reviewed, stock is
 * reserved, and on confirmation the cart becomes one order per pharmacy (docs/decisions/004-payments.md
 * says when money moves). What it owns, file by file:
 *
 * - `start.server.ts`    checking out a cart version: lock, validate, price, reserve, record
 * - `plan.server.ts`     the priced cart stored with the checkout (the split's only source of money)
 * - `stock.server.ts`    reservations: reserve, commit on split, release on expiry
 * - `payment.server.ts`  what the payment provider is asked to charge, and starting its payment page
 * - `split.server.ts`    confirmation (`markPaid`) and the split into one order per pharmacy
 * - `snapshot.server.ts` what each order line remembers of patient, medication and prescriber
 * - `expiry.server.ts`   ending an unpaid checkout: cancel, failed payment, the expiry timer
 * - `views.server.ts`    reading checkouts: the confirmation page, the invoice, the review page
 * - `model.ts`           the shapes above share (plan, views) and their constants
 *
 * Invariants: one payment per reviewed cart ((cart id, version) is unique and derives the
 * idempotency key); stock never goes negative (conditional reservations on offers locked in
 * id order); Σ orders = amount charged (orders are built from the stored plan); one split per
 * checkout (the split locks the checkout; `orders (checkout_id, pharmacy_id)` is unique).
 * Payments go through the provider in `../payments/`; this room never calls Stripe itself.
 */
import { registerTasks } from '../platform/jobs.server';
import { expireCheckout } from './expiry.server';
import { splitCheckout } from './split.server';

export { CHECKOUT_TTL_MS, type CheckoutOutcome, type CheckoutPlan, type CheckoutView, type OrderSummary, type PlanLine } from './model';
export { checkoutCart } from './start.server';
export { markPaid, splitCheckout } from './split.server';
export { cancelCheckout, releaseCheckout } from './expiry.server';
export { getCheckout, getInvoice, loadReview } from './views.server';

/** Registers the checkout jobs (split after a Stripe confirmation, expiry timer). */
export function registerCheckoutTasks(): void {
  registerTasks({
    'checkout.split': async (payload: { checkoutId: string }) => {
      await splitCheckout(payload.checkoutId);
    },
    'checkout.expire': async (payload: { checkoutId: string }) => expireCheckout(payload.checkoutId),
  });
}
