/** The keys payments are known by: shared by the checkout (which starts a payment) and the money movements after it. */

/** The Stripe Connect transfer group of a checkout: the charge and every pharmacy's transfer carry it. */
export function transferGroupOf(checkoutId: string): string {
  return `checkout_${checkoutId}`;
}

/** Idempotency keys of the money movements of an order: one of each kind per order, ever. */
export const movementKey = {
  refund: (orderId: string) => `refund:${orderId}`,
  transfer: (orderId: string) => `transfer:${orderId}`,
  transferReversal: (orderId: string) => `transfer_reversal:${orderId}`,
};
