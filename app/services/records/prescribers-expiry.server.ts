/**
 * Credentials that expire soon: licences and DEA registrations within 60 days show on the
 * dashboard, and the clinic's managers get one email about each (docs/records.md,
 * "Prescribers"): a daily job writes them into the notifications outbox, de-duplicated per
 * credential, expiry date and manager, so a renewed credential that nears its new expiry is
 * told again, and nothing twice.
 */
import { sql, type Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { addDays } from '../../../validators/vocabulary';
import { getEnv } from '../../env.server';
import { enqueueStaffEmail } from '../owners/notifications.server';
import { enqueue, registerCron, registerTasks } from '../platform/jobs.server';
import { log } from '../platform/logger.server';
import { clinicScope, type Principal } from '../identity/principal';
import { clinicToday } from './clinics.server';
import { EXPIRY_WARNING_DAYS } from './prescribers.server';

type Db = Kysely<Database>;

/** A licence or DEA registration that expires soon, for the dashboard and the manager's email. */
export type ExpiringCredential = { kind: 'license' | 'dea'; id: string; prescriberId: string; prescriberName: string; state: string; number: string; expiresOn: string; daysLeft: number };

/** Licences and registrations of a clinic expiring between `today` and `withinDays` from it, soonest first. */
export async function expiringCredentialsOf(db: Db, clinicId: string, today: string, withinDays = EXPIRY_WARNING_DAYS): Promise<ExpiringCredential[]> {
  const until = addDays(today, withinDays);
  const rows = await sql<Omit<ExpiringCredential, 'daysLeft'>>`
    select 'license' as kind, l.id, p.id as "prescriberId", p.name as "prescriberName", l.state, l.number, l.expires_on::text as "expiresOn"
    from prescriber_licenses l join prescribers p on p.id = l.prescriber_id
    where p.clinic_id = ${clinicId} and l.expires_on between ${today}::date and ${until}::date
    union all
    select 'dea', d.id, p.id, p.name, d.state, d.number, d.expires_on::text
    from dea_registrations d join prescribers p on p.id = d.prescriber_id
    where p.clinic_id = ${clinicId} and d.expires_on between ${today}::date and ${until}::date
    order by "expiresOn", "prescriberName", kind`.execute(db);
  return rows.rows.map((r) => ({ ...r, daysLeft: Math.round((Date.parse(r.expiresOn) - Date.parse(today)) / 86_400_000) }));
}

/** The acting clinic's licences and registrations expiring within 60 days (the dashboard). */
export async function expiringCredentials(principal: Principal): Promise<ExpiringCredential[]> {
  const clinicId = clinicScope(principal);
  const db = getDb();
  return expiringCredentialsOf(db, clinicId, await clinicToday(db, clinicId));
}

const KIND_LABEL = { license: 'licence', dea: 'DEA registration' } as const;

/**
 * Writes, for every clinic, one email per credential expiring within 60 days to each active
 * manager who has not had it for that expiry date. Answers how many emails were written.
 */
export async function sendCredentialExpiryNotices(): Promise<number> {
  const db = getDb();
  const clinics = await db.selectFrom('clinics').select(['id', 'name']).execute();
  const base = getEnv().APP_URL.replace(/\/$/, '');
  let written = 0;
  for (const clinic of clinics) {
    const today = await clinicToday(db, clinic.id);
    const expiring = await expiringCredentialsOf(db, clinic.id, today);
    if (expiring.length === 0) continue;
    const managers = await db.selectFrom('users').select(['id', 'email']).where('clinicId', '=', clinic.id).where('role', '=', 'manager').where('active', '=', true).execute();
    await db.transaction().execute(async (tx) => {
      for (const c of expiring) {
        const what = `${c.prescriberName}'s ${c.state} ${KIND_LABEL[c.kind]} ${c.number}`;
        const when = c.daysLeft === 0 ? 'today' : `on ${c.expiresOn}, in ${c.daysLeft} day${c.daysLeft === 1 ? '' : 's'}`;
        for (const manager of managers) {
          const sent = await enqueueStaffEmail(tx, {
            clinicId: clinic.id,
            template: 'staff.credential_expiring',
            to: manager.email,
            subject: `${what} expires ${c.daysLeft === 0 ? 'today' : `in ${c.daysLeft} days`}`,
            body: `${what} expires ${when}.\n\nAfter that day, prescriptions ${c.kind === 'dea' ? 'for controlled drugs ' : ''}this veterinarian writes, and cart lines naming them, are refused in ${c.state}. When it is renewed, enter the new expiry on the prescribers page:\n${base}/settings/prescribers\n\n${clinic.name} · vialcart`,
            dedupeKey: `credential-expiring:${c.kind}:${c.id}:${c.expiresOn}:${manager.id}`,
          });
          if (sent) written++;
        }
      }
    });
  }
  if (written > 0) log().info({ written }, 'credential expiry notices written');
  return written;
}

/** Registers the daily expiry check (from tasks.server.ts). */
export function registerPrescriberTasks(): void {
  registerTasks({
    'prescribers.expiry_notices': async () => {
      await sendCredentialExpiryNotices();
    },
  });
  // Every morning, Pacific time being the demo's; the dedupe key makes any extra run harmless.
  registerCron('prescribers-expiry-notices', '0 14 * * *', 'prescribers.expiry_notices');
}

/** Queues the expiry check now (after a manager changes a credential; tests). */
export async function enqueueCredentialExpiryCheck(): Promise<void> {
  await enqueue(getDb(), 'prescribers.expiry_notices', {}, { jobKey: 'prescribers-expiry-notices' });
}
