/**
 * Renewal requests (docs/records.md, "Renewal requests"): staff ask for a prescription that is
 * expired, out of refills, or whose prescriber can no longer sign for the line to be renewed —
 * from the refill-day builder or a cart line's finding. Each request goes to the veterinarian
 * `renewalPrescriber` picks (the prescription's prescriber while they can write it again,
 * otherwise one licensed, and DEA-registered for a controlled drug, in the clinic's state) and
 * joins that veterinarian's open batch. A batch waits in the veterinarian-review queue with
 * its service level (target, reminder, escalation: the clinic's `vet_review` settings). The
 * veterinarian renews many in one action, or declines with a reason.
 */
import type { Kysely, Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database, RenewalReason } from '../../../db/schema';
import { canWrite, prescriptionLapse, renewalPrescriber, requiredDeaSchedule, scheduleForMedicationName } from '../../../validators/prescriptions';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { clinicDay, now } from '../platform/clock.server';
import { DomainError, badRequest, conflict, notFound } from '../platform/errors';
import { enqueue } from '../platform/jobs.server';
import { readSlaSettings, slaTimers } from '../requests/index.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { loadPrescriberContexts } from './prescribers.server';
import { prescriptionMedicationName } from './prescriptions.server';
import { renewPrescriptions } from './prescriptions-renew.server';
import { closeFinishedBatches } from './renewals-store.server';

type Db = Kysely<Database>;
type Tx = Transaction<Database>;

/** One "Ask for renewal": the prescription, and the cart line it came from when it came from one. */
export type RenewalAsk = { prescriptionId: string; cartLineId?: string | null; note?: string | null };

/** A request as the builder, the cart and the API see it. */
export type RenewalRequestView = { id: string; prescriptionId: string; batchId: string; prescriberId: string; prescriberName: string; reason: RenewalReason; status: 'open' | 'renewed' | 'declined' | 'cancelled'; created: boolean };

/**
 * Asks for renewals in one transaction, all or none: each prescription's request joins the open
 * batch of the veterinarian asked (creating it, with its timers, when there is none). Asking
 * again for a prescription already waiting answers the open request. A prescription that can
 * still be filled, was renewed or discontinued, or belongs to a deceased patient is refused.
 */
export function requestRenewals(principal: Principal, asks: readonly RenewalAsk[]): Promise<RenewalRequestView[]> {
  return getDb().transaction().execute((tx) => requestRenewalsIn(tx, principal, asks));
}

