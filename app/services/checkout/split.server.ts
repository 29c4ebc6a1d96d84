/**
 * Confirmation and the split: a confirmed payment marks its checkout paid, and a paid
 * checkout becomes one order per pharmacy in one transaction, built from the stored plan
 * (never a fresh pricing). `splitCheckout` locks the checkout and does nothing once it is
 * `split`; `orders (checkout_id, pharmacy_id)` is unique as the backstop.
 */
import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { daysSupply, parseSig } from '../../../validators/sig';
import { audit } from '../audit/audit.server';
import { createOpenCart, lockCart, setCartStatus } from '../cart/store.server';
import type { Principal } from '../identity/principal';
import { enqueueOrderDelivery } from '../orders/index.server';
import { now } from '../platform/clock.server';
import { conflict, notFound } from '../platform/errors';
import { enqueue } from '../platform/jobs.server';
import { clinicToday } from '../records/clinics.server';
import { chargeSucceeded, recordPlatformFees, type PaymentTaken } from '../payments/index.server';
import { CHECKOUT_SYSTEM as SYSTEM, type CheckoutPlan, type Db, type PlanLine, type Tx } from './model';
import { loadSnapshots } from './snapshot.server';
import { commitStock } from './stock.server';

/**
 * Records that a checkout's payment is confirmed (invoice at once; Stripe from its webhook).
 * Idempotent: a paid or split checkout stays as it is. Returns whether the checkout is now
 * waiting to be split.
 */
export async function markPaid(
  tx: Tx | Db,
  checkoutId: string,
  details: { confirmedBy?: Principal; sessionId?: string; paymentIntentId?: string | null; amountTotalCents?: number | null } = {},
): Promise<boolean> {
  const checkout = await tx.selectFrom('checkouts').select(['id', 'status', 'clinicId', 'amountCents', 'provider']).where('id', '=', checkoutId).forUpdate().executeTakeFirst();
  if (!checkout) return false;
  if (checkout.status === 'paid') return true;
  if (checkout.status === 'split') return false;
  const at = now();
  const lateAfter = checkout.status === 'expired' || checkout.status === 'failed' ? checkout.status : null;
  await tx.updateTable('checkouts').set({ status: 'paid', paidAt: at, failureReason: null }).where('id', '=', checkoutId).execute();
  await tx
    .updateTable('payments')
    .set({
      status: 'succeeded',
      confirmedAt: at,
      ...(details.paymentIntentId ? { stripePaymentIntentId: details.paymentIntentId } : {}),
    })
    .where('checkoutId', '=', checkoutId)
    .execute();
  if (details.sessionId) {
    await tx.updateTable('payments').set({ stripeSessionId: details.sessionId }).where('checkoutId', '=', checkoutId).where('stripeSessionId', 'is', null).execute();
  }
  await chargeSucceeded(tx, checkoutId, details.paymentIntentId ?? null, lateAfter ? `paid after the checkout ${lateAfter === 'failed' ? 'failed' : 'expired'}` : 'payment confirmed');
  const mismatch = details.amountTotalCents != null && details.amountTotalCents !== checkout.amountCents;
  await audit(tx, details.confirmedBy ?? SYSTEM, {
    action: 'payment.confirmed',
    subjectType: 'checkout',
    subjectId: checkoutId,
    clinicId: checkout.clinicId,
    detail: {
      provider: checkout.provider,
      amountCents: checkout.amountCents,
      ...(details.paymentIntentId ? { paymentIntentId: details.paymentIntentId } : {}),
      ...(mismatch ? { amountChargedCents: details.amountTotalCents, mismatch: true } : {}),
      ...(lateAfter ? { confirmedAfter: lateAfter } : {}),
    },
  });
  return true;
}

/**
 * A payment the provider took (its webhook, or found when closing it): the checkout is marked
 * paid and its split queued (job key per checkout). Answers whether a split was queued.
 */
export async function confirmPayment(tx: Tx, checkoutId: string, taken: PaymentTaken): Promise<boolean> {
  const toSplit = await markPaid(tx, checkoutId, taken);
  if (toSplit) await enqueue(tx, 'checkout.split', { checkoutId }, { jobKey: `checkout.split:${checkoutId}` });
  return toSplit;
}

