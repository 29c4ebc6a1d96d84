import { z } from 'zod';
import { CARRIERS, REJECTION_REASONS } from '~/lib/order-flow';
import { ORDER_STATUSES } from '../../validators/vocabulary';

/** `GET …/orders?status=&limit=&offset=` (clinic and pharmacy APIs). */
export const orderListQuerySchema = z.object({
  status: z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').optional(),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must not be negative').optional(),
});

/** The portal's reject form: a reason from the list, and the pharmacist's own words (required for "Other"). */
export const rejectOrderFormSchema = z
  .object({
    intent: z.literal('rejected'),
    eventId: z.string().min(1),
    reasonCode: z.enum(REJECTION_REASONS, { error: 'Choose a reason.' }),
    note: z.string().trim().max(500, 'Keep it under 500 characters.').optional().default(''),
  })
  .superRefine((v, ctx) => {
    if (v.reasonCode === 'Other' && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'Say why the order is rejected.' });
  });

/** The portal's ship form. */
export const shipOrderFormSchema = z.object({
  intent: z.literal('shipped'),
  eventId: z.string().min(1),
  carrier: z.enum(CARRIERS, { error: 'Choose a carrier.' }),
  trackingNumber: z
    .string()
    .trim()
    .min(1, 'Enter the tracking number.')
    .max(100, 'A tracking number is at most 100 characters.')
    .regex(/^[A-Za-z0-9 -]+$/, 'Use letters, digits, spaces and dashes only.'),
  expectedDelivery: z.union([z.literal(''), z.iso.date('Use a date like 2026-12-01.')]).optional(),
});

/** The portal's one-click steps (accept, start compounding, mark delivered). */
export const simpleOrderEventFormSchema = z.object({
  intent: z.enum(['accepted', 'compounding', 'delivered']),
  eventId: z.string().min(1),
});

/** Every intent of the portal's order page: one of the forms above, told apart by `intent`. */
export const pharmacyOrderActionSchema = z.discriminatedUnion('intent', [rejectOrderFormSchema, shipOrderFormSchema, simpleOrderEventFormSchema], { error: 'Unknown action.' });

/** The clinic's order page: "Send again" after a failed delivery. */
export const orderRetryFormSchema = z.object({ intent: z.literal('retry', { error: 'Unknown action.' }) });

/** The admin's delivery problems: "Retry" on one order. */
export const deliveryRetryFormSchema = z.object({ orderId: z.uuid({ message: 'Choose the order to send again.' }) });