/** `requestRenewals` inside the caller's transaction (the API's idempotent ask). */
export async function requestRenewalsIn(tx: Tx, principal: Principal, asks: readonly RenewalAsk[]): Promise<RenewalRequestView[]> {
  const clinicId = clinicScope(principal);
  if (asks.length === 0) throw badRequest('Choose a prescription to renew.', { prescriptionId: 'Choose a prescription to renew.' });
  if (asks.length > 500) throw badRequest('Ask for at most 500 renewals at once.', { prescriptionId: 'Too many at once.' });
  if (!asks.every((a) => isUuid(a.prescriptionId) && (!a.cartLineId || isUuid(a.cartLineId)))) throw notFound('Prescription');
  const clinic = await tx.selectFrom('clinics').select(['state', 'timezone', 'slaSettings']).where('id', '=', clinicId).executeTakeFirstOrThrow();
  const today = clinicDay(clinic.timezone);
  const ids = [...new Set(asks.map((a) => a.prescriptionId))];
  const lineIds = asks.flatMap((a) => (a.cartLineId ? [a.cartLineId] : []));
  const [rxs, lines, prescribers, open] = await Promise.all([
    tx
      .selectFrom('prescriptions as rx')
      .innerJoin('patients as p', 'p.id', 'rx.patientId')
      .leftJoin('medications as m', 'm.id', 'rx.medicationId')
      .select(['rx.id', 'rx.patientId', 'rx.prescriberId', 'rx.status', 'rx.expiresOn', 'rx.refillsAuthorized', 'rx.refillsUsed', 'rx.medicationId', 'm.controlledSchedule', 'p.name as patientName', 'p.status as patientStatus', prescriptionMedicationName().as('medicationName')])
      .where('rx.id', 'in', ids)
      .where('rx.clinicId', '=', clinicId)
      .execute(),
    lineIds.length ? tx.selectFrom('cartLines').select(['id', 'prescriptionId', 'shipTo', 'shipState']).where('id', 'in', lineIds).where('clinicId', '=', clinicId).execute() : [],
    loadPrescriberContexts(tx, clinicId),
    tx
      .selectFrom('renewalRequests as rr')
      .innerJoin('renewalBatches as b', 'b.id', 'rr.batchId')
      .innerJoin('prescribers as pr', 'pr.id', 'b.prescriberId')
      .select(['rr.id', 'rr.prescriptionId', 'rr.batchId', 'rr.reason', 'b.prescriberId', 'pr.name as prescriberName'])
      .where('rr.prescriptionId', 'in', ids)
      .where('rr.status', '=', 'open')
      .execute(),
  ]);
  const rxOf = new Map(rxs.map((r) => [r.id, r]));
  const lineOf = new Map(lines.map((l) => [l.id, l]));
  const openOf = new Map(open.map((o) => [o.prescriptionId, o]));
  const at = now();
  const answers: RenewalRequestView[] = [];
  const seen = new Set<string>();
  for (const [i, ask] of asks.entries()) {
    if (seen.has(ask.prescriptionId)) continue;
    seen.add(ask.prescriptionId);
    const rx = rxOf.get(ask.prescriptionId);
    if (!rx) throw notFound('Prescription');
    const waiting = openOf.get(rx.id);
    if (waiting) {
      answers.push({ ...waiting, status: 'open', created: false });
      continue;
    }
    const path = asks.length > 1 ? `asks.${i}.` : '';
    if (rx.status === 'superseded') throw conflict(`${rx.patientName}'s ${rx.medicationName} was already renewed.`, { status: rx.status });
    if (rx.status === 'discontinued' || rx.status === 'cancelled') throw conflict(`${rx.patientName}'s ${rx.medicationName} was ${rx.status} by the veterinarian; it is not renewed.`, { status: rx.status });
    if (rx.patientStatus === 'deceased') throw new DomainError('unprocessable', `${rx.patientName} is recorded as deceased.`, { [`${path}prescriptionId`]: `${rx.patientName} is recorded as deceased.` });
    const line = ask.cartLineId ? lineOf.get(ask.cartLineId) : undefined;
    if (ask.cartLineId && (!line || line.prescriptionId !== rx.id)) throw notFound('Cart line');
    const states = line && line.shipTo === 'owner' && line.shipState !== clinic.state ? [clinic.state, line.shipState] : [clinic.state];
    const schedule = rx.medicationId ? (rx.controlledSchedule ?? null) : scheduleForMedicationName(rx.medicationName);
    const dea = requiredDeaSchedule({ name: rx.medicationName, controlledSchedule: schedule });
    const writer = prescribers.find((p) => p.id === rx.prescriberId);
    const lapse = prescriptionLapse(rx, today);
    const reason: RenewalReason | null =
      lapse ?? (writer && canWrite(writer, states, null, today) ? (canWrite(writer, states, dea, today) ? null : 'prescriber_dea') : 'prescriber_license');
    if (reason === null) throw conflict(`${rx.patientName}'s ${rx.medicationName} can still be filled: it is current, has refills left and its prescriber can sign for it.`, { prescriptionId: rx.id });
    const vet = renewalPrescriber(prescribers, { writerId: rx.prescriberId, states, dea, today });
    if (!vet) {
      const need = `a current licence in ${states.join(' and ')}${dea ? ` and a DEA registration covering schedule ${dea}` : ''}`;
      throw new DomainError('unprocessable', `No veterinarian of the clinic can renew ${rx.patientName}'s ${rx.medicationName}: none holds ${need}.`, { [`${path}prescriptionId`]: `No veterinarian holds ${need}.` });
    }
    const batchId = await openBatchFor(tx, clinicId, vet.id, clinic, at);
    const note = ask.note?.trim() ? ask.note.trim().slice(0, 500) : null;
    const row = await tx
      .insertInto('renewalRequests')
      .values({ clinicId, batchId, prescriptionId: rx.id, patientId: rx.patientId, reason, note, cartLineId: line?.id ?? null, requestedBy: userIdOf(principal), createdAt: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(
      tx,
      principal,
      { clinicId, action: 'prescription.renewal_requested', subjectType: 'prescription', subjectId: rx.id, detail: { requestId: row.id, batchId, askedOf: vet.id, askedOfName: vet.name, reason, cartLineId: line?.id ?? null } },
      at,
    );
    answers.push({ id: row.id, prescriptionId: rx.id, batchId, prescriberId: vet.id, prescriberName: vet.name, reason, status: 'open', created: true });
  }
  return answers;
}

/** The veterinarian's open batch, created (with its reminder and escalation jobs) when there is none. */
async function openBatchFor(tx: Tx, clinicId: string, prescriberId: string, clinic: { timezone: string; slaSettings: unknown }, at: Date): Promise<string> {
  const find = () => tx.selectFrom('renewalBatches').select('id').where('clinicId', '=', clinicId).where('prescriberId', '=', prescriberId).where('status', '=', 'open').forUpdate().executeTakeFirst();
  const existing = await find();
  if (existing) return existing.id;
  const timers = slaTimers('vet_review', at, readSlaSettings(clinic.slaSettings), clinic.timezone);
  const created = await tx
    .insertInto('renewalBatches')
    .values({ clinicId, prescriberId, dueAt: timers.dueAt, remindAt: timers.remindAt, escalateAt: timers.escalateAt, createdAt: at })
    .onConflict((oc) => oc.columns(['clinicId', 'prescriberId']).where('status', '=', 'open').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!created) return (await find())!.id;
  await enqueue(tx, 'renewals.remind', { batchId: created.id }, { runAt: timers.remindAt, jobKey: `renewal-remind:${created.id}`, maxAttempts: 5 });
  await enqueue(tx, 'renewals.escalate', { batchId: created.id }, { runAt: timers.escalateAt, jobKey: `renewal-escalate:${created.id}`, maxAttempts: 5 });
  return created.id;
}

/** Open renewal requests of the given prescriptions (the builder's and the cart's "Renewal asked of Dr. …"). */
export function openRenewalsFor(principal: Principal, prescriptionIds: readonly string[]) {
  return openRenewalsForIn(getDb(), principal, prescriptionIds);
}

/** `openRenewalsFor` on the caller's connection or transaction (the builder's). */
export async function openRenewalsForIn(db: Db, principal: Principal, prescriptionIds: readonly string[]) {
  const clinicId = clinicScope(principal);
  const ids = [...new Set(prescriptionIds.filter(isUuid))];
  if (ids.length === 0) return {} as Record<string, { requestId: string; batchId: string; prescriberName: string; askedAt: string }>;
  const rows = await db
    .selectFrom('renewalRequests as rr')
    .innerJoin('renewalBatches as b', 'b.id', 'rr.batchId')
    .innerJoin('prescribers as pr', 'pr.id', 'b.prescriberId')
    .select(['rr.id', 'rr.prescriptionId', 'rr.batchId', 'rr.createdAt', 'pr.name'])
    .where('rr.clinicId', '=', clinicId)
    .where('rr.status', '=', 'open')
    .where('rr.prescriptionId', 'in', ids)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.prescriptionId, { requestId: r.id, batchId: r.batchId, prescriberName: r.name, askedAt: r.createdAt.toISOString() }]));
}

