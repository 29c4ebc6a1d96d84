import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { badRequest, notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';

// The authorization chain of a dispensed line: everything that made it legitimate, in order —
// the owner's request and its eligibility, who authorized it (the approving vet, a standing
// order, the prescription's vet), the validation warnings and who acknowledged them, the
// payment, and the pharmacy's acceptance, shipment and delivery. It is assembled from the
// append-only audit trail plus the rows those events describe, for any number of lines in a
// fixed number of queries (the CSV export reads thousands).

/** The stage of the chain an entry belongs to, in the order they happen. */
export const CHAIN_STEPS = [
  'request',
  'eligibility',
  'authorization',
  'cart',
  'validation',
  'payment',
  'order',
  'acceptance',
  'compounding',
  'shipment',
  'delivery',
  'exception',
] as const;
export type ChainStep = (typeof CHAIN_STEPS)[number];

/** One entry of the chain (the API's `audit` item, plus its step and line). */
export type ChainEntry = {
  at: string | null;
  step: ChainStep;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
};

/** The chain of one order line. */
export type LineChain = {
  lineId: string;
  orderId: string;
  patientName: string;
  medication: string;
  entries: ChainEntry[];
  /** Steps a dispensed line must have that this one lacks (empty = complete so far). */
  missing: ChainStep[];
  complete: boolean;
};

/** The steps every delivered line has; a line still in flight lacks only the later ones. */
const REQUIRED: ChainStep[] = ['authorization', 'payment', 'acceptance', 'shipment', 'delivery'];
const ORDER_EVENT_STEP: Record<string, ChainStep> = {
  submitted: 'order',
  accepted: 'acceptance',
  compounding: 'compounding',
  shipped: 'shipment',
  delivered: 'delivery',
  rejected: 'exception',
  cancelled: 'exception',
  delivery_failed: 'exception',
};

function stepOfAudit(action: string): ChainStep {
  if (action === 'refill_request.received') return 'request';
  if (/^refill_request\.(approved|decided|vet_approved)/.test(action) || action === 'prescription.authorized' || action.endsWith('.signed_off') || action.endsWith('vet_signoff')) return 'authorization';
  // The veterinarian's prescription (written, renewed) is the authority behind the line.
  if (action === 'prescription.discontinued' || action === 'prescription.renewal_declined') return 'exception';
  if (action.startsWith('prescription.')) return 'authorization';
  if (/^refill_request\.(denied|exam)/.test(action)) return 'exception';
  if (action.startsWith('refill_request.')) return 'request';
  if (action === 'cart_line.warning_acknowledged' || action === 'checkout.started') return 'validation';
  if (action.startsWith('cart')) return 'cart';
  if (action.startsWith('payment.') || action === 'checkout.found_paid') return 'payment';
  if (action.startsWith('order.')) return ORDER_EVENT_STEP[action.slice(6)] ?? 'order';
  return 'order';
}

const iso = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : d instanceof Date ? d.toISOString() : d);

