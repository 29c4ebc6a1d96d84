/**
 * The ledger and its reconciliation with Stripe (docs/money.md): the ledger rows a paid
 * checkout leaves, append-only; the pages that show them, to their own clinic and to the admin
 * only; and a reconciliation that pages through Stripe's lists and finds a transfer made at
 * Stripe that the ledger lacks and a ledger refund that Stripe does not have, and mails it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import * as adminMoneyPage from '../../app/routes/admin.money';
import * as adminCheckoutPage from '../../app/routes/admin.money_.$checkoutId';
import * as checkoutPage from '../../app/routes/_clinic.checkouts.$id';
import * as orderPage from '../../app/routes/_clinic.orders.$id';
import { recordPharmacyEvent } from '../../app/services/orders/index.server';
import { adminMoneyList, checkoutLedgerView, reconcile, verifyCheckoutLedger } from '../../app/services/payments/index.server';
import { drainJobs, taskList } from '../../app/services/platform/jobs.server';
import { LAKESIDE_MANAGER } from '../support/checkout-fixtures';
import { call, request, signIn } from '../support/requests';
import { withSmtpServer } from '../support/smtp';
import { LATER, paidOrderAt, resetCheckouts, setUpStripeWorld, tearDownStripeWorld, type StripeWorld } from '../support/stripe-checkout';

const db = () => getDb();
const smtp = withSmtpServer();
let world: StripeWorld;
let adminCookie: string;
let techCookie: string;

beforeAll(async () => {
  world = await setUpStripeWorld();
  adminCookie = await signIn('admin@vialcart.example');
  techCookie = await signIn('tech@riverside.example');
});
afterAll(() => tearDownStripeWorld(world));
beforeEach(() => resetCheckouts(world));

const pharmacyEvent = (slug: string, orderId: string, type: 'accepted' | 'rejected') =>
  recordPharmacyEvent({ kind: 'pharmacy_key', keyId: 'test', pharmacyId: DEMO_IDS.pharmacy(slug) }, orderId, { eventId: `${type}-${orderId}`, type, ...(type === 'rejected' ? { reason: 'out of base' } : {}) });
const around = () => ({ from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 3600_000) });

/** A checkout whose Pacific order was accepted and paid, and whose Sierra order was rejected and refunded. */
async function settledCheckout() {
  const { checkout, order: pacific } = await paidOrderAt(world, 'pacific');
  await pharmacyEvent('pacific', pacific.id, 'accepted');
  const sierra = (await db().selectFrom('orders').selectAll().where('checkoutId', '=', checkout.id).where('pharmacyId', '=', DEMO_IDS.pharmacy('sierra')).executeTakeFirstOrThrow());
  await pharmacyEvent('sierra', sierra.id, 'rejected');
  await drainJobs({ until: LATER() });
  return { checkout, pacific, sierra };
}

