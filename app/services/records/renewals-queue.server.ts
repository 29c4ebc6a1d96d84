/**
 * Renewal batches in the veterinarian-review queue (docs/records.md, "Renewal requests"): the
 * open batches with their service level, one batch with what a veterinarian reads before
 * renewing (SIG, last fill, weight, wellness exam), and the timers — a reminder to the
 * veterinarian when the target passes and an escalation to the clinic's escalation contact,
 * fired by their jobs or, should one be lost, by the sweep.
 */
import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { notFound } from '../platform/errors';
import { registerCron, registerTasks } from '../platform/jobs.server';
import { clinicScope, type Principal } from '../identity/principal';
import { clinicToday } from './clinics.server';
import { effectiveStatus, prescriptionMedicationName } from './prescriptions.server';

/** Where a batch stands against its target. */
function slaOf(b: { dueAt: Date; remindedAt: Date | null; escalatedAt: Date | null }, at: Date) {
  const minutesLeft = Math.floor((b.dueAt.getTime() - at.getTime()) / 60_000);
  return { dueAt: b.dueAt.toISOString(), minutesLeft, overdue: minutesLeft < 0, remindedAt: b.remindedAt?.toISOString() ?? null, escalatedAt: b.escalatedAt?.toISOString() ?? null };
}

/** The open batches of the clinic, soonest due first: whom each waits for, how many, and its SLA. */
export async function renewalQueue(principal: Principal) {
  const db = getDb();
  const clinicId = clinicScope(principal);
  const rows = await db
    .selectFrom('renewalBatches as b')
    .innerJoin('prescribers as pr', 'pr.id', 'b.prescriberId')
    .select([
      'b.id', 'b.prescriberId', 'pr.name as prescriberName', 'pr.userId', 'b.dueAt', 'b.remindedAt', 'b.escalatedAt', 'b.createdAt',
      (eb) => eb.selectFrom('renewalRequests as rr').select((s) => s.fn.countAll<string>().as('n')).whereRef('rr.batchId', '=', 'b.id').where('rr.status', '=', 'open').as('open'),
    ])
    .where('b.clinicId', '=', clinicId)
    .where('b.status', '=', 'open')
    .orderBy('b.dueAt')
    .orderBy('b.id')
    .execute();
  const at = now();
  const me = principal.kind === 'user' ? principal.userId : null;
  return rows.map((b) => ({
    id: b.id,
    prescriberId: b.prescriberId,
    prescriberName: b.prescriberName,
    mine: b.userId === me,
    open: Number(b.open ?? 0),
    createdAt: b.createdAt.toISOString(),
    sla: slaOf(b, at),
  }));
}
export type RenewalQueueItem = Awaited<ReturnType<typeof renewalQueue>>[number];

/**
 * One batch: each request with the prescription (SIG, refills, dates), the patient's weight and
 * wellness exam, the last fill, and who asked; open requests first.
 */
export async function getRenewalBatch(principal: Principal, batchId: string) {
  const clinicId = clinicScope(principal);
  if (!isUuid(batchId)) throw notFound('Renewal batch');
  const db = getDb();
  const batch = await db
    .selectFrom('renewalBatches as b')
    .innerJoin('prescribers as pr', 'pr.id', 'b.prescriberId')
    .select(['b.id', 'b.status', 'b.prescriberId', 'pr.name as prescriberName', 'pr.userId', 'b.dueAt', 'b.remindedAt', 'b.escalatedAt', 'b.createdAt', 'b.closedAt'])
    .where('b.id', '=', batchId)
    .where('b.clinicId', '=', clinicId)
    .executeTakeFirst();
  if (!batch) throw notFound('Renewal batch');
  const [today, requests] = await Promise.all([
    clinicToday(db, clinicId),
    db
      .selectFrom('renewalRequests as rr')
      .innerJoin('prescriptions as rx', 'rx.id', 'rr.prescriptionId')
      .leftJoin('medications as m', 'm.id', 'rx.medicationId')
      .innerJoin('prescribers as wr', 'wr.id', 'rx.prescriberId')
      .innerJoin('patients as p', 'p.id', 'rr.patientId')
      .leftJoin('users as asker', 'asker.id', 'rr.requestedBy')
      .leftJoin('users as decider', 'decider.id', 'rr.decidedBy')
      .select([
        'rr.id', 'rr.status', 'rr.reason', 'rr.note', 'rr.createdAt', 'rr.decidedAt', 'rr.declineReason', 'rr.renewalId', 'rr.cartLineId',
        'asker.name as askedBy', 'decider.name as decidedBy',
        'rx.id as prescriptionId', prescriptionMedicationName().as('medicationName'), 'm.controlledSchedule', 'rx.sig', 'rx.quantity', 'rx.quantityUnit',
        'rx.refillsAuthorized', 'rx.refillsUsed', 'rx.writtenOn', 'rx.expiresOn', 'rx.status as prescriptionStatus', 'wr.name as writtenByName',
        'p.id as patientId', 'p.name as patientName', 'p.species', 'p.weightKg', 'p.lastWellnessExamOn',
        (eb) =>
          eb
            .selectFrom('orderLines as ol')
            .select(sql<string>`max(coalesce(ol.filled_on, ol.created_at::date))::text`.as('d'))
            .whereRef('ol.prescriptionId', '=', 'rx.id')
            .as('lastFilledOn'),
      ])
      .where('rr.batchId', '=', batchId)
      .orderBy(sql`rr.status = 'open'`, 'desc')
      .orderBy('p.name')
      .orderBy('rr.createdAt')
      .execute(),
  ]);
  const at = now();
  return {
    today,
    batch: { id: batch.id, status: batch.status, prescriberId: batch.prescriberId, prescriberName: batch.prescriberName, prescriberUserId: batch.userId, createdAt: batch.createdAt.toISOString(), closedAt: batch.closedAt?.toISOString() ?? null, sla: slaOf(batch, at) },
    requests: requests.map((r) => ({
      id: r.id,
      status: r.status,
      reason: r.reason,
      note: r.note,
      askedBy: r.askedBy,
      askedAt: r.createdAt.toISOString(),
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt?.toISOString() ?? null,
      declineReason: r.declineReason,
      renewalId: r.renewalId,
      cartLineId: r.cartLineId,
      prescription: {
        id: r.prescriptionId,
        medicationName: r.medicationName,
        controlledSchedule: r.controlledSchedule ?? null,
        sig: r.sig,
        quantity: r.quantity,
        quantityUnit: r.quantityUnit,
        refillsAuthorized: r.refillsAuthorized,
        refillsUsed: r.refillsUsed,
        writtenOn: r.writtenOn,
        expiresOn: r.expiresOn,
        status: effectiveStatus({ status: r.prescriptionStatus, expiresOn: r.expiresOn }, today),
        writtenByName: r.writtenByName,
        lastFilledOn: r.lastFilledOn,
      },
      patient: { id: r.patientId, name: r.patientName, species: r.species, weightKg: r.weightKg, lastWellnessExamOn: r.lastWellnessExamOn },
    })),
  };
}
export type RenewalBatchView = Awaited<ReturnType<typeof getRenewalBatch>>;

