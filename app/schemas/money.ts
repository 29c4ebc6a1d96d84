import { z } from 'zod';

/** How far back the admin's "Reconcile now" compares the ledger with Stripe. */
export const RECONCILE_PERIODS = [1, 7, 30] as const;

/** `/admin/money`'s "Reconcile now" form: the period, in days. */
export const reconcileFormSchema = z.object({
  days: z.coerce
    .number({ message: 'Choose a period.' })
    .int('Choose a period.')
    .refine((n) => (RECONCILE_PERIODS as readonly number[]).includes(n), 'Choose 1, 7 or 30 days.'),
});
export type ReconcileForm = z.output<typeof reconcileFormSchema>;
