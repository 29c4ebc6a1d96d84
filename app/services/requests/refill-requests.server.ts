import { sql, type Kysely, type Transaction } from 'kysely';
import { REQUEST_QUEUES } from '../../../validators/vocabulary';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database, QueueName, RefillRequest } from '../../../db/schema';
import type { Decision } from '../../schemas/refill-request';
import { audit } from '../audit/audit.server';
import { addCartLines } from '../cart/index.server';
import { now, today } from '../platform/clock.server';
import { DomainError, conflict, notFound } from '../platform/errors';
import { scheduleTimers } from './intake.server';
import { enqueue, registerCron, registerTasks } from '../platform/jobs.server';
import { enqueueNotification } from '../owners/notifications.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import {
  checkEligibility,
  effectiveUrgency,
  readSlaSettings,
  routeRequest,
  slaTimers,
  type EligibilityCheck,
  type MatchCandidate,
  type SlaSettings,
} from './refill-rules';

// Working the request queues (issue 8): what each queue holds, the decisions staff and PIMS
// integrations take on a request, and the SLA timers (reminder, escalation) that run on the
// job queue with the state kept on the request row, so a lost job is caught by the sweep.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Tx = Transaction<Database>;
const SYSTEM = { actorType: 'system' as const, actorLabel: 'vialcart SLA timer' };


