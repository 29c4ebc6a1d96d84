/**
 * Transfers: a pharmacy is paid its share of an order when it accepts it (a Stripe Connect
 * transfer funded by the checkout's charge), and what Stripe reports of reversals is recorded.
 * The transfer itself is sent by the order's money job (order-money.server.ts), which reverses
 * it instead when the order is refunded.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { movementKey } from './keys';
import { addMovement, checkAfterMovement, moveMovement } from './movements.server';
import { scheduleOrderMoney, settleOrderMoney } from './order-money.server';
import { orderPayment, setPharmacyPayout } from './order-payment.server';
import type { ProviderTransfer } from './types';
import { getDb } from '../../../db/client';

/** What `transferToPharmacy` did. */
export type TransferOutcome =
  | { status: 'succeeded'; movementId: string; transferId: string; amountCents: number; created: boolean }
  | { status: 'skipped'; reason: 'invoice' | 'no_connected_account' | 'refunded' | 'not_accepted' };

const ACCEPTED = ['accepted', 'compounding', 'shipped', 'delivered'];

/**
 * Records, in the accepting transaction, that the pharmacy is to be paid its share of the order
 * (total less vialcart's platform fee, key `transfer:<order id>`) and queues the order's money
 * job, which sends it after the transaction commits. Invoice payments and pharmacies without a
 * connected account are paid outside Stripe (the invoice lists what each is owed): nothing to do.
 */
export async function scheduleTransfer(tx: Kysely<Database>, orderId: string): Promise<void> {
  const order = await orderPayment(tx, orderId, true);
  if (order.provider !== 'stripe') return;
  if (!order.stripeAccountId) {
    // Its account cannot receive transfers (none, or Stripe has not enabled its payouts): paid on
    // account, for good, even if its payouts are enabled later.
    await setPharmacyPayout(tx, orderId, 'on_account');
    return;
  }
  await setPharmacyPayout(tx, orderId, 'transfer');
  const { created } = await addMovement(tx, {
    paymentId: order.paymentId,
    checkoutId: order.checkoutId,
    clinicId: order.clinicId,
    orderId,
    kind: 'transfer',
    provider: 'stripe',
    amountCents: order.totalCents - order.platformFeeCents,
    key: movementKey.transfer(orderId),
    status: 'pending',
    note: 'the pharmacy accepted the order',
  });
  if (created) {
    await scheduleOrderMoney(tx, orderId);
    await checkAfterMovement(tx, order.checkoutId);
  }
}

/**
 * Pays a pharmacy its share of an order it has accepted, now: records the transfer if the
 * accepting transaction did not, and moves the order's money (docs/decisions/004-payments.md).
 * Idempotent: a second call answers the first transfer (`created: false`). An order being
 * refunded is never transferred (`refunded`). Throws when Stripe does not answer (the job retries).
 */
export async function transferToPharmacy(orderId: string): Promise<TransferOutcome> {
  const db = getDb();
  const order = await orderPayment(db, orderId, false);
  if (order.provider !== 'stripe') return { status: 'skipped', reason: 'invoice' };
  if (!order.stripeAccountId) return { status: 'skipped', reason: 'no_connected_account' };
  const key = movementKey.transfer(orderId);
  const refunded = await db.selectFrom('paymentMovements').select('id').where('orderId', '=', orderId).where('kind', '=', 'refund').executeTakeFirst();
  if (refunded) {
    await settleOrderMoney(orderId); // resolves a transfer left without an answer, and reverses it
    return { status: 'skipped', reason: 'refunded' };
  }
  if (!ACCEPTED.includes(order.orderStatus)) return { status: 'skipped', reason: 'not_accepted' };
  await db.transaction().execute((tx) => scheduleTransfer(tx, orderId));
  const before = await db.selectFrom('paymentMovements').select(['status']).where('idempotencyKey', '=', key).executeTakeFirstOrThrow();
  await settleOrderMoney(orderId);
  const movement = await db.selectFrom('paymentMovements').selectAll().where('idempotencyKey', '=', key).executeTakeFirstOrThrow();
  if (movement.status === 'succeeded' && movement.externalId) {
    return { status: 'succeeded', movementId: movement.id, transferId: movement.externalId, amountCents: movement.amountCents, created: before.status !== 'succeeded' };
  }
  if (movement.status === 'canceled') return { status: 'skipped', reason: 'refunded' };
  throw new Error(`order ${orderId}: the transfer is ${movement.status}; the order's money job will finish it`);
}

/**
 * `transfer.reversed`: Stripe says a transfer was (partly) reversed. Our own reversals it lists
 * are marked done (their answer may have been lost); one made from Stripe's dashboard is
 * recorded under its Stripe id. Answers how many reversals it recorded.
 */
export async function recordTransferReversed(tx: Kysely<Database>, transfer: ProviderTransfer): Promise<number> {
  const ours = await tx.selectFrom('paymentMovements').selectAll().where('kind', '=', 'transfer').where('externalId', '=', transfer.id).executeTakeFirst();
  if (!ours?.orderId) return 0;
  await orderPayment(tx, ours.orderId, true);
  let recorded = 0;
  for (const reversal of transfer.reversals) {
    const known = await tx
      .selectFrom('paymentMovements')
      .selectAll()
      .where('kind', '=', 'transfer_reversal')
      .where((eb) => eb.or([eb('externalId', '=', reversal.id), eb('idempotencyKey', '=', reversal.metadata.movement ?? '')]))
      .executeTakeFirst();
    if (known) {
      if (await moveMovement(tx, known.id, ['pending', 'sending', 'unknown', 'processing'], 'succeeded', { externalId: reversal.id, note: 'Stripe reported it reversed (transfer.reversed)' })) recorded += 1;
      continue;
    }
    const { created } = await addMovement(tx, {
      paymentId: ours.paymentId,
      checkoutId: ours.checkoutId,
      clinicId: ours.clinicId,
      orderId: ours.orderId,
      kind: 'transfer_reversal',
      provider: 'stripe',
      amountCents: reversal.amountCents,
      key: movementKey.outside(reversal.id),
      status: 'succeeded',
      externalId: reversal.id,
      note: 'reversed outside vialcart (reported by transfer.reversed)',
    });
    if (created) recorded += 1;
  }
  if (recorded > 0) await checkAfterMovement(tx, ours.checkoutId);
  return recorded;
}
