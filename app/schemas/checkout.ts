import { z } from 'zod';
import { INT32_MAX } from './fields';

/**
 * `POST /api/v1/carts/current/checkout` and the review page's "Pay" form: the cart version the
 * clinic reviewed (and, from the page, the cart's id), so a changed cart is never charged.
 */
export const checkoutSchema = z.object({
  version: z.coerce
    .number({ message: 'Say which cart version you reviewed.' })
    .int('The cart version is a whole number.')
    .min(1, 'The cart version is a whole number from 1.')
    .max(INT32_MAX, 'The cart version is a whole number from 1.'),
  cartId: z.uuid({ message: 'Not a cart id.' }).optional(),
  /** An API key pays in the name of this user of the clinic, whose role must allow paying (docs/roles.md). */
  actingUserId: z.uuid({ message: 'Give a user id of this clinic.' }).optional(),
});
export type CheckoutBody = z.output<typeof checkoutSchema>;

/** The payment page's "Cancel and go back to the cart". */
export const cancelCheckoutFormSchema = z.object({ intent: z.literal('cancel', { error: 'Unknown action.' }) });