/** A request's SLA as the API and the queue page show it. */
export type RequestSla = {
  dueAt: string;
  remindAt: string | null;
  escalateAt: string | null;
  remindedAt: string | null;
  escalatedAt: string | null;
  ownerCalledAt: string | null;
  acknowledgedAt: string | null;
  /** Minutes until the target (negative when overdue); null once decided. */
  minutesLeft: number | null;
  overdue: boolean;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function slaOf(r: RefillRequest, at: Date): RequestSla {
  const open = r.status === 'open';
  const minutesLeft = open ? Math.floor((r.dueAt.getTime() - at.getTime()) / 60_000) : null;
  return {
    dueAt: r.dueAt.toISOString(),
    remindAt: iso(r.remindAt),
    escalateAt: iso(r.escalateAt),
    remindedAt: iso(r.remindedAt),
    escalatedAt: iso(r.escalatedAt),
    ownerCalledAt: iso(r.ownerCalledAt),
    acknowledgedAt: iso(r.acknowledgedAt),
    minutesLeft,
    overdue: open && r.dueAt.getTime() < at.getTime(),
  };
}

/** A request as the JSON API returns it. */
export function requestView(r: RefillRequest, at: Date = now()) {
  return {
    id: r.id,
    reference: r.reference,
    channel: r.channel,
    status: r.status,
    queue: r.queue,
    urgency: r.urgency,
    createdAt: r.createdAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    ownerName: r.ownerName,
    ownerPhone: r.ownerPhone,
    ownerEmail: r.ownerEmail,
    patientName: r.patientName,
    medication: r.medicationText,
    dosesLeft: r.dosesLeft,
    smsConsent: r.smsConsent,
    note: r.note,
    clientId: r.clientId,
    patientId: r.patientId,
    prescriptionId: r.prescriptionId,
    eligibility: r.eligibility,
    candidates: r.candidates as MatchCandidate[],
    assignedTo: r.assignedTo,
    cartLineId: r.cartLineId,
    decision: r.decidedAt ? { by: r.decidedBy, at: r.decidedAt.toISOString(), reason: r.decisionReason } : null,
    sla: slaOf(r, at),
  };
}
export type RequestView = ReturnType<typeof requestView>;

async function auditOf(db: Kysely<Database>, clinicId: string, requestId: string) {
  const rows = await db
    .selectFrom('auditEvents')
    .select(['at', 'actorLabel', 'action', 'detail'])
    .where('subjectType', '=', 'refill_request')
    .where('subjectId', '=', requestId)
    .where('clinicId', '=', clinicId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((a) => ({ at: a.at.toISOString(), actor: a.actorLabel, action: a.action, detail: a.detail }));
}

// ---------------------------------------------------------------------------------------
// Reading

/** `GET /api/v1/refill-requests?queue=&status=`: newest first, open by default. */
export async function listRefillRequests(principal: Principal, query: { queue?: QueueName; status?: RefillRequest['status']; limit?: number } = {}) {
  const clinicId = clinicScope(principal);
  const rows = await getDb()
    .selectFrom('refillRequests')
    .selectAll()
    .where('clinicId', '=', clinicId)
    .$if(!!query.queue, (q) => q.where('queue', '=', query.queue!))
    .where('status', '=', query.status ?? 'open')
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .limit(query.limit ?? 200)
    .execute();
  const at = now();
  return { requests: rows.map((r) => requestView(r, at)) };
}

/** `GET /api/v1/refill-requests/:id`: the request with its queue, SLA and audit trail. */
export async function getRefillRequest(principal: Principal, id: string) {
  const clinicId = clinicScope(principal);
  if (!GUID.test(id)) throw notFound('Request');
  const db = getDb();
  const row = await db.selectFrom('refillRequests').selectAll().where('id', '=', id).where('clinicId', '=', clinicId).executeTakeFirst();
  if (!row) throw notFound('Request');
  return { request: { ...requestView(row), audit: await auditOf(db, clinicId, id) } };
}

/** Per queue: open count and the oldest open item's intake time; plus the to-dispense list. */
export async function queueSummary(principal: Principal) {
  const clinicId = clinicScope(principal);
  const rows = await getDb()
    .selectFrom('refillRequests')
    .select(['queue', 'status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('createdAt').as('oldest'), sql<number>`count(*) filter (where due_at < ${now()})::int`.as('overdue')])
    .where('clinicId', '=', clinicId)
    .where('status', 'in', ['open', 'to_dispense'])
    .groupBy(['queue', 'status'])
    .execute();
  const queues = REQUEST_QUEUES.map((queue) => {
    const r = rows.find((x) => x.queue === queue && x.status === 'open');
    return { queue, count: Number(r?.n ?? 0), overdue: Number(r?.overdue ?? 0), oldestAt: r?.oldest ? new Date(r.oldest as Date).toISOString() : null };
  });
  const dispense = rows.filter((x) => x.status === 'to_dispense');
  const oldestDispense = dispense.map((d) => new Date(d.oldest as Date).getTime()).sort()[0];
  return {
    queues,
    toDispense: { count: dispense.reduce((s, d) => s + Number(d.n), 0), oldestAt: oldestDispense ? new Date(oldestDispense).toISOString() : null },
  };
}

/** What the queue page shows on one item: the request and the patient's context. */
export async function queueItems(principal: Principal, tab: QueueName | 'to_dispense') {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const base = db
    .selectFrom('refillRequests as r')
    .leftJoin('patients as p', 'p.id', 'r.patientId')
    .leftJoin('prescriptions as rx', 'rx.id', 'r.prescriptionId')
    .leftJoin('medications as m', 'm.id', 'rx.medicationId')
    .leftJoin('prescribers as pr', 'pr.id', 'rx.prescriberId')
    .leftJoin('users as u', 'u.id', 'r.assignedTo')
    .where('r.clinicId', '=', clinicId);
  const rows = await (tab === 'to_dispense' ? base.where('r.status', '=', 'to_dispense') : base.where('r.status', '=', 'open').where('r.queue', '=', tab))
    .selectAll('r')
    .select([
      'p.name as petName', 'p.species', 'p.weightKg', 'p.lastWellnessExamOn', 'p.status as patientStatus',
      'm.name as medName', 'm.strength', 'm.form', 'm.controlledSchedule', 'm.compounded',
      'rx.sig', 'rx.writtenOn', 'rx.expiresOn', 'rx.refillsAuthorized', 'rx.refillsUsed', 'rx.standingOrder', 'rx.status as rxStatus',
      'pr.name as prescriberName', 'u.name as assigneeName',
      (eb) =>
        eb
          .selectFrom('orderLines as ol')
          .select(sql<string>`max(coalesce(ol.filled_on, ol.created_at::date))::text`.as('d'))
          .whereRef('ol.prescriptionId', '=', 'r.prescriptionId')
          .as('lastFill'),
    ])
    .orderBy(tab === 'to_dispense' ? 'r.decidedAt' : 'r.dueAt')
    .orderBy('r.id')
    .limit(200)
    .execute();
  const ids = rows.map((r) => r.id);
  const events = ids.length
    ? await db
        .selectFrom('auditEvents')
        .select(['subjectId', 'at', 'actorLabel', 'action', 'detail'])
        .where('subjectType', '=', 'refill_request')
        .where('subjectId', 'in', ids)
        .where('clinicId', '=', clinicId)
        .orderBy('at')
        .orderBy('id')
        .execute()
    : [];
  const at = now();
  return rows.map((r) => {
    const view = requestView(r as unknown as RefillRequest, at);
    return {
      ...view,
      pet: r.petName ? { name: r.petName, species: r.species, weightKg: r.weightKg, lastWellnessExamOn: r.lastWellnessExamOn, status: r.patientStatus } : null,
      prescription: r.medName
        ? {
            medication: `${r.medName} ${r.strength} ${r.form}`,
            controlledSchedule: r.controlledSchedule,
            compounded: r.compounded,
            sig: r.sig,
            writtenOn: r.writtenOn,
            expiresOn: r.expiresOn,
            refillsAuthorized: r.refillsAuthorized,
            refillsUsed: r.refillsUsed,
            standingOrder: r.standingOrder,
            status: r.rxStatus,
            prescriberName: r.prescriberName,
            lastFill: r.lastFill,
          }
        : null,
      assigneeName: r.assigneeName,
      approval: approvalRule(principal, { queue: r.queue, status: r.status, prescriptionId: r.prescriptionId, controlledSchedule: r.controlledSchedule ?? null, standingOrder: r.standingOrder ?? false, compounded: r.compounded ?? false }),
      history: events
        .filter((e) => e.subjectId === r.id)
        .map((e) => ({ at: e.at.toISOString(), actor: e.actorLabel, action: e.action, detail: e.detail })),
    };
  });
}
export type QueueItem = Awaited<ReturnType<typeof queueItems>>[number];

// ---------------------------------------------------------------------------------------
// Who may approve

/**
 * Who may approve a refill: a veterinarian anything (a controlled one only with a DEA
 * registration covering its schedule, checked on approval); a technician — and a clinic API
 * key, which acts like one — only a non-controlled refill covered by a standing order the
 * veterinarian set, and not one waiting for a veterinarian's review. Managers and the front
 * desk do not approve.
 */
export function approvalRule(
  principal: Principal,
  r: { queue: QueueName; status: string; prescriptionId: string | null; controlledSchedule: string | null; standingOrder: boolean; compounded: boolean },
): { allowed: boolean; reason: string } {
  if (r.status !== 'open') return { allowed: false, reason: `The request is already ${r.status.replace('_', ' ')}.` };
  if (!r.prescriptionId) return { allowed: false, reason: 'Match the patient and prescription first.' };
  if (principal.kind === 'user' && principal.role === 'veterinarian') return { allowed: true, reason: 'Veterinarian.' };
  const techLike = (principal.kind === 'user' && principal.role === 'technician') || principal.kind === 'clinic_key';
  if (!techLike) return { allowed: false, reason: 'Only a veterinarian approves refills (or a technician under a standing order).' };
  const who = principal.kind === 'clinic_key' ? 'An API key' : 'A technician';
  if (r.controlledSchedule) return { allowed: false, reason: `${who} cannot approve a controlled substance: a veterinarian with DEA approves.` };
  if (!r.standingOrder) return { allowed: false, reason: `${who} approves only refills covered by a standing order; this one needs a veterinarian.` };
  if (r.compounded || r.queue === 'vet_review') return { allowed: false, reason: `This refill waits for a veterinarian's review.` };
  if (r.queue === 'exception_exam' || r.queue === 'exception_prescription' || r.queue === 'front_desk') {
    return { allowed: false, reason: `${who} cannot approve an exception; a veterinarian decides.` };
  }
  return { allowed: true, reason: 'Standing order.' };
}

// ---------------------------------------------------------------------------------------
// Changing a request

async function lockRequest(tx: Tx, clinicId: string, id: string) {
  if (!GUID.test(id)) throw notFound('Request');
  const row = await tx.selectFrom('refillRequests').selectAll().where('id', '=', id).where('clinicId', '=', clinicId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Request');
  return row;
}

function requireOpen(r: RefillRequest) {
  if (r.status !== 'open') throw conflict(`Request ${r.reference} is already ${r.status.replace('_', ' ')}.`, { status: r.status });
}

/** The offer an approved compounded refill is ordered from: the patient's last one if it still ships here, else the cheapest that does. */
async function chooseOffer(tx: Tx, clinicId: string, patientId: string, medicationId: string, state: string, quantity: number) {
  const offers = await tx
    .selectFrom('offers as o')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .innerJoin('pharmacyShipLicenses as l', (j) => j.onRef('l.pharmacyId', '=', 'o.pharmacyId').on('l.state', '=', state).on('l.expiresOn', '>=', today()))
    .select(['o.id', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'ph.name as pharmacyName'])
    .where('o.medicationId', '=', medicationId)
    .where('o.available', '=', true)
    .where('ph.active', '=', true)
    .where((eb) => eb.or([eb('o.shipStates', 'is', null), sql<boolean>`${state} = any(o.ship_states)`]))
    .execute();
  if (offers.length === 0) return null;
  const last = await tx
    .selectFrom('orderLines')
    .select('offerId')
    .where('clinicId', '=', clinicId)
    .where('patientId', '=', patientId)
    .where('medicationId', '=', medicationId)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  const inStock = (o: (typeof offers)[number]) => o.stockOnHand - o.reserved >= quantity;
  const previous = last ? offers.find((o) => o.id === last.offerId && inStock(o)) : undefined;
  if (previous) return { ...previous, why: 'last ordered' };
  const sorted = [...offers].sort((a, b) => Number(inStock(b)) - Number(inStock(a)) || a.unitPriceCents - b.unitPriceCents || a.pharmacyName.localeCompare(b.pharmacyName));
  return { ...sorted[0]!, why: 'cheapest that ships here' };
}

/**
 * A decision on a request (queue page and `POST /api/v1/refill-requests/:id/decision`).
 * Approve: a compounded medication becomes a line in the clinic's open cart (source
 * `request`, the prescription's SIG and prescriber, the approving veterinarian's sign-off); a
 * commercial one goes on the clinic's to-dispense list. Deny (with a reason) and request exam
 * close it. The owner is told in the same transaction.
 */
export async function decideRefillRequest(principal: Principal, id: string, decision: Decision) {
  const clinicId = clinicScope(principal);
  const at = now();
  const result = await getDb()
    .transaction()
    .execute(async (tx) => {
      const r = await lockRequest(tx, clinicId, id);
      requireOpen(r);
      const subject = { clinicId, subjectType: 'refill_request', subjectId: r.id };
      const decided = { decidedBy: userIdOf(principal), decidedAt: at, decisionReason: decision.reason ?? null };
      const notify = async (template: 'request.approved' | 'request.denied' | 'request.exam_needed', data: Record<string, unknown> = {}) => {
        if (!r.clientId) return;
        await enqueueNotification(tx, { clinicId, clientId: r.clientId, template, ...(r.patientId ? { patientId: r.patientId } : {}), refillRequestId: r.id, data: { reference: r.reference, ...data } });
      };

      if (decision.decision === 'deny') {
        await tx.updateTable('refillRequests').set({ status: 'denied', ...decided }).where('id', '=', r.id).execute();
        await audit(tx, principal, { ...subject, action: 'refill_request.denied', detail: { reason: decision.reason } }, at);
        await notify('request.denied', { reason: decision.reason });
        return { status: 'denied' as const };
      }
      if (decision.decision === 'request_exam') {
        const clinic = await tx.selectFrom('clinics').select(['bookingUrl']).where('id', '=', clinicId).executeTakeFirstOrThrow();
        await tx.updateTable('refillRequests').set({ status: 'exam_requested', ...decided }).where('id', '=', r.id).execute();
        await audit(tx, principal, { ...subject, action: 'refill_request.exam_requested', detail: { reason: decision.reason ?? null, bookingUrl: clinic.bookingUrl } }, at);
        await notify('request.exam_needed', { bookingUrl: clinic.bookingUrl });
        return { status: 'exam_requested' as const };
      }

      // approve
      if (!r.prescriptionId || !r.patientId) throw new DomainError('unprocessable', 'Match the patient and prescription before approving.');
      const rx = await tx
        .selectFrom('prescriptions as rx')
        .innerJoin('medications as m', 'm.id', 'rx.medicationId')
        .innerJoin('patients as p', 'p.id', 'rx.patientId')
        .innerJoin('clinics as c', 'c.id', 'rx.clinicId')
        .select([
          'rx.id', 'rx.patientId', 'rx.medicationId', 'rx.prescriberId', 'rx.sig', 'rx.quantity', 'rx.status', 'rx.expiresOn', 'rx.refillsAuthorized', 'rx.refillsUsed', 'rx.standingOrder',
          'm.name as medicationName', 'm.controlledSchedule', 'm.compounded', 'p.status as patientStatus', 'p.name as petName', 'c.state as clinicState',
        ])
        .where('rx.id', '=', r.prescriptionId)
        .where('rx.clinicId', '=', clinicId)
        .executeTakeFirstOrThrow();
      const rule = approvalRule(principal, { queue: r.queue, status: r.status, prescriptionId: r.prescriptionId, controlledSchedule: rx.controlledSchedule, standingOrder: rx.standingOrder, compounded: rx.compounded });
      if (!rule.allowed) throw new DomainError('forbidden', rule.reason);
      if (rx.patientStatus !== 'active') throw new DomainError('unprocessable', `${rx.petName} is ${rx.patientStatus}; this refill cannot be approved.`);
      if (rx.status !== 'active' || rx.expiresOn < today()) throw new DomainError('unprocessable', `The prescription expired on ${rx.expiresOn}; write a new prescription, then approve.`);
      if (rx.refillsUsed >= rx.refillsAuthorized) throw new DomainError('unprocessable', `No refills left (${rx.refillsUsed} of ${rx.refillsAuthorized} used); write a new prescription, then approve.`);
      if (rx.controlledSchedule && principal.kind === 'user') {
        const dea = await tx
          .selectFrom('deaRegistrations as d')
          .innerJoin('prescribers as pr', 'pr.id', 'd.prescriberId')
          .select(['d.schedules'])
          .where('pr.userId', '=', principal.userId)
          .where('pr.clinicId', '=', clinicId)
          .where('d.state', '=', rx.clinicState)
          .where('d.expiresOn', '>=', today())
          .execute();
        const covers = dea.some((d) => d.schedules.includes(rx.controlledSchedule!) || d.schedules.includes(`${rx.controlledSchedule}N`));
        if (!covers) throw new DomainError('forbidden', `Your DEA registration in ${rx.clinicState} does not cover schedule ${rx.controlledSchedule}; a veterinarian whose registration does approves.`);
      }
      const overrides = (r.eligibility as EligibilityCheck[]).filter((c) => !c.ok).map((c) => c.check);

      if (rx.compounded) {
        const offer = await chooseOffer(tx, clinicId, rx.patientId, rx.medicationId, rx.clinicState, rx.quantity);
        if (!offer) throw new DomainError('unprocessable', `No partner pharmacy offers ${rx.medicationName} shipped to ${rx.clinicState}; the request stays open.`);
        const vetSignoffBy = principal.kind === 'user' && principal.role === 'veterinarian' ? principal.userId : null;
        const added = await addCartLines(
          principal,
          [{ patientId: rx.patientId, offerId: offer.id, quantity: rx.quantity, sig: rx.sig, prescriberId: rx.prescriberId, shipTo: 'clinic', source: 'request', prescriptionId: rx.id, vetSignoffBy }],
          { tx },
        );
        const cartLineId = added.lineIds[0]!;
        await tx.updateTable('refillRequests').set({ status: 'approved', cartLineId, ...decided }).where('id', '=', r.id).execute();
        await audit(tx, principal, { ...subject, action: 'refill_request.approved', detail: { cartLineId, cartId: added.cartId, offerId: offer.id, pharmacy: offer.pharmacyName, offerChoice: offer.why, vetSignoffBy, overrides, reason: decision.reason ?? null } }, at);
        await notify('request.approved');
        return { status: 'approved' as const, cartLineId, cartId: added.cartId };
      }
      await tx.updateTable('refillRequests').set({ status: 'to_dispense', ...decided }).where('id', '=', r.id).execute();
      await audit(tx, principal, { ...subject, action: 'refill_request.approved', detail: { dispense: 'clinic stock', overrides, reason: decision.reason ?? null, rule: rule.reason } }, at);
      await notify('request.approved');
      return { status: 'to_dispense' as const };
    });
  return { ...result, ...(await getRefillRequest(principal, id)) };
}

/** Marks an approved commercial refill dispensed: the refill is used, and the owner is told it is ready for pickup. */
export async function markDispensed(principal: Principal, id: string) {
  const clinicId = clinicScope(principal);
  if (principal.kind !== 'user' || !['technician', 'veterinarian', 'manager'].includes(principal.role)) {
    throw new DomainError('forbidden', 'A technician, veterinarian or manager marks a refill dispensed.');
  }
  const at = now();
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const r = await lockRequest(tx, clinicId, id);
      if (r.status !== 'to_dispense') throw conflict(`Request ${r.reference} is ${r.status.replace('_', ' ')}, not waiting to be dispensed.`, { status: r.status });
      await tx.updateTable('refillRequests').set({ status: 'dispensed' }).where('id', '=', r.id).execute();
      if (r.prescriptionId) {
        await tx.updateTable('prescriptions').set((eb) => ({ refillsUsed: eb('refillsUsed', '+', 1) })).where('id', '=', r.prescriptionId).where('clinicId', '=', clinicId).execute();
      }
      await audit(tx, principal, { clinicId, subjectType: 'refill_request', subjectId: r.id, action: 'refill_request.dispensed', detail: { prescriptionId: r.prescriptionId } }, at);
      if (r.clientId) {
        await enqueueNotification(tx, { clinicId, clientId: r.clientId, template: 'order.ready_for_pickup', ...(r.patientId ? { patientId: r.patientId } : {}), refillRequestId: r.id, data: { reference: r.reference } });
      }
    });
  return getRefillRequest(principal, id);
}

async function simpleChange(principal: Principal, id: string, change: (tx: Tx, r: RefillRequest, at: Date) => Promise<{ action: string; detail?: Record<string, unknown> }>) {
  const clinicId = clinicScope(principal);
  const at = now();
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const r = await lockRequest(tx, clinicId, id);
      const { action, detail } = await change(tx, r, at);
      await audit(tx, principal, { clinicId, subjectType: 'refill_request', subjectId: r.id, action, detail: detail ?? {} }, at);
    });
  return getRefillRequest(principal, id);
}

/** Assigns the request to the signed-in user (reminders then go to them). */
export function assignToMe(principal: Principal, id: string) {
  if (principal.kind !== 'user') throw new DomainError('forbidden', 'Only a person can take a request.');
  return simpleChange(principal, id, async (tx, r) => {
    requireOpen(r);
    await tx.updateTable('refillRequests').set({ assignedTo: principal.userId }).where('id', '=', r.id).execute();
    return { action: 'refill_request.assigned', detail: { to: principal.userId, name: principal.name, from: r.assignedTo } };
  });
}

/** Records that someone called the owner (the target of the front desk and prescription exceptions). */
export function markOwnerCalled(principal: Principal, id: string, note?: string) {
  return simpleChange(principal, id, async (tx, r, at) => {
    await tx.updateTable('refillRequests').set({ ownerCalledAt: at }).where('id', '=', r.id).execute();
    return { action: 'refill_request.owner_called', detail: note ? { note } : {} };
  });
}

/** A note on the request's history. */
export function addNote(principal: Principal, id: string, text: string) {
  return simpleChange(principal, id, async () => ({ action: 'refill_request.note', detail: { text } }));
}

/**
 * The front desk settles a match: picks the patient and prescription (from the candidates or
 * the patient's record). Eligibility and routing run again and the timers restart from the
 * original intake time, so a resolved request keeps its place in line.
 */
export async function resolveMatch(principal: Principal, id: string, input: { prescriptionId: string }) {
  const clinicId = clinicScope(principal);
  if (!GUID.test(input.prescriptionId)) throw new DomainError('bad_request', 'Choose a prescription.', { prescriptionId: 'Choose a prescription.' });
  return simpleChange(principal, id, async (tx, r, at) => {
    requireOpen(r);
    const rx = await tx
      .selectFrom('prescriptions as rx')
      .innerJoin('medications as m', 'm.id', 'rx.medicationId')
      .innerJoin('patients as p', 'p.id', 'rx.patientId')
      .innerJoin('clinics as c', 'c.id', 'rx.clinicId')
      .select([
        'rx.id', 'rx.medicationId', 'm.name as medicationName', 'm.strength', 'm.form', 'm.synonyms', 'm.controlledSchedule', 'm.compounded', 'rx.sig', 'rx.status', 'rx.writtenOn',
        'rx.expiresOn', 'rx.refillsAuthorized', 'rx.refillsUsed', 'rx.lastDoseChangeOn', 'rx.standingOrder', 'p.id as patientId', 'p.clientId', 'p.name as petName', 'p.status as petStatus',
        'p.lastWellnessExamOn', 'c.wellnessWindowMonths', 'c.slaSettings', 'c.timezone',
      ])
      .where('rx.id', '=', input.prescriptionId)
      .where('rx.clinicId', '=', clinicId)
      .executeTakeFirst();
    if (!rx) throw new DomainError('bad_request', 'No such prescription in this clinic.', { prescriptionId: 'not found' });
    const settings = readSlaSettings(rx.slaSettings);
    const matchChecks: EligibilityCheck[] = [
      { check: 'match.owner', ok: true, detail: `Confirmed by ${principal.kind === 'user' ? principal.name : 'API'}.` },
      { check: 'match.patient', ok: true, detail: `${rx.petName}.` },
      { check: 'match.prescription', ok: true, detail: `${rx.medicationName} ${rx.strength} ${rx.form}.` },
    ];
    const checks = [...matchChecks, ...checkEligibility({ name: rx.petName, status: rx.petStatus, lastWellnessExamOn: rx.lastWellnessExamOn }, rx, { wellnessWindowMonths: rx.wellnessWindowMonths }, settings, today())];
    const urgency = effectiveUrgency({ urgency: r.urgency, dosesLeft: r.dosesLeft }, rx.sig, settings);
    const route = routeRequest({ problem: null }, checks, urgency);
    const timers = slaTimers(route.queue, r.createdAt, settings, rx.timezone);
    await tx
      .updateTable('refillRequests')
      .set({
        clientId: rx.clientId, patientId: rx.patientId, prescriptionId: rx.id, eligibility: json(checks), candidates: json([]), queue: route.queue, urgency,
        dueAt: timers.dueAt, remindAt: timers.remindAt, escalateAt: timers.escalateAt,
        // A timer that already fired stays fired; new ones are due only if still ahead.
        remindedAt: timers.remindAt.getTime() <= at.getTime() ? r.remindedAt : null,
        escalatedAt: timers.escalateAt.getTime() <= at.getTime() ? r.escalatedAt : null,
      })
      .where('id', '=', r.id)
      .execute();
    await scheduleTimers(tx, r.id, timers);
    return { action: 'refill_request.resolved', detail: { patientId: rx.patientId, prescriptionId: rx.id, queue: route.queue, reason: route.reason, failed: checks.filter((c) => !c.ok).map((c) => c.check) } };
  });
}

// ---------------------------------------------------------------------------------------
// Timers

// The owner was called: that was the target of the front desk and of the prescription exception.
const CALL_QUEUES: QueueName[] = ['front_desk', 'exception_prescription'];

/**
 * Fires one timer of a request when it is due by the services' clock: marks the row once
 * (the update is conditional, so the job, the sweep and a retry can all call it), then
 * audits who was told — the reminder goes to the assignee (or the queue), the escalation to
 * the clinic's escalation contact (the manager).
 */
async function fireTimer(kind: 'remind' | 'escalate', requestId: string, at: Date): Promise<boolean> {
  const [firedCol, dueCol] = kind === 'remind' ? (['remindedAt', 'remindAt'] as const) : (['escalatedAt', 'escalateAt'] as const);
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const r = await tx
        .updateTable('refillRequests')
        .set({ [firedCol]: at })
        .where('id', '=', requestId)
        .where('status', '=', 'open')
        .where(firedCol, 'is', null)
        .where(dueCol, '<=', at)
        .where((eb) => eb.or([eb('ownerCalledAt', 'is', null), eb('queue', 'not in', CALL_QUEUES)]))
        .returning(['id', 'clinicId', 'queue', 'assignedTo', 'dueAt', 'createdAt'])
        .executeTakeFirst();
      if (!r) return false;
      let to: Record<string, unknown>;
      if (kind === 'remind') {
        const assignee = r.assignedTo ? await tx.selectFrom('users').select(['name']).where('id', '=', r.assignedTo).executeTakeFirst() : undefined;
        to = r.assignedTo ? { userId: r.assignedTo, name: assignee?.name } : { queue: r.queue };
      } else {
        const contact = await tx.selectFrom('clinics as c').leftJoin('users as u', 'u.id', 'c.escalationUserId').select(['u.id', 'u.name']).where('c.id', '=', r.clinicId).executeTakeFirst();
        to = contact?.id ? { userId: contact.id, name: contact.name } : { role: 'manager' };
      }
      const detail = { to, queue: r.queue, dueAt: r.dueAt.toISOString(), openMinutes: Math.round((at.getTime() - r.createdAt.getTime()) / 60_000) };
      await audit(tx, SYSTEM, { clinicId: r.clinicId, subjectType: 'refill_request', subjectId: r.id, action: kind === 'remind' ? 'refill_request.reminded' : 'refill_request.escalated', detail }, at);
      return true;
    });
}

