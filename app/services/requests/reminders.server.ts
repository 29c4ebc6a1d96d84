import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { getDb } from '../../../db/client';
import { daysSupply, parseSig } from '../../../validators/sig';
import { addDays, type RequestStatus } from '../../../validators/vocabulary';
import { now } from '../platform/clock.server';
import { enqueue, registerCron, registerTasks } from '../platform/jobs.server';
import { refillRequestUrl, writeNotification } from '../owners/notifications.server';

// Refill reminders. A prescription's next refill is due when its last fill runs out
// (fill date + days supply); its owner is reminded the clinic's lead days before.
//
// Two steps, so a restart can never send one twice:
//  1. the sweep (hourly cron) writes one refill_reminders row per (prescription, due date) —
//     the table's unique key makes that once-only — as `scheduled`, or `suppressed` with why;
//  2. dispatch sends each scheduled row in its own transaction: it locks the row, checks the
//     suppressions again (a request may have arrived since), writes the owner notification
//     (dedupe key = the reminder's id) and marks the row `sent`, all in one commit.

/** A request arriving within this many days suppresses the reminder. */
export const RECENT_REQUEST_DAYS = 7;
/** A sweep that was down may still remind up to this many days after the due date. */
export const LATE_GRACE_DAYS = 3;
/** Request statuses that mean the refill is already being handled. */
const OPEN_REQUEST_STATUSES = ['open', 'approved', 'to_dispense'] as const satisfies readonly RequestStatus[];

type Candidate = {
  prescriptionId: string;
  clinicId: string;
  patientStatus: string;
  filledOn: string;
  daysSupply: number | null;
  sig: string;
  quantity: number;
  leadDays: number;
  clinicToday: string;
  requestOpen: boolean;
  requestRecent: boolean;
};

/** Days a fill lasts: the recorded days supply, else computed from its SIG and quantity. */
export function fillDays(line: { daysSupply: number | null; sig: string; quantity: number }): number | null {
  if (line.daysSupply && line.daysSupply > 0) return line.daysSupply;
  const days = daysSupply(parseSig(line.sig), line.quantity);
  return days && days >= 1 && days <= 400 ? Math.floor(days) : null;
}

/**
 * The sweep: finds every active prescription whose reminder day has come (in the clinic's
 * time zone) and writes its reminder row once. Answers how many were scheduled and suppressed.
 */
export async function scheduleReminders(): Promise<{ scheduled: number; suppressed: number }> {
  const db = getDb();
  const at = now().toISOString();
  // The last fill of each active prescription (not of a rejected or cancelled order); only
  // those whose reminder day has come and that have no reminder for this due date yet get
  // their request checks. Fills without a recorded days supply are judged below, from the SIG.
  const candidates = await sql<Candidate>`
    with last as (
      select distinct on (ol.prescription_id) ol.prescription_id, coalesce(ol.filled_on, o.created_at::date) as filled_on,
             ol.days_supply, ol.sig, ol.quantity
      from order_lines ol join orders o on o.id = ol.order_id
      where ol.prescription_id is not null and o.status not in ('rejected', 'cancelled')
      order by ol.prescription_id, coalesce(ol.filled_on, o.created_at::date) desc
    ), due as (
      select rx.id, rx.clinic_id, p.status as patient_status, last.filled_on, last.days_supply, last.sig, last.quantity,
             c.reminder_lead_days, (${at}::timestamptz at time zone c.timezone)::date as clinic_today
      from prescriptions rx
      join last on last.prescription_id = rx.id
      join patients p on p.id = rx.patient_id
      join clinics c on c.id = rx.clinic_id
      where rx.status = 'active' and rx.expires_on >= (${at}::timestamptz at time zone c.timezone)::date
    )
    select d.id as prescription_id, d.clinic_id, d.patient_status, to_char(d.filled_on, 'YYYY-MM-DD') as filled_on,
           d.days_supply, d.sig, d.quantity, d.reminder_lead_days as lead_days, to_char(d.clinic_today, 'YYYY-MM-DD') as clinic_today,
           exists (select 1 from refill_requests rr where rr.prescription_id = d.id
                   and rr.status in (${sql.join(OPEN_REQUEST_STATUSES.map((s) => sql.lit(s)))})) as request_open,
           exists (select 1 from refill_requests rr where rr.prescription_id = d.id
                   and rr.created_at > ${at}::timestamptz - make_interval(days => ${RECENT_REQUEST_DAYS})) as request_recent
    from due d
    where d.days_supply is null
       or (d.filled_on + d.days_supply - d.reminder_lead_days <= d.clinic_today
           and d.filled_on + d.days_supply >= d.clinic_today - ${LATE_GRACE_DAYS}::int
           and not exists (select 1 from refill_reminders r where r.prescription_id = d.id and r.due_on = d.filled_on + d.days_supply))
  `.execute(db);

  const rows: { clinicId: string; prescriptionId: string; dueOn: string; remindOn: string; status: 'scheduled' | 'suppressed'; reason: string | null }[] = [];
  for (const c of candidates.rows) {
    const days = fillDays(c);
    if (days === null) continue;
    const dueOn = addDays(c.filledOn, days);
    const remindOn = addDays(dueOn, -c.leadDays);
    if (remindOn > c.clinicToday || dueOn < addDays(c.clinicToday, -LATE_GRACE_DAYS)) continue;
    const reason = c.patientStatus !== 'active' ? 'patient_inactive' : c.requestOpen ? 'request_open' : c.requestRecent ? 'request_recent' : null;
    rows.push({ clinicId: c.clinicId, prescriptionId: c.prescriptionId, dueOn, remindOn, status: reason ? 'suppressed' : 'scheduled', reason });
  }
  if (rows.length === 0) return { scheduled: 0, suppressed: 0 };

  const inserted = await db.transaction().execute(async (tx) => {
    const r = await sql<{ status: string }>`
      insert into refill_reminders (clinic_id, prescription_id, due_on, remind_on, status, reason, created_at)
      select * , ${at}::timestamptz from unnest(
        ${rows.map((r) => r.clinicId)}::uuid[], ${rows.map((r) => r.prescriptionId)}::uuid[],
        ${rows.map((r) => r.dueOn)}::date[], ${rows.map((r) => r.remindOn)}::date[],
        ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.reason)}::text[])
      on conflict (prescription_id, due_on) do nothing
      returning status`.execute(tx);
    if (r.rows.some((x) => x.status === 'scheduled')) {
      await enqueue(tx, 'reminders.dispatch', {}, { jobKey: 'reminders.dispatch', maxAttempts: 5 });
    }
    return r.rows;
  });
  return {
    scheduled: inserted.filter((r) => r.status === 'scheduled').length,
    suppressed: inserted.filter((r) => r.status === 'suppressed').length,
  };
}

