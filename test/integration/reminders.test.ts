import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getDb } from '../../db/client';
import { json } from '../../db/json';
import { DEMO_IDS } from '../../db/seed';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { dispatchReminders, scheduleReminders } from '../../app/services/requests/reminders.server';
import { verifyOwnerToken } from '../../app/services/owners/owner-links.server';
import { refillPrefill } from '../../app/services/owners/owners.server';
import { withSmtpServer } from '../support/smtp';

const clinicId = DEMO_IDS.riverside;
const smtp = withSmtpServer();

beforeAll(async () => {
  registerAllTasks();
  // Everything already due in the demo is reminded first, so each test sees only its own.
  await scheduleReminders();
  await drainJobs();
});

/** Two active prescriptions of active pets of emailable owners, whose last fill now runs out in 5 days. */
async function dueSoon(n: number) {
  const r = await sql<{ id: string; patientId: string; clientId: string; email: string; petName: string; daysSupply: number }>`
    select rx.id, rx.patient_id, p.client_id, c.email, p.name as pet_name, max(ol.days_supply) as days_supply
    from prescriptions rx join patients p on p.id = rx.patient_id join clients c on c.id = p.client_id
    join order_lines ol on ol.prescription_id = rx.id
    where rx.clinic_id = ${clinicId} and rx.status = 'active' and rx.expires_on > current_date + 30 and p.status = 'active'
      and c.email is not null and ol.days_supply is not null
      and not exists (select 1 from refill_reminders r where r.prescription_id = rx.id)
    group by rx.id, p.id, c.id order by rx.id limit ${n}`.execute(getDb());
  for (const rx of r.rows) {
    await sql`update order_lines set filled_on = current_date - ${rx.daysSupply - 5}::int where prescription_id = ${rx.id}`.execute(getDb());
    await getDb().updateTable('clients').set({ preferredChannel: 'email', emailOptIn: true, unsubscribedAt: null }).where('id', '=', rx.clientId).execute();
  }
  return r.rows;
}

describe('refill reminders', () => {
  it('reminds once with a signed refill link, not twice across sweeps and restarts, and not when a request is open', async () => {
    const [reminded, withRequest] = await dueSoon(2);
    await getDb()
      .insertInto('refillRequests')
      .values({
        clinicId,
        reference: 'RQ-REM-1',
        channel: 'web',
        raw: json({}),
        ownerName: 'Owner',
        patientName: withRequest!.petName,
        medicationText: 'as before',
        queue: 'tech_standard',
        dueAt: new Date(Date.now() + 3600_000),
        clientId: withRequest!.clientId,
        patientId: withRequest!.patientId,
        prescriptionId: withRequest!.id,
        // Arrived two weeks ago and still open: only the "open" rule suppresses it.
        createdAt: new Date(Date.now() - 14 * 86_400_000),
      })
      .execute();

    const before = smtp.received.length;
    const first = await scheduleReminders();
    expect(first.scheduled).toBeGreaterThanOrEqual(1);
    await drainJobs();
    // A restarted process sweeps and dispatches again, twice at once.
    await scheduleReminders();
    await Promise.all([dispatchReminders(), dispatchReminders()]);
    await drainJobs();

    const mails = smtp.received.slice(before);
    const toOwner = mails.filter((m) => m.to.includes(reminded!.email));
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]!.subject).toContain(`${reminded!.petName}'s`);
    const token = decodeURIComponent(/\/refill\?r=(\S+)/.exec(toOwner[0]!.text)![1]!);
    expect(verifyOwnerToken('refill', token)).toEqual({ prescriptionId: reminded!.id, clientId: reminded!.clientId, patientId: reminded!.patientId, clinicId });
    expect(toOwner[0]!.text).toMatch(/\/c\/riverside\/refill\?r=/);
    // The link opens the clinic's public form prefilled for this pet, and only at this clinic.
    expect(await refillPrefill('riverside', token)).toMatchObject({ patientName: reminded!.petName, ownerEmail: reminded!.email });
    expect(await refillPrefill('lakeside', token)).toBeNull();
    expect(await refillPrefill('riverside', token + 'x')).toBeNull();

    const rows = await getDb().selectFrom('refillReminders').select(['prescriptionId', 'status', 'reason']).where('prescriptionId', 'in', [reminded!.id, withRequest!.id]).execute();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.prescriptionId === reminded!.id)).toMatchObject({ status: 'sent' });
    expect(rows.find((r) => r.prescriptionId === withRequest!.id)).toMatchObject({ status: 'suppressed', reason: 'request_open' });
    expect(mails.some((m) => m.to.includes(withRequest!.email) && m.subject.includes(withRequest!.petName))).toBe(false);
  });

  it('suppresses the reminder of an inactive patient, and one whose request arrived this week', async () => {
    const [inactive, recent] = await dueSoon(2);
    await getDb().updateTable('patients').set({ status: 'inactive' }).where('id', '=', inactive!.patientId).execute();
    await getDb()
      .insertInto('refillRequests')
      .values({ clinicId, reference: 'RQ-REM-2', channel: 'sms', raw: json({}), ownerName: 'Owner', patientName: recent!.petName, medicationText: 'x', queue: 'tech_standard', dueAt: new Date(), status: 'denied', prescriptionId: recent!.id, createdAt: new Date(Date.now() - 2 * 86_400_000) })
      .execute();
    await scheduleReminders();
    await drainJobs();
    const rows = await getDb().selectFrom('refillReminders').select(['prescriptionId', 'status', 'reason']).where('prescriptionId', 'in', [inactive!.id, recent!.id]).execute();
    expect(rows.find((r) => r.prescriptionId === inactive!.id)).toMatchObject({ status: 'suppressed', reason: 'patient_inactive' });
    expect(rows.find((r) => r.prescriptionId === recent!.id)).toMatchObject({ status: 'suppressed', reason: 'request_recent' });
  });
});
