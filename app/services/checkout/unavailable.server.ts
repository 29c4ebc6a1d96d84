import { DomainError } from '../platform/errors';
import { log } from '../platform/logger.server';
import type { PaymentsUnavailable } from '../payments/index.server';

/**
 * "Payments are unavailable": the 503 the clinic sees when the provider cannot be used (our key
 * refused, no answer). The provider's error is logged by its kind and codes, never its message.
 */
export function paymentsUnavailable(error: PaymentsUnavailable, checkoutId: string): DomainError {
  log().warn({ checkoutId, failure: error.failure, stripe: error.detail }, 'payments unavailable');
  return new DomainError('payments_unavailable', 'Payments are unavailable right now: nothing was charged and your cart is as you left it. Try again in a few minutes.', undefined, {
    reason: 'payments_unavailable',
    checkoutId,
  });
}
