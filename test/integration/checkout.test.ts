import { sql } from 'kysely';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as apiCheckout from '../../app/routes/api.v1.carts.current.checkout';
import { demoToday } from '../support/demo-day';
import { checkoutCart, splitCheckout } from '../../app/services/checkout/index.server';
import { DomainError } from '../../app/services/platform/errors';
import { pendingJobs } from '../../app/services/platform/jobs.server';
import { addCartLines, getOpenCart } from '../../app/services/cart/index.server';
import { refundOrder, transferToPharmacy } from '../../app/services/payments/index.server';
import { call, request, signIn } from '../support/requests';
import {
  ALVAREZ,
  CA_PHARMACIES,
  CLEAN_SIG,
  LAKESIDE_MANAGER,
  RIVERS,
  TECH,
  emptyOpenCart,
  healthyPatientsOf,
  readyCart,
  stapleOffers,
  demoUser,
} from '../support/checkout-fixtures';

const db = () => getDb();
const MANAGER_ID = DEMO_IDS.user('manager@riverside.example');
let patients: string[];
let offers: Awaited<ReturnType<typeof stapleOffers>>;
const offerFrom = (slug: string, i = 0) => offers.filter((o) => o.pharmacySlug === slug)[i]!;

beforeAll(async () => {
  patients = await healthyPatientsOf(db(), 'riverside', 40, demoToday());
  offers = await stapleOffers(db());
});

beforeEach(async () => {
  offers = await stapleOffers(db()); // restocked: the race test empties one
  await emptyOpenCart(db(), DEMO_IDS.riverside);
  await emptyOpenCart(db(), DEMO_IDS.lakeside);
});

/** Three pharmacies, one of them with a line shipped to an owner: three orders. */
async function threePharmacyCart() {
  return readyCart(
    TECH,
    [
      { patientId: patients[0]!, offerId: offerFrom('pacific').id, quantity: 2 },
      { patientId: patients[1]!, offerId: offerFrom('pacific', 1).id, quantity: 1 },
      { patientId: patients[2]!, offerId: offerFrom('sierra').id, quantity: 3 },
      { patientId: patients[3]!, offerId: offerFrom('greatlakes', 1).id, quantity: 1 },
      { patientId: patients[4]!, offerId: offerFrom('greatlakes').id, quantity: 4 },
    ],
    TECH,
  );
}

async function stockOf(offerId: string) {
  return db().selectFrom('offers').select(['stockOnHand', 'reserved']).where('id', '=', offerId).executeTakeFirstOrThrow();
}