/** Chains of the given order lines of one clinic (lines of other clinics are left out). */
export async function loadLineChains(db: Kysely<Database>, clinicId: string, lineIds: string[]): Promise<LineChain[]> {
  if (lineIds.length === 0) return [];
  const lines = await db
    .selectFrom('orderLines as ol')
    .innerJoin('orders as o', 'o.id', 'ol.orderId')
    .innerJoin('patients as p', 'p.id', 'ol.patientId')
    .innerJoin('medications as m', 'm.id', 'ol.medicationId')
    .innerJoin('prescribers as pr', 'pr.id', 'ol.prescriberId')
    .leftJoin('prescriptions as rx', 'rx.id', 'ol.prescriptionId')
    .leftJoin('prescribers as rxv', 'rxv.id', 'rx.prescriberId')
    .leftJoin('cartLines as cl', 'cl.id', 'ol.cartLineId')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('lineSignoffs as ls')
          .innerJoin('users as su', 'su.id', 'ls.userId')
          .select(['ls.cartLineId', 'ls.signedAt', 'su.name'])
          .distinctOn('ls.cartLineId')
          .orderBy('ls.cartLineId')
          .orderBy('ls.signedAt', 'desc')
          .as('signer'),
      (join) => join.onRef('signer.cartLineId', '=', 'cl.id'),
    )
    .select([
      'ol.id',
      'ol.orderId',
      'ol.cartLineId',
      'ol.createdAt',
      'ol.quantity',
      'ol.sig',
      'o.checkoutId',
      'o.pharmacyId',
      'p.name as patientName',
      'm.name as medName',
      'm.strength',
      'pr.name as prescriberName',
      'rx.id as rxId',
      'rx.writtenOn',
      'rx.standingOrder',
      'rx.refillsAuthorized',
      'rxv.name as rxPrescriberName',
      'cl.source',
      'signer.signedAt as vetSignoffAt',
      'signer.name as signerName',
    ])
    .where('ol.id', 'in', lineIds)
    .where('ol.clinicId', '=', clinicId)
    .execute();
  if (lines.length === 0) return [];

  const cartLineIds = lines.flatMap((l) => (l.cartLineId ? [l.cartLineId] : []));
  const prescriptionIds = [...new Set(lines.flatMap((l) => (l.rxId ? [l.rxId] : [])))];
  const orderIds = [...new Set(lines.map((l) => l.orderId))];
  const checkoutIds = [...new Set(lines.map((l) => l.checkoutId))];
  const none = ['00000000-0000-0000-0000-000000000000'];

  const [requests, events, orderEvents, payments, acks, pharmacies] = await Promise.all([
    db
      .selectFrom('refillRequests as rr')
      .leftJoin('users as u', 'u.id', 'rr.decidedBy')
      .select(['rr.id', 'rr.cartLineId', 'rr.reference', 'rr.channel', 'rr.raw', 'rr.eligibility', 'rr.createdAt', 'rr.status', 'rr.decidedAt', 'rr.decisionReason', 'rr.queue', 'u.name as decidedByName', 'u.role as decidedByRole'])
      .where('rr.cartLineId', 'in', cartLineIds.length ? cartLineIds : none)
      .where('rr.clinicId', '=', clinicId)
      .execute(),
    // Every audit event about these lines, their cart lines, requests, orders and payments.
    db
      .selectFrom('auditEvents')
      .select(['action', 'actorLabel', 'subjectType', 'subjectId', 'detail', 'at'])
      .where('clinicId', '=', clinicId)
      .where((eb) =>
        eb.or([
          eb.and([eb('subjectType', '=', 'order_line'), eb('subjectId', 'in', lineIds)]),
          eb.and([eb('subjectType', '=', 'cart_line'), eb('subjectId', 'in', cartLineIds.length ? cartLineIds : none)]),
          eb.and([eb('subjectType', '=', 'order'), eb('subjectId', 'in', orderIds)]),
          eb.and([eb('subjectType', '=', 'checkout'), eb('subjectId', 'in', checkoutIds)]),
          // Who wrote or renewed each line's prescription, and when (written in the app).
          eb.and([eb('subjectType', '=', 'prescription'), eb('subjectId', 'in', prescriptionIds.length ? prescriptionIds : none), eb('action', 'in', ['prescription.written', 'prescription.renewed'])]),
          eb.and([
            eb('subjectType', '=', 'refill_request'),
            eb('subjectId', 'in', eb.selectFrom('refillRequests').select((s) => s.cast<string>('id', 'text').as('id')).where('cartLineId', 'in', cartLineIds.length ? cartLineIds : none)),
          ]),
        ]),
      )
      .orderBy('at')
      .orderBy('id')
      .execute(),
    db.selectFrom('orderEvents').select(['orderId', 'type', 'actor', 'reason', 'carrier', 'trackingNumber', 'expectedDelivery', 'at']).where('orderId', 'in', orderIds).orderBy('at').execute(),
    db.selectFrom('payments').select(['checkoutId', 'provider', 'status', 'amountCents', 'invoiceNumber', 'confirmedAt', 'createdAt']).where('checkoutId', 'in', checkoutIds).where('clinicId', '=', clinicId).execute(),
    db
      .selectFrom('acknowledgements as a')
      .innerJoin('users as u', 'u.id', 'a.userId')
      .select(['a.cartLineId', 'a.rule', 'a.createdAt', 'u.name'])
      .where('a.cartLineId', 'in', cartLineIds.length ? cartLineIds : none)
      .execute(),
    db.selectFrom('pharmacies').select(['id', 'name']).where('id', 'in', [...new Set(lines.map((l) => l.pharmacyId))]).execute(),
  ]);

  const pharmacyName = new Map(pharmacies.map((p) => [p.id, p.name]));
  const group = <T, K>(rows: T[], key: (r: T) => K) => {
    const m = new Map<K, T[]>();
    for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
    return m;
  };
  const eventsBySubject = group(events, (e) => `${e.subjectType}:${e.subjectId}`);
  const requestByCartLine = new Map(requests.map((r) => [r.cartLineId, r]));
  const orderEventsByOrder = group(orderEvents, (e) => e.orderId);
  const paymentsByCheckout = group(payments, (p) => p.checkoutId);
  const acksByCartLine = group(acks, (a) => a.cartLineId);

  return lines.map((l) => {
    const entries: ChainEntry[] = [];
    const fromAudit = (e: (typeof events)[number]) => entries.push({ at: iso(e.at), step: stepOfAudit(e.action), actor: e.actorLabel, action: e.action, detail: e.detail });
    const request = l.cartLineId ? requestByCartLine.get(l.cartLineId) : undefined;

    if (request) {
      const requestEvents = eventsBySubject.get(`refill_request:${request.id}`) ?? [];
      if (!requestEvents.some((e) => e.action === 'refill_request.received')) {
        entries.push({ at: iso(request.createdAt), step: 'request', actor: 'owner', action: 'refill_request.received', detail: { reference: request.reference, channel: request.channel } });
      }
      entries.push({ at: iso(request.createdAt), step: 'request', actor: 'owner', action: 'refill_request.input', detail: { reference: request.reference, channel: request.channel, raw: request.raw } });
      entries.push({ at: iso(request.createdAt), step: 'eligibility', actor: 'vialcart', action: 'refill_request.eligibility', detail: { checks: request.eligibility, queue: request.queue } });
      requestEvents.forEach(fromAudit);
      if (request.decidedAt && !requestEvents.some((e) => stepOfAudit(e.action) === 'authorization')) {
        entries.push({
          at: iso(request.decidedAt),
          step: 'authorization',
          actor: request.decidedByName ? `${request.decidedByName} (${request.decidedByRole})` : 'unknown',
          action: 'refill_request.approved',
          detail: { reference: request.reference, status: request.status, ...(request.decisionReason ? { reason: request.decisionReason } : {}) },
        });
      }
    }
    // The prescription is the standing authority behind every refill of it: its audited writing
    // or renewal when it was written in the app, otherwise what the record says.
    const rxEvents = l.rxId ? (eventsBySubject.get(`prescription:${l.rxId}`) ?? []) : [];
    rxEvents.forEach(fromAudit);
    if (l.rxId && rxEvents.length === 0) {
      entries.push({
        at: l.writtenOn ? `${l.writtenOn}T00:00:00.000Z` : null,
        step: 'authorization',
        actor: l.rxPrescriberName ?? l.prescriberName,
        action: l.standingOrder ? 'prescription.standing_order' : 'prescription.written',
        detail: { prescriptionId: l.rxId, writtenOn: l.writtenOn, refillsAuthorized: l.refillsAuthorized, standingOrder: l.standingOrder },
      });
    }
    if (l.vetSignoffAt) {
      entries.push({ at: iso(l.vetSignoffAt), step: 'authorization', actor: l.signerName ?? 'veterinarian', action: 'cart_line.vet_signoff', detail: {} });
    }
    (eventsBySubject.get(`order_line:${l.id}`) ?? []).forEach(fromAudit);
    const cartEvents = l.cartLineId ? (eventsBySubject.get(`cart_line:${l.cartLineId}`) ?? []) : [];
    cartEvents.forEach(fromAudit);
    for (const a of l.cartLineId ? (acksByCartLine.get(l.cartLineId) ?? []) : []) {
      if (cartEvents.some((e) => e.action === 'cart_line.warning_acknowledged' && (e.detail as { rule?: string }).rule === a.rule)) continue;
      entries.push({ at: iso(a.createdAt), step: 'validation', actor: a.name, action: 'cart_line.warning_acknowledged', detail: { rule: a.rule } });
    }
    for (const e of eventsBySubject.get(`checkout:${l.checkoutId}`) ?? []) {
      if (e.action === 'checkout.started') {
        const acknowledged = ((e.detail.acknowledgedWarnings as { lineId?: string }[] | undefined) ?? []).filter((w) => w.lineId === l.cartLineId);
        entries.push({ at: iso(e.at), step: 'validation', actor: e.actorLabel, action: 'checkout.validated', detail: { blockingFindings: 0, acknowledgedWarnings: acknowledged, cartVersion: e.detail.cartVersion } });
      } else fromAudit(e);
    }
    const linePayments = paymentsByCheckout.get(l.checkoutId) ?? [];
    if (!entries.some((e) => e.step === 'payment')) {
      for (const p of linePayments) {
        entries.push({ at: iso(p.confirmedAt ?? p.createdAt), step: 'payment', actor: p.provider, action: `payment.${p.status}`, detail: { provider: p.provider, amountCents: p.amountCents, invoiceNumber: p.invoiceNumber } });
      }
    }
    const statusEvents = orderEventsByOrder.get(l.orderId) ?? [];
    const recordedTypes = new Set(statusEvents.map((e) => e.type));
    for (const e of eventsBySubject.get(`order:${l.orderId}`) ?? []) {
      // The pharmacy's status changes are told by order_events, which carry carrier and tracking.
      if (!recordedTypes.has(e.action.slice(6))) fromAudit(e);
    }
    for (const e of statusEvents) {
      entries.push({
        at: iso(e.at),
        step: ORDER_EVENT_STEP[e.type] ?? 'order',
        actor: e.actor.startsWith('pharmacy:') ? (pharmacyName.get(l.pharmacyId) ?? e.actor) : e.actor,
        action: `order.${e.type}`,
        detail: {
          ...(e.reason ? { reason: e.reason } : {}),
          ...(e.carrier ? { carrier: e.carrier } : {}),
          ...(e.trackingNumber ? { trackingNumber: e.trackingNumber } : {}),
          ...(e.expectedDelivery ? { expectedDelivery: e.expectedDelivery } : {}),
        },
      });
    }
    const rank = (s: ChainStep) => CHAIN_STEPS.indexOf(s);
    entries.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '') || rank(a.step) - rank(b.step));
    const missing = REQUIRED.filter((s) => !entries.some((e) => e.step === s));
    return {
      lineId: l.id,
      orderId: l.orderId,
      patientName: l.patientName,
      medication: `${l.medName} ${l.strength}`.trim(),
      entries,
      missing,
      complete: missing.length === 0,
    };
  });
}

