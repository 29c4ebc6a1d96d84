import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import { loadCartView } from '../../app/services/cart/index.server';
import { checkoutCart } from '../../app/services/checkout/index.server';
import { demoToday } from '../support/demo-day';
import { CA_PHARMACIES, TECH, emptyOpenCart, healthyPatientsOf, readyCart, stapleOffers } from '../support/checkout-fixtures';
import { offerOf } from '../support/validation-fixtures';

const db = () => getDb();
let patients: string[];
let pool: { id: string; pharmacySlug: string }[];

beforeAll(async () => {
  patients = await healthyPatientsOf(db(), 'riverside', 40, demoToday());
  const staples = await stapleOffers(db(), 100_000);
  // A cold-chain medication too, so shipments carry the cold-chain fee: doxycycline where it is carried.
  const doxy = await db().selectFrom('medications').select('id').where('name', '=', 'Doxycycline').where('coldChain', '=', true).executeTakeFirst();
  const cold = [];
  for (const slug of CA_PHARMACIES) {
    if (doxy) cold.push(...(await offerOf(db(), slug, doxy.id, 100_000).then((o) => [{ ...o, pharmacySlug: slug }]).catch(() => [])));
  }
  pool = [...staples, ...cold];
});

const cartArbitrary = fc.record({
  platformFeeCents: fc.integer({ min: 0, max: 250 }),
  fees: fc.array(fc.record({ shipping: fc.integer({ min: 0, max: 4_999 }), coldChain: fc.integer({ min: 0, max: 2_999 }) }), { minLength: 3, maxLength: 3 }),
  prices: fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 12, maxLength: 12 }),
  lines: fc.array(fc.record({ offer: fc.nat(), patient: fc.nat(), quantity: fc.integer({ min: 1, max: 7 }) }), { minLength: 1, maxLength: 14 }),
});

describe('money adds up', () => {
  it('Σ order totals = the amount charged = the total the clinic reviewed, to the cent, on random carts', async () => {
    await fc.assert(
      fc.asyncProperty(cartArbitrary, async (spec) => {
        await emptyOpenCart(db(), DEMO_IDS.riverside);
        await db().updateTable('clinics').set({ platformFeeCents: spec.platformFeeCents }).where('id', '=', DEMO_IDS.riverside).execute();
        for (const [i, slug] of CA_PHARMACIES.entries()) {
          await db().updateTable('pharmacies').set({ shippingCents: spec.fees[i]!.shipping, coldChainFeeCents: spec.fees[i]!.coldChain }).where('id', '=', DEMO_IDS.pharmacy(slug)).execute();
        }
        for (const [i, offer] of pool.entries()) {
          await db().updateTable('offers').set({ unitPriceCents: spec.prices[i % spec.prices.length]! }).where('id', '=', offer.id).execute();
        }
        const cart = await readyCart(
          TECH,
          spec.lines.map((l) => ({ patientId: patients[l.patient % patients.length]!, offerId: pool[l.offer % pool.length]!.id, quantity: l.quantity })),
          TECH,
        );
        const reviewed = await loadCartView(TECH);
        const { checkout } = await checkoutCart(TECH, { version: cart.version });

        const orders = await db().selectFrom('orders').selectAll().where('checkoutId', '=', checkout.id).execute();
        const lines = await db().selectFrom('orderLines').select(['orderId', 'lineTotalCents', 'quantity', 'unitPriceCents']).where('orderId', 'in', orders.map((o) => o.id)).execute();
        const payment = await db().selectFrom('payments').select('amountCents').where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow();

        expect(checkout.amountCents).toBe(reviewed.totalCents);
        expect(payment.amountCents).toBe(checkout.amountCents);
        expect(orders.reduce((s, o) => s + o.totalCents, 0)).toBe(checkout.amountCents);
        expect(new Set(orders.map((o) => o.pharmacyId)).size).toBe(orders.length);
        expect(orders.length).toBe(new Set(reviewed.lines.map((l) => l.pharmacyId)).size);
        for (const o of orders) {
          const mine = lines.filter((l) => l.orderId === o.id);
          expect(mine.reduce((s, l) => s + l.lineTotalCents, 0)).toBe(o.totalCents);
          expect(mine.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0)).toBe(o.subtotalCents);
          expect(o.totalCents).toBe(o.subtotalCents + o.shippingCents + o.feesCents + o.platformFeeCents);
          expect(o.platformFeeCents).toBe(spec.platformFeeCents * mine.reduce((s, l) => s + l.quantity, 0));
        }
        expect(lines).toHaveLength(spec.lines.length);
      }),
      { numRuns: 25 },
    );
  });
});
