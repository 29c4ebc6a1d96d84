/**
 * The plan: the cart priced once, with every line's snapshot fields, stored with the checkout
 * so the split builds orders from exactly what was charged (Σ orders = amount charged).
 */
import type { PricedCart } from '~/lib/pricing';
import { priceCart } from '~/lib/pricing';
import { cartPricingInputIn } from '../cart/index.server';
import type { Principal } from '../identity/principal';
import type { CheckoutPlan, PlanLine, Tx } from './model';

/** Prices the cart once, with every line's snapshot fields, in cart order. */
export async function buildPlan(tx: Tx, principal: Principal, clinicId: string, cartId: string): Promise<CheckoutPlan> {
  const [input, rows] = await Promise.all([
    cartPricingInputIn(tx, principal, { cartId }),
    tx
      .selectFrom('cartLines as l')
      .innerJoin('offers as o', 'o.id', 'l.offerId')
      .select(['l.id', 'l.patientId', 'l.offerId', 'o.medicationId', 'l.prescriberId', 'l.prescriptionId', 'l.sig', 'l.shipTo', 'l.shipState', 'l.source'])
      .where('l.cartId', '=', cartId)
      .where('l.clinicId', '=', clinicId)
      .where('l.removedAt', 'is', null)
      .execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  if (input.lines.length !== rows.length || input.lines.some((l) => !byId.has(l.id))) {
    throw new Error(`cart ${cartId}: the priced lines are not the cart's lines`);
  }
  const priced: PricedCart = priceCart(input);
  const lines = priced.lines.map((p): PlanLine => {
    const r = byId.get(p.id)!;
    return {
      ...p,
      cartLineId: r.id,
      patientId: r.patientId,
      offerId: r.offerId,
      medicationId: r.medicationId,
      prescriberId: r.prescriberId,
      prescriptionId: r.prescriptionId,
      sig: r.sig,
      shipTo: r.shipTo,
      shipState: r.shipState,
      source: r.source,
    };
  });
  return { lines, shipments: priced.shipments, totalCents: priced.totalCents, platformFeePerVialCents: input.platformFeePerVialCents };
}