/**
 * Splits a paid checkout into one order per pharmacy, in one transaction: snapshot order lines,
 * reservations committed, refills counted, each order's delivery enqueued, a fresh open cart.
 * Idempotent: a split checkout answers `created: false`. Throws for an unpaid checkout.
 */
export async function splitCheckout(checkoutId: string): Promise<{ created: boolean; orderIds: string[] }> {
  return getDb().transaction().execute((tx) => splitInTx(tx, checkoutId));
}

/** `known`: the plan the caller holds in memory (the checkout just made it), to spare reading it back. */
export async function splitInTx(tx: Tx, checkoutId: string, known?: CheckoutPlan): Promise<{ created: boolean; orderIds: string[] }> {
  const checkout = await tx
    .selectFrom('checkouts')
    .select(['id', 'clinicId', 'cartId', 'cartVersion', 'status', 'createdBy', 'amountCents', 'provider'])
    .select(known ? sql<unknown>`null`.as('plan') : 'plan')
    .where('id', '=', checkoutId)
    .forUpdate()
    .executeTakeFirst();
  if (!checkout) throw notFound('Checkout');
  if (checkout.status === 'split') {
    const orders = await tx.selectFrom('orders').select('id').where('checkoutId', '=', checkoutId).execute();
    return { created: false, orderIds: orders.map((o) => o.id) };
  }
  if (checkout.status !== 'paid') throw conflict(`Checkout ${checkoutId} is ${checkout.status}, not paid: it cannot be split.`);
  const plan = known ?? (checkout.plan as CheckoutPlan);
  const at = now();
  const filledOn = await clinicToday(tx, checkout.clinicId);
  const snapshot = await loadSnapshots(tx, checkout.clinicId, plan);

  // One order per pharmacy, in the order the pharmacy first appears in the cart.
  type Group = { pharmacyId: string; lines: PlanLine[]; subtotal: number; shipping: number; fees: number; platform: number; total: number };
  const groups = new Map<string, Group>();
  for (const line of plan.lines) {
    let g = groups.get(line.pharmacyId);
    if (!g) groups.set(line.pharmacyId, (g = { pharmacyId: line.pharmacyId, lines: [], subtotal: 0, shipping: 0, fees: 0, platform: 0, total: 0 }));
    g.lines.push(line);
    g.subtotal += line.unitPriceCents * line.quantity;
    g.shipping += line.shippingShareCents;
    g.fees += line.feeShareCents;
    g.platform += line.platformFeeCents;
    g.total += line.lineTotalCents;
  }
  const sum = [...groups.values()].reduce((s, g) => s + g.total, 0);
  if (sum !== checkout.amountCents) throw new Error(`checkout ${checkoutId}: orders would total ${sum}, the charge was ${checkout.amountCents}`);

  const orders = await tx
    .insertInto('orders')
    .values(
      [...groups.values()].map((g) => ({
        clinicId: checkout.clinicId,
        checkoutId,
        pharmacyId: g.pharmacyId,
        status: 'pending_delivery' as const,
        subtotalCents: g.subtotal,
        shippingCents: g.shipping,
        feesCents: g.fees,
        platformFeeCents: g.platform,
        totalCents: g.total,
        createdAt: at,
        updatedAt: at,
      })),
    )
    .returning(['id', 'pharmacyId'])
    .execute();
  const orderOf = new Map(orders.map((o) => [o.pharmacyId, o.id]));
  await recordPlatformFees(
    tx,
    { id: checkoutId, clinicId: checkout.clinicId, provider: checkout.provider },
    [...groups.values()].map((g) => ({ id: orderOf.get(g.pharmacyId)!, platformFeeCents: g.platform })),
  );

  // A refill day repeats the same few SIGs: parse each text once.
  const parsedSigs = new Map<string, ReturnType<typeof parseSig>>();
  const lineRows = plan.lines.map((l) => {
    let parsed = parsedSigs.get(l.sig);
    if (!parsed) parsedSigs.set(l.sig, (parsed = parseSig(l.sig)));
    const packageSize = snapshot.packageSize(l.offerId);
    const supply = daysSupply(parsed, l.quantity, packageSize ?? 1);
    return {
      orderId: orderOf.get(l.pharmacyId)!,
      clinicId: checkout.clinicId,
      cartLineId: l.cartLineId,
      patientId: l.patientId,
      prescriptionId: l.prescriptionId,
      offerId: l.offerId,
      medicationId: l.medicationId,
      prescriberId: l.prescriberId,
      quantity: l.quantity,
      sig: l.sig,
      sigParsed: parsed,
      shipTo: l.shipTo,
      shipState: l.shipState,
      unitPriceCents: l.unitPriceCents,
      lineTotalCents: l.lineTotalCents,
      landedCostCents: l.landedCostPerVialCents,
      snapshot: snapshot.of(l),
      filledOn,
      daysSupply: packageSize && supply !== undefined ? Math.max(1, Math.round(supply)) : null,
    };
  });
  // One JSON parameter for all lines: binding 20 parameters per line costs more than the insert.
  await sql`insert into order_lines (order_id, clinic_id, cart_line_id, patient_id, prescription_id, offer_id, medication_id, prescriber_id, quantity,
              sig, sig_parsed, ship_to, ship_state, unit_price_cents, line_total_cents, landed_cost_cents, snapshot, filled_on, days_supply, created_at)
            select r."orderId", r."clinicId", r."cartLineId", r."patientId", r."prescriptionId", r."offerId", r."medicationId", r."prescriberId", r.quantity,
              r.sig, r."sigParsed", r."shipTo", r."shipState", r."unitPriceCents", r."lineTotalCents", r."landedCostCents", r.snapshot, r."filledOn", r."daysSupply", ${at}
            from jsonb_to_recordset(${JSON.stringify(lineRows)}::jsonb) as r(
              "orderId" uuid, "clinicId" uuid, "cartLineId" uuid, "patientId" uuid, "prescriptionId" uuid, "offerId" uuid, "medicationId" uuid, "prescriberId" uuid,
              quantity int, sig text, "sigParsed" jsonb, "shipTo" text, "shipState" text, "unitPriceCents" int, "lineTotalCents" int, "landedCostCents" int,
              snapshot jsonb, "filledOn" date, "daysSupply" int)`.execute(tx);

  await commitStock(tx, checkoutId, plan);

  const refills = new Map<string, number>();
  for (const l of plan.lines) if (l.prescriptionId) refills.set(l.prescriptionId, (refills.get(l.prescriptionId) ?? 0) + 1);
  if (refills.size > 0) {
    const ids = [...refills.keys()].sort();
    await sql`update prescriptions p set refills_used = p.refills_used + r.n
              from unnest(${ids}::uuid[], ${ids.map((id) => refills.get(id)!)}::int[]) as r(id, n)
              where p.id = r.id and p.clinic_id = ${checkout.clinicId}`.execute(tx);
  }

  for (const order of orders) await enqueueOrderDelivery(tx, order.id);

  await tx.updateTable('checkouts').set({ status: 'split' }).where('id', '=', checkoutId).execute();
  const cart = await lockCart(tx, checkout.clinicId, checkout.cartId);
  if (!cart) throw new Error(`checkout ${checkoutId}: its cart ${checkout.cartId} is gone`);
  // A cart reopened after an expiry and edited since is the clinic's again: leave it alone.
  const cartIsThisCheckout = cart.status === 'checking_out' || (cart.status === 'open' && cart.version === checkout.cartVersion + 1);
  if (cartIsThisCheckout) {
    await setCartStatus(tx, cart.id, 'checked_out', at);
    if (cart.name === null) await createOpenCart(tx, checkout.clinicId, checkout.createdBy, at);
  }

  const byPharmacy = [...groups.values()].map((g) => ({ orderId: orderOf.get(g.pharmacyId)!, pharmacyId: g.pharmacyId, totalCents: g.total, lines: g.lines.length }));
  await audit(tx, SYSTEM, [
    {
      action: 'checkout.split',
      subjectType: 'checkout',
      subjectId: checkoutId,
      clinicId: checkout.clinicId,
      detail: { checkedOutBy: checkout.createdBy, amountCents: checkout.amountCents, provider: checkout.provider, orders: byPharmacy },
    },
    ...byPharmacy.map((o) => ({
      action: 'order.created',
      subjectType: 'order',
      subjectId: o.orderId,
      clinicId: checkout.clinicId,
      pharmacyId: o.pharmacyId,
      detail: { checkoutId, checkedOutBy: checkout.createdBy, totalCents: o.totalCents, lines: o.lines },
    })),
  ]);
  return { created: true, orderIds: orders.map((o) => o.id) };
}

