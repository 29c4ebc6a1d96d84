/** The keys payments are known by: shared by the checkout (which starts a payment) and the money movements after it. */

/** The Stripe Connect transfer group of a checkout: the charge and every pharmacy's transfer carry it. */
export function transferGroupOf(checkoutId: string): string {
  return `checkout_${checkoutId}`;
}

/**
 * Keys of the money movements of an order: one of each kind per order, ever. A movement's key is
 * its idempotency key at Stripe and rides in the request's metadata (`movement`), so a request
 * whose answer was lost is found again by it.
 */
export const movementKey = {
  refund: (orderId: string) => `refund:${orderId}`,
  transfer: (orderId: string) => `transfer:${orderId}`,
  transferReversal: (orderId: string) => `transfer_reversal:${orderId}`,
  /** A refund or reversal made outside vialcart (Stripe's dashboard), recorded by its Stripe id. */
  outside: (stripeId: string) => `stripe:${stripeId}`,
};