describe('the ledger of a checkout', () => {
  it('holds every movement with its Stripe id and state, balances, and keeps its history append-only', async () => {
    const { checkout, pacific, sierra } = await settledCheckout();
    expect(await verifyCheckoutLedger(db(), checkout.id, { settled: true })).toEqual([]);
    const movements = await db().selectFrom('paymentMovements').select(['kind', 'orderId', 'amountCents', 'status', 'externalId']).where('checkoutId', '=', checkout.id).execute();
    const of = (kind: string, orderId: string | null = null) => movements.filter((m) => m.kind === kind && m.orderId === orderId);
    expect(of('charge')).toEqual([{ kind: 'charge', orderId: null, amountCents: checkout.amountCents, status: 'succeeded', externalId: expect.stringMatching(/^pi_/) }]);
    expect(of('transfer', pacific.id)).toEqual([expect.objectContaining({ amountCents: pacific.totalCents - pacific.platformFeeCents, status: 'succeeded', externalId: expect.stringMatching(/^tr_/) })]);
    expect(of('refund', sierra.id)).toEqual([expect.objectContaining({ amountCents: sierra.totalCents, status: 'succeeded', externalId: expect.stringMatching(/^re_/) })]);
    expect(of('platform_fee', sierra.id)).toEqual([expect.objectContaining({ amountCents: sierra.platformFeeCents, status: 'returned' })]);
    expect(of('platform_fee', pacific.id)).toEqual([expect.objectContaining({ amountCents: pacific.platformFeeCents, status: 'succeeded' })]);

    // The history: one entry per movement created and per change, in order; nobody may rewrite it.
    const history = await db().selectFrom('ledgerEntries').select(['kind', 'state', 'previousState']).where('checkoutId', '=', checkout.id).where('orderId', '=', sierra.id).where('kind', '=', 'refund').orderBy('seq').execute();
    expect(history.map((h) => [h.previousState, h.state])).toEqual([
      [null, 'pending'],
      ['pending', 'sending'],
      ['sending', 'succeeded'],
    ]);
    await expect(sql`update ledger_entries set amount_cents = 0 where checkout_id = ${checkout.id}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`delete from ledger_entries where checkout_id = ${checkout.id}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`delete from payment_movements where checkout_id = ${checkout.id}`.execute(db())).rejects.toThrow(/delete refused/);
    await expect(sql`update payment_movements set amount_cents = 1 where checkout_id = ${checkout.id} and kind = 'charge'`.execute(db())).rejects.toThrow(/only its state/);
    await expect(sql`update payment_movements set status = 'pending' where checkout_id = ${checkout.id} and kind = 'charge'`.execute(db())).rejects.toThrow(/succeeded cannot become pending/);
  });

  it('shows the clinic its own checkout’s ledger and each order’s money, and nobody else’s', async () => {
    const { checkout, pacific, sierra } = await settledCheckout();
    const page = await call(checkoutPage.loader, request(`/checkouts/${checkout.id}`, { cookie: techCookie }), { id: checkout.id });
    const shown = (await page.json()) as { ledger: { balances: Record<string, number>; movements: { kind: string; state: string }[] } };
    expect(shown.ledger.balances).toMatchObject({ chargedCents: checkout.amountCents, refundedCents: sierra.totalCents, transferredCents: pacific.totalCents - pacific.platformFeeCents, reversedCents: 0 });
    expect(shown.ledger.movements.map((m) => m.kind).sort()).toEqual(['charge', 'platform_fee', 'platform_fee', 'platform_fee', 'refund', 'transfer']);

    const orderRes = await call(orderPage.loader, request(`/orders/${sierra.id}`, { cookie: techCookie }), { id: sierra.id });
    expect(((await orderRes.json()) as { money: unknown }).money).toMatchObject({ paidCents: sierra.totalCents, refundedCents: sierra.totalCents, toPharmacyCents: 0, paidOutsideStripe: false, platformFeeCents: 0 });
    const pacificRes = await call(orderPage.loader, request(`/orders/${pacific.id}`, { cookie: techCookie }), { id: pacific.id });
    expect(((await pacificRes.json()) as { money: unknown }).money).toMatchObject({ paidCents: pacific.totalCents, refundedCents: 0, toPharmacyCents: pacific.totalCents - pacific.platformFeeCents, platformFeeCents: pacific.platformFeeCents });

    // Another clinic, and a clinic user at the admin's pages: not found.
    await expect(checkoutLedgerView(LAKESIDE_MANAGER, checkout.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(adminMoneyList(LAKESIDE_MANAGER)).rejects.toMatchObject({ code: 'not_found' });
    const asClinic = await call(adminMoneyPage.loader, request('/admin/money', { cookie: techCookie }));
    expect(asClinic.status).not.toBe(200);

    // The admin sees it among every checkout, and drills in.
    const list = (await (await call(adminMoneyPage.loader, request('/admin/money', { cookie: adminCookie }))).json()) as { checkouts: { checkoutId: string; violations: unknown[] }[] };
    expect(list.checkouts.find((c) => c.checkoutId === checkout.id)).toMatchObject({ violations: [] });
    const drill = (await (await call(adminCheckoutPage.loader, request(`/admin/money/${checkout.id}`, { cookie: adminCookie }), { checkoutId: checkout.id })).json()) as { entries: unknown[]; violations: unknown[] };
    expect(drill.violations).toEqual([]);
    expect(drill.entries.length).toBeGreaterThanOrEqual(10);
    expect((await call(adminCheckoutPage.loader, request('/admin/money/nope', { cookie: adminCookie }), { checkoutId: 'nope' })).status).toBe(404);
  });
});

describe('reconciliation with Stripe', () => {
  it('pages through Stripe’s lists and finds a transfer made at Stripe but missing here, and a ledger refund Stripe does not have; the admins are mailed', async () => {
    const { checkout, sierra } = await settledCheckout();
    const clean = await reconcile(around(), { startedBy: 'test', pageSize: 2 });
    expect(clean).toMatchObject({ status: 'done', differences: [], mailStatus: 'not_needed' });

    const outside = world.stripe.createTransferOutside({ amount: 1_234, destination: 'acct_pacific_test', transfer_group: `checkout_${checkout.id}` });
    const refund = await db().selectFrom('paymentMovements').select(['id', 'externalId']).where('orderId', '=', sierra.id).where('kind', '=', 'refund').executeTakeFirstOrThrow();
    world.stripe.forget(refund.externalId!);
    const callsBefore = world.stripe.calls.length;

    const run = await reconcile(around(), { startedBy: 'test', pageSize: 2 });
    expect(run.status).toBe('done');
    expect(run.differences).toEqual([
      expect.objectContaining({ kind: 'missing_locally', object: 'transfer', stripeId: outside.id, stripeAmountCents: 1_234, checkoutId: checkout.id }),
      expect.objectContaining({ kind: 'missing_at_stripe', object: 'refund', stripeId: refund.externalId, movementId: refund.id, ledgerAmountCents: sierra.totalCents }),
    ]);
    // Stripe's lists were read page by page, from the period's start.
    const lists = world.stripe.calls.slice(callsBefore).filter((c) => c.method === 'GET' && ['/v1/payment_intents', '/v1/refunds', '/v1/transfers'].includes(c.path));
    expect(lists.some((c) => c.query.starting_after)).toBe(true);
    expect(lists.every((c) => c.query.limit === '2' && Number(c.query.created?.gte) > 0)).toBe(true);

    expect(run).toMatchObject({ mailStatus: 'sent', mailedTo: ['admin@vialcart.example'] });
    const mail = smtp.received.at(-1)!;
    expect(mail.to).toEqual(['admin@vialcart.example']);
    expect(mail.subject).toBe('vialcart: 2 differences between the ledger and Stripe');
    expect(mail.text).toContain(outside.id);
    expect(mail.text).toContain(refund.externalId!);
  });

  it('runs from the admin’s button and from the daily job', async () => {
    const res = await call(adminMoneyPage.action, request('/admin/money', { cookie: adminCookie, form: { days: '7' } }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { message: string }).message).toMatch(/difference|agree/);
    const bad = await call(adminMoneyPage.action, request('/admin/money', { cookie: adminCookie, form: { days: '3' } }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { fieldErrors: Record<string, string> }).fieldErrors.days).toMatch(/1, 7 or 30/);

    expect(Object.keys(taskList())).toContain('payments.reconcile');
    const before = await db().selectFrom('reconciliationRuns').select('id').execute();
    await taskList()['payments.reconcile']!({ _cron: { ts: new Date().toISOString() } } as never, { job: { id: 1, task_identifier: 'payments.reconcile', attempts: 1 }, abortSignal: undefined } as never);
    const after = await db().selectFrom('reconciliationRuns').selectAll().orderBy('startedAt', 'desc').execute();
    expect(after).toHaveLength(before.length + 1);
    expect(after[0]).toMatchObject({ startedBy: 'daily job', status: 'done' });
    expect(after[0]!.periodTo.getTime() - after[0]!.periodFrom.getTime()).toBe(48 * 3600_000);
  });
});