/** The request ids of a batch, locked, each still open; anything else is a conflict naming the field. */
async function openRequestsOf(tx: Tx, clinicId: string, batchId: string, requestIds: readonly string[]) {
  if (!isUuid(batchId)) throw notFound('Renewal batch');
  const batch = await tx.selectFrom('renewalBatches').select(['id', 'status']).where('id', '=', batchId).where('clinicId', '=', clinicId).forUpdate().executeTakeFirst();
  if (!batch) throw notFound('Renewal batch');
  if (requestIds.length === 0) throw badRequest('Choose at least one prescription.', { requestIds: 'Choose at least one prescription.' });
  const bad = requestIds.findIndex((id) => !isUuid(id));
  if (bad >= 0) throw badRequest('This renewal request is not in the batch.', { [`requestIds.${bad}`]: 'Not in this batch.' });
  const rows = await tx
    .selectFrom('renewalRequests')
    .select(['id', 'prescriptionId', 'status'])
    .where('batchId', '=', batchId)
    .where('clinicId', '=', clinicId)
    .where('id', 'in', [...requestIds])
    .forUpdate()
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return requestIds.map((id, i) => {
    const row = byId.get(id);
    if (!row) throw badRequest('This renewal request is not in the batch.', { [`requestIds.${i}`]: 'Not in this batch.' });
    if (row.status !== 'open') throw conflict(`A request you chose was already ${row.status}; reload the batch.`, { [`requestIds.${i}`]: row.status });
    return row;
  });
}

