/**
 * Reconciliation: the ledger compared with Stripe's own books for a period (docs/money.md,
 * "Reconciliation"). Stripe's PaymentIntents, refunds and transfers created in the period are
 * listed (every page, with the SDK's auto-pagination) with each transfer's reversals; each is
 * matched to its movement by Stripe id or by the movement key it carries in its metadata; every
 * movement the ledger says exists at Stripe and the lists did not show is asked for by id. What
 * differs — missing here, missing at Stripe, another amount, another state — is kept on the run,
 * shown on /admin/money and mailed to the platform's admins. A daily job and the admin's button
 * run it.
 */
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Principal } from '../identity/principal';
import { now } from '../platform/clock.server';
import { log } from '../platform/logger.server';
import { sendPlatformMail } from '../platform/mail.server';
import { platformAdmin } from './ledger.server';
import type { Movement } from './movements.server';
import { stripeMoney, type StripePeriod } from './stripe-money.server';
import { PaymentRefused, PaymentsUnavailable, type ProviderPayment, type ProviderRefund, type ProviderReversal, type ProviderTransfer } from './types';

export const RECONCILE_TASK = 'payments.reconcile';
/** The daily run looks this far back, so a day is always covered twice. */
const DAILY_PERIOD_MS = 48 * 3600_000;
/** Ledger times and Stripe's may differ by this much at a period's edges. */
const EDGE_MS = 10 * 60_000;

/** One thing the ledger and Stripe disagree on. */
export type Difference = {
  kind: 'missing_locally' | 'missing_at_stripe' | 'amount_differs' | 'state_differs';
  object: 'payment' | 'refund' | 'transfer' | 'reversal';
  stripeId: string | null;
  movementId: string | null;
  checkoutId: string | null;
  orderId: string | null;
  ledgerAmountCents: number | null;
  stripeAmountCents: number | null;
  ledgerState: string | null;
  stripeState: string | null;
  message: string;
};

type Kind = Movement['kind'];
const OBJECT_OF: Partial<Record<Kind, Difference['object']>> = { charge: 'payment', refund: 'refund', transfer: 'transfer', transfer_reversal: 'reversal' };

/** A Stripe object in the terms compared: its id, amount, state in ledger words, movement key and checkout. */
type Seen = { object: Difference['object']; id: string; amountCents: number; state: string; ledgerState: 'succeeded' | 'processing' | 'failed'; key: string | null; checkoutId: string | null };

const refundState = (status: string) => (status === 'succeeded' ? 'succeeded' : status === 'failed' || status === 'canceled' ? 'failed' : 'processing');
const paymentState = (status: string) => (status === 'succeeded' ? 'succeeded' : status === 'processing' ? 'processing' : 'failed');
const checkoutOfGroup = (group: string | null) => (group?.startsWith('checkout_') ? group.slice('checkout_'.length) : null);

const seenPayment = (p: ProviderPayment): Seen => ({ object: 'payment', id: p.id, amountCents: p.amountCents, state: p.status, ledgerState: paymentState(p.status), key: p.metadata.checkoutId ? `charge:${p.metadata.checkoutId}` : null, checkoutId: p.metadata.checkoutId ?? checkoutOfGroup(p.transferGroup) });
const seenRefund = (r: ProviderRefund): Seen => ({ object: 'refund', id: r.id, amountCents: r.amountCents, state: r.status, ledgerState: refundState(r.status), key: r.metadata.movement ?? null, checkoutId: r.metadata.checkoutId ?? null });
const seenTransfer = (t: ProviderTransfer): Seen => ({ object: 'transfer', id: t.id, amountCents: t.amountCents, state: 'paid', ledgerState: 'succeeded', key: t.metadata.movement ?? null, checkoutId: t.metadata.checkoutId ?? checkoutOfGroup(t.transferGroup) });
const seenReversal = (r: ProviderReversal, checkoutId: string | null): Seen => ({ object: 'reversal', id: r.id, amountCents: r.amountCents, state: 'reversed', ledgerState: 'succeeded', key: r.metadata.movement ?? null, checkoutId: r.metadata.checkoutId ?? checkoutId });

/**
 * Compares the ledger with Stripe for `period` and records the run (differences, counts, who
 * was mailed). `pageSize`: how many objects each list request asks for (Stripe allows 100).
 */
