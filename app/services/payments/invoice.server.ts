import { sql } from 'kysely';
import { today } from '../platform/clock.server';
import type { PaymentProvider } from './types';

/** 'YYYY-MM-DD' plus `days` calendar days. */
function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Pay on account: the checkout is confirmed at once against an invoice the clinic settles
 * within its payment terms. Numbers come from one database sequence, so two app servers never
 * hand out the same one; the year in front is for the clinic's bookkeeping.
 */
export const invoiceProvider: PaymentProvider = {
  name: 'invoice',
  external: false,
  async start(db, request) {
    const { rows } = await sql<{ n: string }>`select nextval('invoice_number_seq')::text as n`.execute(db);
    const issuedOn = today();
    return {
      kind: 'confirmed',
      invoiceNumber: `INV-${issuedOn.slice(0, 4)}-${rows[0]!.n.padStart(6, '0')}`,
      dueOn: addDays(issuedOn, request.clinic.paymentTermsDays),
    };
  },
  /** An invoice is confirmed as it starts: there is never an open payment page to close. */
  async close() {
    return { state: 'closed' };
  },
};