const SYSTEM = { actorType: 'system' as const, actorLabel: 'vialcart SLA timer' };

/**
 * Fires a batch's reminder (to its veterinarian) or escalation (to the clinic's escalation
 * contact) once, when due and the batch is still open: the update is conditional, so the job,
 * the sweep and a retry can all call it. Answers whether it fired.
 */
async function fireTimer(kind: 'remind' | 'escalate', batchId: string, at: Date): Promise<boolean> {
  const [fired, due] = kind === 'remind' ? (['remindedAt', 'remindAt'] as const) : (['escalatedAt', 'escalateAt'] as const);
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const b = await tx
        .updateTable('renewalBatches')
        .set({ [fired]: at })
        .where('id', '=', batchId)
        .where('status', '=', 'open')
        .where(fired, 'is', null)
        .where(due, '<=', at)
        .returning(['id', 'clinicId', 'prescriberId', 'dueAt', 'createdAt'])
        .executeTakeFirst();
      if (!b) return false;
      const to =
        kind === 'remind'
          ? await tx.selectFrom('prescribers as p').innerJoin('users as u', 'u.id', 'p.userId').select(['u.id as userId', 'u.name']).where('p.id', '=', b.prescriberId).executeTakeFirst()
          : await tx.selectFrom('clinics as c').innerJoin('users as u', 'u.id', 'c.escalationUserId').select(['u.id as userId', 'u.name']).where('c.id', '=', b.clinicId).executeTakeFirst();
      await audit(
        tx,
        SYSTEM,
        {
          clinicId: b.clinicId,
          action: kind === 'remind' ? 'renewal_batch.reminded' : 'renewal_batch.escalated',
          subjectType: 'renewal_batch',
          subjectId: b.id,
          detail: { to: to ?? { role: 'manager' }, queue: 'vet_review', dueAt: b.dueAt.toISOString(), openMinutes: Math.round((at.getTime() - b.createdAt.getTime()) / 60_000) },
        },
        at,
      );
      return true;
    });
}

/** Every open batch whose reminder or escalation is due and not yet sent gets it (every minute, and on demand). */
export async function runRenewalSweep(at: Date = now()): Promise<{ reminded: number; escalated: number }> {
  const db = getDb();
  const [toRemind, toEscalate] = await Promise.all([
    db.selectFrom('renewalBatches').select('id').where('status', '=', 'open').where('remindedAt', 'is', null).where('remindAt', '<=', at).limit(500).execute(),
    db.selectFrom('renewalBatches').select('id').where('status', '=', 'open').where('escalatedAt', 'is', null).where('escalateAt', '<=', at).limit(500).execute(),
  ]);
  let reminded = 0;
  let escalated = 0;
  for (const b of toRemind) if (await fireTimer('remind', b.id, at)) reminded++;
  for (const b of toEscalate) if (await fireTimer('escalate', b.id, at)) escalated++;
  return { reminded, escalated };
}

/** Registers the batches' timer tasks and the sweep (from tasks.server.ts). */
export function registerRenewalTasks(): void {
  registerTasks({
    'renewals.remind': async (p: { batchId?: string }) => {
      if (typeof p?.batchId === 'string') await fireTimer('remind', p.batchId, now());
    },
    'renewals.escalate': async (p: { batchId?: string }) => {
      if (typeof p?.batchId === 'string') await fireTimer('escalate', p.batchId, now());
    },
    'renewals.sla_sweep': async () => {
      await runRenewalSweep();
    },
  });
  registerCron('renewals-sla-sweep', '* * * * *', 'renewals.sla_sweep');
}