describe('checkout on account (invoice)', () => {
  it('pays once, splits into one order per pharmacy summing to the amount, commits stock, enqueues deliveries and opens a fresh cart', async () => {
    const cart = await threePharmacyCart();
    const before = await stockOf(offerFrom('greatlakes').id);
    const { checkout, replayed } = await checkoutCart(TECH, { version: cart.version });

    expect(replayed).toBe(false);
    expect(checkout).toMatchObject({ status: 'split', provider: 'invoice', cartId: cart.id, cartVersion: cart.version });
    expect(checkout.invoiceNumber).toMatch(/^INV-\d{4}-\d{6}$/);
    const clinic = await db().selectFrom('clinics').select('paymentTermsDays').where('id', '=', DEMO_IDS.riverside).executeTakeFirstOrThrow();
    const due = new Date(`${demoToday()}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() + clinic.paymentTermsDays);
    expect(checkout.dueOn).toBe(due.toISOString().slice(0, 10));

    expect(checkout.orders.map((o) => o.pharmacyName).sort()).toEqual(['Great Lakes Veterinary Compounding', 'Pacific Coast Compounding', 'Sierra Veterinary Compounding']);
    expect(checkout.orders.reduce((s, o) => s + o.totalCents, 0)).toBe(checkout.amountCents);
    for (const o of checkout.orders) expect(o.totalCents).toBe(o.subtotalCents + o.shippingCents + o.feesCents + o.platformFeeCents);

    const payments = await db().selectFrom('payments').selectAll().where('checkoutId', '=', checkout.id).execute();
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'succeeded', amountCents: checkout.amountCents, provider: 'invoice' });

    // Order lines are snapshots: patient, prescriber licences and DEA, SIG parsed, prices.
    const lines = await db().selectFrom('orderLines').selectAll().where('orderId', 'in', checkout.orders.map((o) => o.id)).execute();
    expect(lines).toHaveLength(5);
    expect(lines.reduce((s, l) => s + l.lineTotalCents, 0)).toBe(checkout.amountCents);
    const snap = lines[0]!.snapshot as any;
    expect(snap.patient.name).toEqual(expect.any(String));
    expect(snap.patient.species).toMatch(/cat|dog/);
    expect(snap.prescriber.licenses).toContainEqual(expect.objectContaining({ state: 'CA', number: expect.any(String) }));
    expect(snap.prescriber.dea[0].number).toBe('BA1234563');
    expect(snap.shipTo.state).toBe('CA');
    expect((lines[0]!.sigParsed as any).dose).toBeDefined();
    expect(lines.every((l) => l.daysSupply === 30 * l.quantity)).toBe(true);

    // Reservations became sales.
    const after = await stockOf(offerFrom('greatlakes').id);
    expect(after).toEqual({ stockOnHand: before.stockOnHand - 4, reserved: before.reserved });
    const reservations = await db().selectFrom('stockReservations').select('status').where('checkoutId', '=', checkout.id).execute();
    expect(reservations.map((r) => r.status)).toEqual(['committed', 'committed', 'committed', 'committed', 'committed']);

    // Routing jobs exist for exactly these orders, enqueued in the split's transaction.
    const jobs = await pendingJobs('orders.deliver');
    const queued = jobs.map((j) => (j.payload as { orderId: string }).orderId);
    for (const o of checkout.orders) expect(queued).toContain(o.id);

    const carts = await db().selectFrom('carts').select(['id', 'status']).where('clinicId', '=', DEMO_IDS.riverside).where('name', 'is', null).execute();
    expect(carts.find((c) => c.id === cart.id)?.status).toBe('checked_out');
    expect(carts.filter((c) => c.status === 'open')).toHaveLength(1);

    const audits = await db().selectFrom('auditEvents').select(['action', 'actorLabel']).where('subjectId', '=', checkout.id).execute();
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['checkout.started', 'payment.confirmed', 'checkout.split']));
    expect(audits.find((a) => a.action === 'checkout.started')?.actorLabel).toContain('Tina Morales');

    // The split is idempotent.
    expect(await splitCheckout(checkout.id)).toEqual({ created: false, orderIds: expect.arrayContaining(checkout.orders.map((o) => o.id)) });
    expect(await db().selectFrom('orders').select('id').where('checkoutId', '=', checkout.id).execute()).toHaveLength(3);
  });

  it('counts a refill on the prescription a line fills', async () => {
    const shipsToCa = CA_PHARMACIES.map((slug) => DEMO_IDS.pharmacy(slug));
    const rx = await db()
      .selectFrom('prescriptions as p')
      .innerJoin('offers as o', (j) => j.onRef('o.medicationId', '=', 'p.medicationId').on('o.pharmacyId', 'in', shipsToCa))
      .innerJoin('medications as m', 'm.id', 'p.medicationId')
      .select(['p.id', 'p.patientId', 'p.refillsUsed', 'p.prescriberId', 'p.sig', 'o.id as offerId'])
      .where('p.clinicId', '=', DEMO_IDS.riverside)
      .where('p.patientId', 'in', patients)
      .where('p.status', '=', 'active')
      .where('m.controlledSchedule', 'is', null)
      .where(sql<boolean>`p.refills_used < p.refills_authorized`)
      .where('p.expiresOn', '>', demoToday())
      .orderBy('p.id')
      .executeTakeFirst();
    expect(rx, 'the demo has an active prescription with refills left for a healthy patient').toBeDefined();
    await db().updateTable('offers').set({ stockOnHand: 500, reserved: 0, available: true }).where('id', '=', rx!.offerId).execute();
    await addCartLines(TECH, [{ patientId: rx!.patientId, offerId: rx!.offerId, quantity: 1, sig: `${rx!.sig} for 30 days`, prescriberId: rx!.prescriberId, shipTo: 'clinic', prescriptionId: rx!.id }]);
    const cart = await readyCart(TECH, [], TECH).catch((error: Error) => error);
    if (cart instanceof Error) return expect.fail(cart.message);
    await checkoutCart(TECH, { version: cart.version });
    const after = await db().selectFrom('prescriptions').select('refillsUsed').where('id', '=', rx!.id).executeTakeFirstOrThrow();
    expect(after.refillsUsed).toBe(rx!.refillsUsed + 1);
  });

  it('double-submitted: two concurrent checkouts of the same version make one payment and one set of orders', async () => {
    const cart = await threePharmacyCart();
    const [a, b] = await Promise.all([checkoutCart(TECH, { version: cart.version }), checkoutCart(TECH, { version: cart.version })]);
    expect(a.checkout.id).toBe(b.checkout.id);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(b.checkout.orders.map((o) => o.id).sort()).toEqual(a.checkout.orders.map((o) => o.id).sort());
    expect(await db().selectFrom('checkouts').select('id').where('cartId', '=', cart.id).execute()).toHaveLength(1);
    expect(await db().selectFrom('payments').select('id').where('checkoutId', '=', a.checkout.id).execute()).toHaveLength(1);
    expect(await db().selectFrom('orders').select('id').where('checkoutId', '=', a.checkout.id).execute()).toHaveLength(3);

    // A third click after the split, through "the current cart" (now a fresh one), still gets the first answer.
    const c = await checkoutCart(TECH, { version: cart.version });
    expect(c).toMatchObject({ replayed: true, checkout: { id: a.checkout.id, status: 'split' } });
  });

  it('refuses a stale version with 409 and charges nothing', async () => {
    const cart = await threePharmacyCart();
    const error = await checkoutCart(TECH, { version: cart.version - 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'conflict', details: { reason: 'stale_version', currentVersion: cart.version } });
    expect(await db().selectFrom('checkouts').select('id').where('cartId', '=', cart.id).execute()).toHaveLength(0);
    expect((await db().selectFrom('carts').select('status').where('id', '=', cart.id).executeTakeFirstOrThrow()).status).toBe('open');
  });

  it('answers 422 listing the findings when a line has an error or an unacknowledged warning', async () => {
    const cart = await threePharmacyCart();
    // A second line of the same patient and medication: a line.duplicate warning nobody acknowledged.
    await addCartLines(TECH, [{ patientId: patients[0]!, offerId: offerFrom('sierra').id, quantity: 1, sig: CLEAN_SIG, prescriberId: ALVAREZ, shipTo: 'clinic' }]);
    const version = (await getOpenCart(TECH)).version;
    expect(version).toBeGreaterThan(cart.version);
    // A key pays in a named user's name (docs/roles.md): here the clinic's manager.
    const res = await call(apiCheckout.action, request('/api/v1/carts/current/checkout', { apiKey: DEMO_API_KEYS.riverside, json: { version, actingUserId: MANAGER_ID } }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('unprocessable');
    expect(body.error.details.findings).toContainEqual(expect.objectContaining({ rule: 'line.duplicate', severity: 'warning', acknowledged: false, lineNumber: expect.any(Number) }));
    expect(await db().selectFrom('checkouts').select('id').where('cartId', '=', cart.id).execute()).toHaveLength(0);
  });

  it('through the API: 201 with the orders, 200 with the same answer when replayed, 400 for a bad body, 404 for another tenant', async () => {
    const cart = await threePharmacyCart();
    const post = (json: unknown, apiKey = DEMO_API_KEYS.riverside) => call(apiCheckout.action, request('/api/v1/carts/current/checkout', { apiKey, json }));
    // The role table: a key alone, or in the front desk's name, does not pay; the manager's name does.
    expect((await post({ version: cart.version })).status).toBe(403);
    expect((await post({ version: cart.version, actingUserId: DEMO_IDS.user('frontdesk@riverside.example') })).status).toBe(403);
    expect((await post({ version: cart.version, actingUserId: DEMO_IDS.user('manager@lakeside.example') })).status).toBe(400);
    const first = await post({ version: cart.version, actingUserId: MANAGER_ID });
    expect(first.status).toBe(201);
    const a = (await first.json()) as any;
    expect(a.checkout).toMatchObject({ status: 'split', provider: 'invoice', amountCents: expect.any(Number) });
    expect(a.checkout.redirectUrl).toBeUndefined();
    expect(a.orders).toHaveLength(3);
    expect(a.orders.reduce((s: number, o: any) => s + o.totalCents, 0)).toBe(a.checkout.amountCents);
    const again = await post({ version: cart.version, actingUserId: MANAGER_ID });
    expect(again.status).toBe(200);
    expect(((await again.json()) as any).checkout.id).toBe(a.checkout.id);
    const bad = await post({ version: 'latest', actingUserId: MANAGER_ID });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.fields.version).toBeDefined();
    const otherTenant = await post({ version: cart.version, cartId: cart.id, actingUserId: DEMO_IDS.user('manager@lakeside.example') }, DEMO_API_KEYS.lakeside);
    expect(otherTenant.status).toBe(404);
  });

  it('credits a rejected order on the invoice once, however often it is asked; transfers are not made for invoices', async () => {
    const cart = await threePharmacyCart();
    const { checkout } = await checkoutCart(TECH, { version: cart.version });
    const order = checkout.orders[0]!;
    // As the pharmacy's rejection does: the order's status and its refund in one transaction.
    const first = await db()
      .transaction()
      .execute(async (tx) => {
        await tx.updateTable('orders').set({ status: 'rejected' }).where('id', '=', order.id).execute();
        return refundOrder(tx, order.id, 'rejected: out of stock');
      });
    const second = await db().transaction().execute((tx) => refundOrder(tx, order.id, 'rejected: out of stock'));
    expect(first).toMatchObject({ kind: 'credit', status: 'succeeded', amountCents: order.totalCents, created: true });
    expect(second).toMatchObject({ movementId: first.movementId, created: false });
    const payment = await db().selectFrom('payments').select(['refundedCents', 'status']).where('checkoutId', '=', checkout.id).executeTakeFirstOrThrow();
    expect(payment).toEqual({ refundedCents: order.totalCents, status: 'partially_refunded' });
    expect(await transferToPharmacy(order.id)).toEqual({ status: 'skipped', reason: 'invoice' });
  });
});

describe('stock under concurrency', () => {
  it('two clinics racing for the last 5 vials: one pays, the other gets a pharmacy.stock finding naming an alternative; stock never goes negative', async () => {
    const offer = offerFrom('sierra'); // Sierra ships to CA and NV
    const [riversidePatient] = patients;
    const [lakesidePatient] = await healthyPatientsOf(db(), 'lakeside', 1, demoToday());
    const lakesideTech = demoUser('tech@lakeside.example', 'Lee Tran', 'technician', 'lakeside');
    const a = await readyCart(TECH, [{ patientId: riversidePatient!, offerId: offer.id, quantity: 5 }], TECH);
    const b = await readyCart(lakesideTech, [{ patientId: lakesidePatient!, offerId: offer.id, quantity: 5 }], lakesideTech, RIVERS);
    await db().updateTable('offers').set({ stockOnHand: 5, reserved: 0 }).where('id', '=', offer.id).execute();

    const results = await Promise.allSettled([checkoutCart(TECH, { version: a.version }), checkoutCart(LAKESIDE_MANAGER, { version: b.version })]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error = lost[0]!.reason as DomainError;
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('unprocessable');
    const finding = (error.details as any).findings.find((f: any) => f.rule === 'pharmacy.stock');
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding.message).toMatch(/Sierra Veterinary Compounding/);
    // The alternative: another pharmacy that ships there and has the medication in stock.
    expect(finding.fix).toMatchObject({ kind: 'switch_offer', offerId: expect.any(String), pharmacyName: expect.any(String) });
    expect(finding.fix.pharmacyName).not.toBe('Sierra Veterinary Compounding');
    expect(finding.hint).toContain(finding.fix.pharmacyName);

    const stock = await stockOf(offer.id);
    expect(stock).toEqual({ stockOnHand: 0, reserved: 0 });
  });
});

describe('the review page', () => {
  it('shows what is left, pays for the version shown, and re-shows a changed cart instead of charging it', async () => {
    const review = await import('../../app/routes/_clinic.refill-day_.review');
    const cookie = await signIn('tech@riverside.example');
    const cart = await threePharmacyCart();

    const page = (await (await call(review.loader, request('/refill-day/review', { cookie }))).json()) as any;
    expect(page.cart).toMatchObject({ id: cart.id, version: cart.version, status: 'open' });
    expect(page.review).toMatchObject({ blockingCount: 0, warningCount: 0, provider: 'invoice', validatedVersion: cart.version });
    expect(page.cart.shipments.reduce((s: number, x: any) => s + x.totalCents, 0)).toBe(page.cart.totalCents);

    // Someone adds a line after the page was shown: the old version is not charged.
    await addCartLines(TECH, [{ patientId: patients[30]!, offerId: offerFrom('pacific').id, quantity: 1, sig: CLEAN_SIG, prescriberId: ALVAREZ, shipTo: 'clinic' }]);
    const stale = await call(review.action, request('/refill-day/review', { cookie, form: { version: String(cart.version), cartId: cart.id } }));
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as any).formError).toMatch(/changed since you reviewed it/);
    expect(await db().selectFrom('checkouts').select('id').where('cartId', '=', cart.id).execute()).toHaveLength(0);

    const fresh = (await (await call(review.loader, request('/refill-day/review', { cookie }))).json()) as any;
    expect(fresh.cart.version).toBeGreaterThan(cart.version);
    const paid = await call(review.action, request('/refill-day/review', { cookie, form: { version: String(fresh.cart.version), cartId: cart.id } }));
    expect(paid.status).toBe(302);
    const location = paid.headers.get('location')!;
    expect(location).toMatch(/^\/checkouts\/[0-9a-f-]{36}$/);
    const checkout = await db().selectFrom('checkouts').select(['id', 'cartVersion', 'status']).where('cartId', '=', cart.id).executeTakeFirstOrThrow();
    expect(checkout).toEqual({ id: location.split('/').pop(), cartVersion: fresh.cart.version, status: 'split' });
  });

  it('lists the findings left to fix before the pay button appears', async () => {
    const review = await import('../../app/routes/_clinic.refill-day_.review');
    const cookie = await signIn('tech@riverside.example');
    await addCartLines(TECH, [
      { patientId: patients[5]!, offerId: offerFrom('pacific').id, quantity: 1, sig: CLEAN_SIG, prescriberId: ALVAREZ, shipTo: 'clinic' },
      { patientId: patients[5]!, offerId: offerFrom('sierra').id, quantity: 1, sig: 'Give by mouth', prescriberId: ALVAREZ, shipTo: 'clinic' },
    ]);
    const page = (await (await call(review.loader, request('/refill-day/review', { cookie }))).json()) as any;
    expect(page.review.blockingCount).toBeGreaterThan(0);
    expect(page.review.todo).toContainEqual(expect.objectContaining({ rule: 'sig.complete', severity: 'error', lineNumber: 2 }));
    expect(page.review.todo).toContainEqual(expect.objectContaining({ rule: 'line.duplicate', severity: 'warning' }));
  });
});