/** Sends the reminder of one request if it is due (its job, the sweep). */
export const remindIfDue = (requestId: string, at: Date = now()) => fireTimer('remind', requestId, at);

/** Escalates one request to the clinic's escalation contact if it is due. */
export const escalateIfDue = (requestId: string, at: Date = now()) => fireTimer('escalate', requestId, at);

/**
 * The periodic sweep (every minute, and on demand): every open request whose reminder or
 * escalation is due and not yet sent gets it. This is what makes timers survive a lost job
 * or a worker restart: the state is the row, the jobs only make it prompt.
 */
export async function runSlaSweep(at: Date = now()): Promise<{ reminded: number; escalated: number }> {
  const db = getDb();
  const [toRemind, toEscalate] = await Promise.all([
    db.selectFrom('refillRequests').select('id').where('status', '=', 'open').where('remindedAt', 'is', null).where('remindAt', '<=', at).orderBy('remindAt').limit(500).execute(),
    db.selectFrom('refillRequests').select('id').where('status', '=', 'open').where('escalatedAt', 'is', null).where('escalateAt', '<=', at).orderBy('escalateAt').limit(500).execute(),
  ]);
  let reminded = 0;
  let escalated = 0;
  for (const r of toRemind) if (await remindIfDue(r.id, at)) reminded++;
  for (const r of toEscalate) if (await escalateIfDue(r.id, at)) escalated++;
  return { reminded, escalated };
}

