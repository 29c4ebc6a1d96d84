import { sql } from 'kysely';
import { addDays } from '../../../validators/vocabulary';
import { clinicToday } from '../records/clinics.server';
import type { PaymentProvider } from './types';

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
    // Issued, and due, on the clinic's calendar days.
    const issuedOn = await clinicToday(db, request.clinicId);
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