export async function reconcile(period: StripePeriod, options: { startedBy: string; pageSize?: number }) {
  const db = getDb();
  const run = await db.insertInto('reconciliationRuns').values({ periodFrom: period.from, periodTo: period.to, startedBy: options.startedBy, startedAt: now() }).returning('id').executeTakeFirstOrThrow();
  try {
    const { differences, counts } = await compare(period, options.pageSize ?? 100);
    const mail = await mailDifferences(period, differences);
    return await db
      .updateTable('reconciliationRuns')
      .set({ status: 'done', finishedAt: now(), counts: json(counts), differences: json(differences), mailStatus: mail.status, mailedTo: mail.to })
      .where('id', '=', run.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    const message = error instanceof PaymentsUnavailable || error instanceof PaymentRefused ? error.message : 'the comparison stopped on an error (see the logs)';
    log().error({ err: error, runId: run.id }, 'reconciliation failed');
    return db.updateTable('reconciliationRuns').set({ status: 'failed', finishedAt: now(), error: message }).where('id', '=', run.id).returningAll().executeTakeFirstOrThrow();
  }
}

async function compare(period: StripePeriod, pageSize: number) {
  const db = getDb();
  const [payments, refunds, transfers] = await Promise.all([stripeMoney.list.payments(period, pageSize), stripeMoney.list.refunds(period, pageSize), stripeMoney.list.transfers(period, pageSize)]);
  const ourPayments = await db.selectFrom('payments').select(['stripePaymentIntentId', 'checkoutId']).where('stripePaymentIntentId', 'in', ['', ...payments.map((p) => p.id), ...refunds.flatMap((r) => (r.paymentIntentId ? [r.paymentIntentId] : []))]).execute();
  const ourIntent = new Map(ourPayments.map((p) => [p.stripePaymentIntentId!, p.checkoutId]));

  // The ledger's side: what moved in the period (with margin at the edges), and whatever the lists name.
  const lo = new Date(period.from.getTime() - EDGE_MS);
  const hi = new Date(period.to.getTime() + EDGE_MS);
  const listedIds = [...payments, ...refunds, ...transfers].map((o) => o.id);
  const movements = await db
    .selectFrom('paymentMovements')
    .selectAll()
    .where('provider', '=', 'stripe')
    .where('kind', 'in', ['charge', 'refund', 'transfer', 'transfer_reversal'])
    .where((eb) => eb.or([eb.and([eb('updatedAt', '>=', lo), eb('updatedAt', '<', hi)]), eb.and([eb('createdAt', '>=', lo), eb('createdAt', '<', hi)]), eb('externalId', 'in', ['', ...listedIds])]))
    .execute();

  // Reversals of every transfer in view: listed in the period, or known to the ledger.
  const transferIds = new Set([...transfers.map((t) => t.id), ...movements.filter((m) => m.kind === 'transfer' && m.externalId).map((m) => m.externalId!)]);
  const checkoutOfTransfer = new Map(transfers.map((t) => [t.id, checkoutOfGroup(t.transferGroup)]));
  const reversals: Seen[] = [];
  for (const id of transferIds) {
    for (const r of await stripeMoney.list.reversals(id, pageSize)) reversals.push(seenReversal(r, checkoutOfTransfer.get(id) ?? null));
  }
  const reversalMovements = await db.selectFrom('paymentMovements').selectAll().where('kind', '=', 'transfer_reversal').where('externalId', 'in', ['', ...reversals.map((r) => r.id)]).execute();
  for (const m of reversalMovements) if (!movements.some((x) => x.id === m.id)) movements.push(m);

  const seen: Seen[] = [
    // PaymentIntents of vialcart's checkouts only: the account may take other payments too.
    ...payments.filter((p) => p.metadata.checkoutId || ourIntent.has(p.id)).map(seenPayment),
    ...refunds.filter((r) => r.metadata.movement || (r.paymentIntentId && ourIntent.has(r.paymentIntentId))).map((r) => ({ ...seenRefund(r), checkoutId: r.metadata.checkoutId ?? (r.paymentIntentId ? (ourIntent.get(r.paymentIntentId) ?? null) : null) })),
    ...transfers.filter((t) => t.metadata.movement || checkoutOfGroup(t.transferGroup)).map(seenTransfer),
    ...reversals,
  ];

  const differences: Difference[] = [];
  const matched = new Set<string>();
  for (const s of seen) {
    const m = movements.find((x) => OBJECT_OF[x.kind] === s.object && (x.externalId === s.id || (s.key !== null && x.idempotencyKey === s.key)));
    if (!m) {
      differences.push(diff('missing_locally', s, null, `Stripe has ${article(s.object)} ${s.object} ${s.id} of ${s.amountCents}¢ (${s.state}) that the ledger does not`));
      continue;
    }
    matched.add(m.id);
    differences.push(...compareOne(s, m));
  }
  // What the ledger says exists at Stripe, and the lists did not show: asked for by id.
  for (const m of movements) {
    if (matched.has(m.id) || !OBJECT_OF[m.kind]) continue;
    const claimsToExist = m.status === 'succeeded' || m.status === 'processing' || (m.externalId !== null && m.status !== 'canceled');
    if (!claimsToExist) continue;
    const s = m.externalId ? await fetchOne(m) : null;
    if (!s) {
      differences.push(diff('missing_at_stripe', null, m, `the ledger has ${article(OBJECT_OF[m.kind]!)} ${OBJECT_OF[m.kind]} of ${m.amountCents}¢ (${m.status}${m.externalId ? `, ${m.externalId}` : ''}) that Stripe does not`));
      continue;
    }
    differences.push(...compareOne(s, m));
  }
  const counts = { payments: payments.length, refunds: refunds.length, transfers: transfers.length, reversals: reversals.length, movements: movements.length, differences: differences.length };
  return { differences, counts };
}

async function fetchOne(m: Movement): Promise<Seen | null> {
  const id = m.externalId!;
  if (m.kind === 'charge') {
    const p = await stripeMoney.retrieve.payment(id);
    return p ? seenPayment(p) : null;
  }
  if (m.kind === 'refund') {
    const r = await stripeMoney.retrieve.refund(id);
    return r ? seenRefund(r) : null;
  }
  if (m.kind === 'transfer') {
    const t = await stripeMoney.retrieve.transfer(id);
    return t ? seenTransfer(t) : null;
  }
  const transfer = await getDb().selectFrom('paymentMovements').select('externalId').where('kind', '=', 'transfer').where('orderId', '=', m.orderId).executeTakeFirst();
  const r = transfer?.externalId ? await stripeMoney.retrieve.reversal(transfer.externalId, id) : null;
  return r ? seenReversal(r, m.checkoutId) : null;
}

function compareOne(s: Seen, m: Movement): Difference[] {
  const out: Difference[] = [];
  if (s.amountCents !== m.amountCents) out.push(diff('amount_differs', s, m, `${s.object} ${s.id}: ${m.amountCents}¢ in the ledger, ${s.amountCents}¢ at Stripe`));
  if (s.ledgerState !== m.status) out.push(diff('state_differs', s, m, `${s.object} ${s.id}: ${m.status} in the ledger, ${s.state} at Stripe`));
  return out;
}

function diff(kind: Difference['kind'], s: Seen | null, m: Movement | null, message: string): Difference {
  return {
    kind,
    object: s?.object ?? OBJECT_OF[m!.kind]!,
    stripeId: s?.id ?? m?.externalId ?? null,
    movementId: m?.id ?? null,
    checkoutId: m?.checkoutId ?? s?.checkoutId ?? null,
    orderId: m?.orderId ?? null,
    ledgerAmountCents: m?.amountCents ?? null,
    stripeAmountCents: s?.amountCents ?? null,
    ledgerState: m?.status ?? null,
    stripeState: s?.state ?? null,
    message,
  };
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** Mails the platform's admins when the ledger and Stripe differ. */
async function mailDifferences(period: StripePeriod, differences: Difference[]): Promise<{ status: 'sent' | 'outbox' | 'not_needed' | 'failed'; to: string[] }> {
  if (differences.length === 0) return { status: 'not_needed', to: [] };
  const admins = await getDb().selectFrom('users').select('email').where('role', '=', 'admin').where('active', '=', true).orderBy('email').execute();
  const to = admins.map((a) => a.email);
  const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  const text = [
    `The money ledger and Stripe differ on ${differences.length} point${differences.length === 1 ? '' : 's'} for ${day(period.from)} to ${day(period.to)} (UTC):`,
    '',
    ...differences.map((d) => `- ${d.kind.replace(/_/g, ' ')}: ${d.message}${d.checkoutId ? ` (checkout ${d.checkoutId})` : ''}`),
    '',
    'Each is listed on /admin/money, with the checkout’s ledger one click away.',
  ].join('\n');
  try {
    return { status: await sendPlatformMail({ to, subject: `vialcart: ${differences.length} difference${differences.length === 1 ? '' : 's'} between the ledger and Stripe`, text }), to };
  } catch (error) {
    log().warn({ err: error }, 'could not mail the reconciliation');
    return { status: 'failed', to };
  }
}

/** The admin's "Reconcile now": the last `days` days up to now. */
export async function startReconciliation(principal: Principal, input: { days: number }) {
  platformAdmin(principal);
  const to = now();
  return reconcile({ from: new Date(to.getTime() - input.days * 24 * 3600_000), to }, { startedBy: principal.kind === 'user' ? principal.email : 'admin' });
}

/** The latest runs, newest first, for /admin/money. */
export async function latestReconciliations(principal: Principal, limit = 10) {
  platformAdmin(principal);
  const rows = await getDb().selectFrom('reconciliationRuns').selectAll().orderBy('startedAt', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    ...r,
    periodFrom: r.periodFrom.toISOString(),
    periodTo: r.periodTo.toISOString(),
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    differences: r.differences as Difference[],
  }));
}

/** The daily job (graphile's cron passes when it was due): the last two days. */
export async function reconcileJob(payload: { _cron?: { ts?: string } } | undefined): Promise<void> {
  const to = payload?._cron?.ts ? new Date(payload._cron.ts) : now();
  await reconcile({ from: new Date(to.getTime() - DAILY_PERIOD_MS), to }, { startedBy: 'daily job' });
}