/** Registers the request timers' tasks and the sweep (from tasks.server.ts). */
export function registerRefillRequestTasks(): void {
  registerTasks({
    'refill.remind': async (p: { requestId?: string }) => {
      if (typeof p?.requestId === 'string') await remindIfDue(p.requestId);
    },
    'refill.escalate': async (p: { requestId?: string }) => {
      if (typeof p?.requestId === 'string') await escalateIfDue(p.requestId);
    },
    'refill.sla_sweep': async () => {
      await runSlaSweep();
    },
  });
  registerCron('refill-sla-sweep', '* * * * *', 'refill.sla_sweep');
}

/** Queues the sweep now (tests and the admin "run timers" action). */
export async function enqueueSlaSweep(db: Kysely<Database> = getDb()): Promise<void> {
  await enqueue(db, 'refill.sla_sweep', {}, { jobKey: 'refill-sla-sweep' });
}

// ---------------------------------------------------------------------------------------
// Clinic settings (intake and SLA)

/** The clinic's intake settings as the settings page edits them. */
export async function getIntakeSettings(principal: Principal) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const [clinic, people] = await Promise.all([
    db.selectFrom('clinics').select(['wellnessWindowMonths', 'slaSettings', 'escalationUserId', 'bookingUrl', 'timezone', 'slug']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
    db.selectFrom('users').select(['id', 'name', 'role']).where('clinicId', '=', clinicId).where('active', '=', true).orderBy('name').execute(),
  ]);
  return {
    wellnessWindowMonths: clinic.wellnessWindowMonths,
    sla: readSlaSettings(clinic.slaSettings),
    escalationUserId: clinic.escalationUserId,
    bookingUrl: clinic.bookingUrl,
    timezone: clinic.timezone,
    slug: clinic.slug,
    people,
  };
}

