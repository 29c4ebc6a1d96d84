/**
 * Reading requests: the JSON view with its SLA, the list and detail of the API, and the queue
 * page (counts per queue, the items with the patient's context, history and who may approve).
 */
import { sql, type Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database, RefillRequest } from '../../../db/schema';
import { REQUEST_QUEUES, isUuid, medicationLabel, type RequestQueue } from '../../../validators/vocabulary';
import { now } from '../platform/clock.server';
import { notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { approvalRule } from './approval';
import type { MatchCandidate } from './matching';

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
export async function listRefillRequests(principal: Principal, query: { queue?: RequestQueue; status?: RefillRequest['status']; limit?: number } = {}) {
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
export function getRefillRequest(principal: Principal, id: string) {
  return getRefillRequestIn(getDb(), principal, id);
}

/** `getRefillRequest` on the caller's connection (a decision answers the request it changed). */
export async function getRefillRequestIn(db: Kysely<Database>, principal: Principal, id: string) {
  const clinicId = clinicScope(principal);
  if (!isUuid(id)) throw notFound('Request');
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
export async function queueItems(principal: Principal, tab: RequestQueue | 'to_dispense') {
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
      'p.name as petName', 'p.species', 'p.weightKg', 'p.weightMeasuredOn', 'p.lastWellnessExamOn', 'p.status as patientStatus',
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
      pet: r.petName ? { name: r.petName, species: r.species, weightKg: r.weightKg, weightMeasuredOn: r.weightMeasuredOn, lastWellnessExamOn: r.lastWellnessExamOn, status: r.patientStatus } : null,
      prescription: r.medName
        ? {
            medication: medicationLabel({ name: r.medName, strength: r.strength ?? '', form: r.form ?? '' }),
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