/**
 * The veterinarian renews the chosen requests of a batch in one action, all or none: one
 * renewal per prescription (refills and expiry as given for all, or each as before and by the
 * clinic's policy). A rule broken by any of them refuses the action, naming its line.
 */
export async function renewBatch(principal: Principal, batchId: string, input: { requestIds: string[]; refillsAuthorized?: number | null; expiresOn?: string | null }) {
  const clinicId = clinicScope(principal);
  return getDb().transaction().execute(async (tx) => {
    const requests = await openRequestsOf(tx, clinicId, batchId, input.requestIds);
    const renewed = await renewPrescriptions(
      tx,
      principal,
      requests.map((r, i) => ({ prescriptionId: r.prescriptionId, input: { refillsAuthorized: input.refillsAuthorized ?? null, expiresOn: input.expiresOn ?? null }, path: `requestIds.${i}.` })),
    );
    return { renewed };
  });
}

/** The veterinarian declines the chosen requests with a reason (the requester reads it on the prescription). */
export async function declineRenewals(principal: Principal, batchId: string, input: { requestIds: string[]; reason: string }) {
  const clinicId = clinicScope(principal);
  if (principal.kind !== 'user' || principal.role !== 'veterinarian') throw new DomainError('forbidden', 'Only a veterinarian declines a renewal.');
  const reason = input.reason?.trim() ?? '';
  if (!reason) throw badRequest('Say why the renewal is declined.', { reason: 'Say why the renewal is declined.' });
  if (reason.length > 500) throw badRequest('Keep the reason under 500 characters.', { reason: 'Keep the reason under 500 characters.' });
  return getDb().transaction().execute(async (tx) => {
    const requests = await openRequestsOf(tx, clinicId, batchId, input.requestIds);
    const at = now();
    await tx
      .updateTable('renewalRequests')
      .set({ status: 'declined', declineReason: reason, decidedBy: principal.userId, decidedAt: at })
      .where('id', 'in', requests.map((r) => r.id))
      .execute();
    await closeFinishedBatches(tx, [batchId], at);
    await audit(
      tx,
      principal,
      requests.map((r) => ({ clinicId, action: 'prescription.renewal_declined', subjectType: 'prescription', subjectId: r.prescriptionId, detail: { requestId: r.id, batchId, reason } })),
      at,
    );
    return { declined: requests.map((r) => r.id) };
  });
}