/** Saves the intake settings (managers only). New targets apply to requests that arrive afterwards. */
export async function updateIntakeSettings(
  principal: Principal,
  input: {
    wellnessWindowMonths: number;
    targetMinutes: SlaSettings['targetMinutes'];
    dayEndsAt: string;
    urgentReminderMinutes: number;
    escalateAfterMinutes: number;
    escalationUserId: string | null;
    bookingUrl: string | null;
  },
) {
  const clinicId = clinicScope(principal);
  if (principal.kind !== 'user' || (principal.role !== 'manager' && principal.role !== 'admin')) throw new DomainError('forbidden', 'Only a manager changes the clinic settings.');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const clinic = await tx.selectFrom('clinics').select(['slaSettings', 'wellnessWindowMonths', 'escalationUserId', 'bookingUrl']).where('id', '=', clinicId).forUpdate().executeTakeFirstOrThrow();
      if (input.escalationUserId) {
        const person = await tx.selectFrom('users').select('id').where('id', '=', input.escalationUserId).where('clinicId', '=', clinicId).where('active', '=', true).executeTakeFirst();
        if (!person) throw new DomainError('bad_request', 'Choose someone who works at this clinic.', { escalationUserId: 'Choose someone who works at this clinic.' });
      }
      const previous = clinic.slaSettings ?? {};
      const next = { ...previous, targetMinutes: input.targetMinutes, dayEndsAt: input.dayEndsAt, urgentReminderMinutes: input.urgentReminderMinutes, escalateAfterMinutes: input.escalateAfterMinutes };
      await tx
        .updateTable('clinics')
        .set({ slaSettings: json(next), wellnessWindowMonths: input.wellnessWindowMonths, escalationUserId: input.escalationUserId, bookingUrl: input.bookingUrl })
        .where('id', '=', clinicId)
        .execute();
      await audit(tx, principal, {
        clinicId,
        subjectType: 'clinic',
        subjectId: clinicId,
        action: 'clinic.intake_settings_changed',
        detail: {
          before: { sla: readSlaSettings(previous), wellnessWindowMonths: clinic.wellnessWindowMonths, escalationUserId: clinic.escalationUserId, bookingUrl: clinic.bookingUrl },
          after: { sla: readSlaSettings(next), wellnessWindowMonths: input.wellnessWindowMonths, escalationUserId: input.escalationUserId, bookingUrl: input.bookingUrl },
        },
      });
    });
  return getIntakeSettings(principal);
}
