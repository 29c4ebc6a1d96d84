/**
 * Stripe's books (as the local stand-in keeps them) against vialcart's ledger, for one checkout:
 * written here, independently of the application's reconciliation, so a test can say "Stripe's
 * state equals the ledger" without trusting the code under test to check itself.
 */
import { getDb } from '../../db/client';
import type { StripeBooks } from './stripe-server';

const refundState = (status: string) => (status === 'succeeded' ? 'succeeded' : status === 'failed' || status === 'canceled' ? 'failed' : 'processing');
const paymentState = (status: string) => (status === 'succeeded' ? 'succeeded' : status === 'processing' ? 'processing' : 'failed');

/** Every way Stripe's books and the checkout's ledger disagree (empty when they agree). */
export async function booksDiffer(books: StripeBooks, checkoutId: string): Promise<string[]> {
  const movements = await getDb().selectFrom('paymentMovements').selectAll().where('checkoutId', '=', checkoutId).where('provider', '=', 'stripe').execute();
  const out: string[] = [];
  const byId = new Map(movements.filter((m) => m.externalId).map((m) => [m.externalId!, m]));

  // The charge: the PaymentIntent of the checkout's page, if it was paid (or is being paid).
  const intents = books.paymentIntents.filter((pi) => pi.metadata.checkoutId === checkoutId);
  const charge = movements.find((m) => m.kind === 'charge');
  if (intents.length > 1) out.push(`${intents.length} PaymentIntents for one checkout`);
  for (const pi of intents) {
    if (charge?.externalId !== pi.id) out.push(`PaymentIntent ${pi.id} (${pi.status}) is not the ledger's charge (${charge?.externalId ?? 'none'})`);
    else if (charge.status !== paymentState(pi.status)) out.push(`charge ${pi.id}: ${charge.status} in the ledger, ${pi.status} at Stripe`);
    if (charge && charge.amountCents !== pi.amount) out.push(`charge ${pi.id}: ${charge.amountCents} in the ledger, ${pi.amount} at Stripe`);
  }
  if (intents.length === 0 && charge && charge.status !== 'canceled' && charge.status !== 'failed' && charge.status !== 'pending') {
    out.push(`the ledger's charge is ${charge.status} but Stripe has no PaymentIntent`);
  }

  // Refunds: each of Stripe's is the ledger's, with its amount and status, and the other way round.
  const stripeRefunds = books.refunds.filter((r) => r.metadata.checkoutId === checkoutId || intents.some((pi) => pi.id === r.payment_intent));
  for (const r of stripeRefunds) {
    const m = byId.get(r.id);
    if (!m || m.kind !== 'refund') out.push(`refund ${r.id} of ${r.amount} (${r.status}) is not in the ledger`);
    else if (m.amountCents !== r.amount || m.status !== refundState(r.status)) out.push(`refund ${r.id}: ${m.amountCents}/${m.status} in the ledger, ${r.amount}/${r.status} at Stripe`);
  }
  for (const m of movements.filter((x) => x.kind === 'refund' && ['sending', 'unknown', 'processing', 'succeeded'].includes(x.status))) {
    if (!m.externalId || !stripeRefunds.some((r) => r.id === m.externalId)) out.push(`the ledger's refund ${m.idempotencyKey} (${m.status}) is not at Stripe`);
  }

  // Transfers and their reversals.
  const transfers = books.transfers.filter((t) => t.transfer_group === `checkout_${checkoutId}`);
  for (const t of transfers) {
    const m = byId.get(t.id);
    if (!m || m.kind !== 'transfer') out.push(`transfer ${t.id} of ${t.amount} is not in the ledger`);
    else if (m.status !== 'succeeded' || m.amountCents !== t.amount) out.push(`transfer ${t.id}: ${m.amountCents}/${m.status} in the ledger, ${t.amount} at Stripe`);
    const reversed = movements.filter((x) => x.kind === 'transfer_reversal' && x.status === 'succeeded' && x.orderId === m?.orderId).reduce((s, x) => s + x.amountCents, 0);
    if (reversed !== t.amount_reversed) out.push(`transfer ${t.id}: ${reversed} reversed in the ledger, ${t.amount_reversed} at Stripe`);
    for (const r of t.reversals.data as { id: string }[]) if (!byId.has(r.id)) out.push(`reversal ${r.id} of transfer ${t.id} is not in the ledger`);
  }
  for (const m of movements.filter((x) => x.kind === 'transfer' && x.status !== 'canceled' && x.status !== 'failed' && x.status !== 'pending')) {
    if (!transfers.some((t) => t.id === m.externalId)) out.push(`the ledger's transfer ${m.idempotencyKey} (${m.status}) is not at Stripe`);
  }
  return out;
}
