/**
 * Prescribers: each veterinarian of the clinic with their state licences and DEA
 * registrations (docs/records.md, "Prescribers"), as the settings page lists them and as the
 * rules read them (`PrescriberContext`). Changing them is `prescribers-credentials.server.ts`;
 * what expires soon, and the manager's email about it, `prescribers-expiry.server.ts`.
 */
import { sql, type Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import type { DeaRegistrationSchedule, PrescriberContext } from '../../../validators';
import { addDays } from '../../../validators/vocabulary';
import { clinicScope, type Principal } from '../identity/principal';
import { clinicToday } from './clinics.server';

type Db = Kysely<Database>;

/** Licences and registrations expiring within this many days are flagged (dashboard, email). */
export const EXPIRY_WARNING_DAYS = 60;

/** The schedules a DEA registration can list, as printed on the certificate. */
export const DEA_SCHEDULES: readonly DeaRegistrationSchedule[] = ['II', 'IIN', 'III', 'IIIN', 'IV', 'V'];

/** Where a credential stands today. */
export type CredentialStatus = 'current' | 'expiring' | 'expired';

function credentialStatus(expiresOn: string, today: string): CredentialStatus {
  if (expiresOn < today) return 'expired';
  return expiresOn <= addDays(today, EXPIRY_WARNING_DAYS) ? 'expiring' : 'current';
}

/**
 * Every prescriber of a clinic as the rules read them (`PrescriberContext`), with the user
 * behind each: licences and DEA registrations in one query. The validation loader and the
 * prescription services share it.
 */
export function prescriberContextQuery(db: Db, clinicId: string) {
  return db
    .selectFrom('prescribers as p')
    .innerJoin('users as u', 'u.id', 'p.userId')
    .select([
      'p.id',
      'p.name',
      'p.userId',
      'u.role',
      'u.active',
      sql<{ state: string; number: string; expiresOn: string }[]>`(
        select coalesce(json_agg(json_build_object('state', l.state, 'number', l.number, 'expires_on', l.expires_on) order by l.state, l.expires_on), '[]'::json)
        from prescriber_licenses l where l.prescriber_id = p.id)`.as('licenses'),
      sql<{ state: string; number: string; schedules: DeaRegistrationSchedule[]; expiresOn: string }[]>`(
        select coalesce(json_agg(json_build_object('state', d.state, 'number', d.number, 'schedules', d.schedules, 'expires_on', d.expires_on) order by d.state), '[]'::json)
        from dea_registrations d where d.prescriber_id = p.id)`.as('deaRegistrations'),
    ])
    .where('p.clinicId', '=', clinicId);
}

/** A row of `prescriberContextQuery` as the rules read it; a deactivated account neither prescribes nor signs off. */
export function toPrescriberContext(p: { id: string; name: string; role: string; active: boolean; licenses: PrescriberContext['licenses']; deaRegistrations: PrescriberContext['deaRegistrations'] }): PrescriberContext {
  return { id: p.id, name: p.name, userRole: p.active ? p.role : 'inactive', licenses: p.licenses, deaRegistrations: p.deaRegistrations };
}

/** The clinic's prescribers as the rules read them, each with its user id. */
export async function loadPrescriberContexts(db: Db, clinicId: string): Promise<(PrescriberContext & { userId: string })[]> {
  const rows = await prescriberContextQuery(db, clinicId).execute();
  return rows.map((r) => ({ ...toPrescriberContext(r), userId: r.userId }));
}

/**
 * `/settings/prescribers`: every veterinarian of the clinic (and anyone else who prescribes)
 * with licences and DEA registrations, each with its status today.
 */
export async function listPrescriberRecords(principal: Principal) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const [people, today, clinic] = await Promise.all([
    db
      .selectFrom('users as u')
      .leftJoin('prescribers as p', (j) => j.onRef('p.userId', '=', 'u.id').on('p.clinicId', '=', clinicId))
      .select(['u.id as userId', 'u.name as userName', 'u.email', 'u.role', 'u.active', 'p.id as prescriberId', 'p.name as prescriberName'])
      .where('u.clinicId', '=', clinicId)
      .where((eb) => eb.or([eb('u.role', '=', 'veterinarian'), eb('p.id', 'is not', null)]))
      .orderBy('u.name')
      .execute(),
    clinicToday(db, clinicId),
    db.selectFrom('clinics').select(['state', 'prescriptionExpiryMonths']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
  ]);
  const ids = people.flatMap((p) => (p.prescriberId ? [p.prescriberId] : []));
  const [licenses, registrations] = ids.length
    ? await Promise.all([
        db.selectFrom('prescriberLicenses').select(['id', 'prescriberId', 'state', 'number', 'expiresOn']).where('prescriberId', 'in', ids).orderBy('state').orderBy('expiresOn').execute(),
        db.selectFrom('deaRegistrations').select(['id', 'prescriberId', 'state', 'number', 'schedules', 'expiresOn']).where('prescriberId', 'in', ids).orderBy('state').execute(),
      ])
    : [[], []];
  return {
    today,
    clinicState: clinic.state,
    prescriptionExpiryMonths: clinic.prescriptionExpiryMonths,
    prescribers: people.map((p) => ({
      userId: p.userId,
      prescriberId: p.prescriberId,
      name: p.prescriberName ?? p.userName,
      email: p.email,
      role: p.role,
      active: p.active,
      licenses: licenses.filter((l) => l.prescriberId === p.prescriberId).map(({ prescriberId: _, ...l }) => ({ ...l, status: credentialStatus(l.expiresOn, today) })),
      deaRegistrations: registrations
        .filter((d) => d.prescriberId === p.prescriberId)
        .map(({ prescriberId: _, ...d }) => ({ ...d, schedules: d.schedules as DeaRegistrationSchedule[], status: credentialStatus(d.expiresOn, today) })),
    })),
  };
}
export type PrescriberRecord = Awaited<ReturnType<typeof listPrescriberRecords>>['prescribers'][number];

/**
 * `GET /api/v1/users`: the clinic's active staff, each veterinarian with the prescriber id
 * prescriptions name — what a clinic key sends as `actingUserId`.
 */
export async function listStaff(principal: Principal) {
  const clinicId = clinicScope(principal);
  const rows = await getDb()
    .selectFrom('users as u')
    .leftJoin('prescribers as p', (j) => j.onRef('p.userId', '=', 'u.id').on('p.clinicId', '=', clinicId))
    .select(['u.id', 'u.name', 'u.email', 'u.role', 'p.id as prescriberId'])
    .where('u.clinicId', '=', clinicId)
    .where('u.active', '=', true)
    .orderBy('u.name')
    .orderBy('u.id')
    .execute();
  return { users: rows.map(({ prescriberId, ...u }) => ({ ...u, ...(prescriberId ? { prescriberId } : {}) })) };
}
