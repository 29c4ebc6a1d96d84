/**
 * The SLA timers of open requests: reminder and escalation jobs per request, and the sweep
 * that fires whatever is due, so a lost job or a restarted worker loses nothing (the state is
 * the row; the jobs only make it prompt).
 */
import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { CALL_QUEUES } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { enqueue, registerCron, registerTasks } from '../platform/jobs.server';

const SYSTEM = { actorType: 'system' as const, actorLabel: 'vialcart SLA timer' };

/** Enqueues the reminder and escalation jobs (keyed per request, so a re-route replaces them). */
export async function scheduleTimers(tx: Kysely<Database>, requestId: string, timers: { remindAt: Date; escalateAt: Date }): Promise<void> {
  await enqueue(tx, 'refill.remind', { requestId }, { runAt: timers.remindAt, jobKey: `refill-remind:${requestId}`, maxAttempts: 5 });
  await enqueue(tx, 'refill.escalate', { requestId }, { runAt: timers.escalateAt, jobKey: `refill-escalate:${requestId}`, maxAttempts: 5 });
}

/**
 * Fires one timer of a request when it is due by the services' clock: marks the row once
 * (the update is conditional, so the job, the sweep and a retry can all call it), then
 * audits who was told — the reminder goes to the assignee (or the queue), the escalation to
 * the clinic's escalation contact (the manager). Once the owner was called, the target of the
 * front desk and of the prescription exception is met, so their timers no longer fire.
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
        .where((eb) => eb.or([eb('ownerCalledAt', 'is', null), eb('queue', 'not in', [...CALL_QUEUES])]))
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
export async function enqueueSlaSweep(): Promise<void> {
  await enqueue(getDb(), 'refill.sla_sweep', {}, { jobKey: 'refill-sla-sweep' });
}