/** Sends scheduled reminders, `batch` at a time; answers how many it handled. */
export async function dispatchReminders(batch = 200): Promise<number> {
  const db = getDb();
  const ids = await db.selectFrom('refillReminders').select('id').where('status', '=', 'scheduled').orderBy('remindOn').limit(batch).execute();
  for (const { id } of ids) await dispatchOne(db, id);
  if (ids.length === batch) await enqueue(db, 'reminders.dispatch', {}, { jobKey: 'reminders.dispatch', maxAttempts: 5 });
  return ids.length;
}

async function dispatchOne(db: Kysely<Database>, id: string): Promise<void> {
  const at = now();
  await db
    .transaction()
    .execute(async (tx) => {
      const r = await tx
        .selectFrom('refillReminders as rr')
        .innerJoin('prescriptions as rx', 'rx.id', 'rr.prescriptionId')
        .innerJoin('patients as p', 'p.id', 'rx.patientId')
        .innerJoin('clinics as c', 'c.id', 'rr.clinicId')
        .select(['rr.id', 'rr.clinicId', 'rr.prescriptionId', 'rr.dueOn', 'rx.patientId', 'p.clientId', 'p.status as patientStatus', 'c.slug', 'c.timezone'])
        .where('rr.id', '=', id)
        .where('rr.status', '=', 'scheduled')
        .forUpdate('rr')
        .skipLocked()
        .executeTakeFirst();
      if (!r) return;
      const request = await tx
        .selectFrom('refillRequests')
        .select(['status', 'createdAt'])
        .where('prescriptionId', '=', r.prescriptionId)
        .where((eb) => eb.or([eb('status', 'in', [...OPEN_REQUEST_STATUSES]), eb('createdAt', '>', new Date(at.getTime() - RECENT_REQUEST_DAYS * 86_400_000))]))
        .orderBy('createdAt', 'desc')
        .executeTakeFirst();
      const reason = r.patientStatus !== 'active' ? 'patient_inactive' : request ? ((OPEN_REQUEST_STATUSES as readonly string[]).includes(request.status) ? 'request_open' : 'request_recent') : null;
      if (reason) {
        await tx.updateTable('refillReminders').set({ status: 'suppressed', reason }).where('id', '=', r.id).execute();
        return;
      }
      const note = await writeNotification(tx, {
        clinicId: r.clinicId,
        clientId: r.clientId,
        patientId: r.patientId,
        template: 'refill.reminder',
        dedupeKey: `refill.reminder:${r.id}`,
        data: {
          prescriptionId: r.prescriptionId,
          dueOn: new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(r.dueOn + 'T00:00:00Z')),
          refillUrl: refillRequestUrl(r.slug, { prescriptionId: r.prescriptionId, clientId: r.clientId, patientId: r.patientId, clinicId: r.clinicId }),
        },
      });
      await tx
        .updateTable('refillReminders')
        .set(note?.status === 'suppressed' ? { status: 'suppressed', reason: note.reason, notificationId: note.id } : { status: 'sent', notificationId: note?.id ?? null })
        .where('id', '=', r.id)
        .execute();
    });
}

/** Registers the sweep (hourly) and the dispatch task. */
export function registerReminderTasks(): void {
  registerTasks({
    'reminders.sweep': async () => {
      await scheduleReminders();
    },
    'reminders.dispatch': async () => {
      await dispatchReminders();
    },
  });
  registerCron('reminders.sweep', '17 * * * *', 'reminders.sweep');
}