/**
 * The authorization chain of an order line, or of every line of an order (`id` may be
 * either). Another clinic's line or order is not found.
 */
export async function getAuthorizationChain(principal: Principal, id: string): Promise<{ orderId: string; lines: LineChain[] }> {
  const clinicId = clinicScope(principal);
  if (!isUuid(id)) throw notFound('Order line');
  const db = getDb();
  const line = await db.selectFrom('orderLines').select(['id', 'orderId']).where('id', '=', id).where('clinicId', '=', clinicId).executeTakeFirst();
  if (line) return { orderId: line.orderId, lines: await loadLineChains(db, clinicId, [line.id]) };
  const lines = await db.selectFrom('orderLines').select('id').where('orderId', '=', id).where('clinicId', '=', clinicId).orderBy('createdAt').orderBy('id').execute();
  if (lines.length === 0) throw notFound('Order');
  return { orderId: id, lines: await loadLineChains(db, clinicId, lines.map((l) => l.id)) };
}

/** The order's chain as `GET /api/v1/orders/:id` shows it: `audit: [{at, actor, action, detail}]`, each naming its line. */
export async function orderAuditTrail(principal: Principal, orderId: string): Promise<{ at: string | null; actor: string; action: string; detail: Record<string, unknown> }[]> {
  const { lines } = await getAuthorizationChain(principal, orderId);
  return lines.flatMap((l) => l.entries.map((e) => ({ at: e.at, actor: e.actor, action: e.action, detail: { ...e.detail, step: e.step, lineId: l.lineId, patient: l.patientName } })));
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  // A leading = + - @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows to CSV text (header first). */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Every chain entry of the lines ordered between `from` and `to` (inclusive dates), as CSV. */
export async function authorizationChainCsv(principal: Principal, range: { from: string; to: string }): Promise<string> {
  const clinicId = clinicScope(principal);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(range.from) || !/^\d{4}-\d{2}-\d{2}$/.test(range.to)) throw badRequest('Dates must be YYYY-MM-DD', { from: 'YYYY-MM-DD' });
  if (range.from > range.to) throw badRequest('The range ends before it starts', { to: 'must be on or after from' });
  const db = getDb();
  const ids = await db
    .selectFrom('orderLines')
    .select('id')
    .where('clinicId', '=', clinicId)
    .where('createdAt', '>=', new Date(`${range.from}T00:00:00Z`))
    .where('createdAt', '<', new Date(new Date(`${range.to}T00:00:00Z`).getTime() + 86_400_000))
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  const rows: unknown[][] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chains = await loadLineChains(db, clinicId, ids.slice(i, i + 500).map((r) => r.id));
    for (const c of chains) for (const e of c.entries) rows.push([c.orderId, c.lineId, c.patientName, c.medication, e.step, e.at, e.actor, e.action, e.detail]);
  }
  return toCsv(['order_id', 'line_id', 'patient', 'medication', 'step', 'at', 'actor', 'action', 'detail'], rows);
}
