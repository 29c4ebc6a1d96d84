import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Clinic, Database } from '../../../db/schema';
import { isUuid, type TargetedQueue } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { inviteUser } from '../identity/invitations.server';
import type { Principal } from '../identity/principal';
import { isUniqueViolation, requireAdmin } from './guard.server';
import { endClinicSessions } from '../identity/sessions.server';
import { now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import { readSlaSettings } from '../requests/sla';

// The platform administrator's clinics: create one (its policies with it, and optionally its
// first manager's invitation, all in one transaction), edit it, invite a manager, suspend and
// restore it. A suspended clinic's users and API keys are refused on their next request (the
// guards in identity/auth.server.ts read `suspended_at`); its data stays.

/** A clinic as the admin sets it. */
export type ClinicInput = Pick<Clinic, 'name' | 'slug' | 'addressLine1' | 'addressLine2' | 'city' | 'state' | 'postalCode' | 'phone' | 'email' | 'timezone' | 'rxExpiryMonths' | 'wellnessWindowMonths'> & {
  targetMinutes: Record<TargetedQueue, number>;
};

const SLUG_TAKEN = 'Another clinic already uses this slug: choose another.';

/** The row values of a clinic's input (its SLA targets merged into its settings). */
function columns(input: ClinicInput, previousSla: unknown = {}) {
  const sla = { ...(previousSla && typeof previousSla === 'object' ? previousSla : {}), targetMinutes: input.targetMinutes };
  return {
    name: input.name,
    slug: input.slug,
    addressLine1: input.addressLine1,
    addressLine2: input.addressLine2,
    city: input.city,
    state: input.state,
    postalCode: input.postalCode,
    phone: input.phone,
    email: input.email,
    timezone: input.timezone,
    rxExpiryMonths: input.rxExpiryMonths,
    wellnessWindowMonths: input.wellnessWindowMonths,
    slaSettings: json(sla),
  };
}

/** Every clinic with its people counted, by name. */
export async function listClinics(principal: Principal) {
  requireAdmin(principal, 'clinics');
  const rows = await getDb()
    .selectFrom('clinics as c')
    .select((eb) => [
      'c.id',
      'c.name',
      'c.slug',
      'c.city',
      'c.state',
      'c.suspendedAt',
      'c.createdAt',
      eb.selectFrom('users as u').select((e) => e.fn.countAll<string>().as('n')).whereRef('u.clinicId', '=', 'c.id').where('u.active', '=', true).as('activeUsers'),
      eb.selectFrom('users as u').select((e) => e.fn.countAll<string>().as('n')).whereRef('u.clinicId', '=', 'c.id').where('u.active', '=', false).where('u.deactivatedAt', 'is', null).as('invitedUsers'),
    ])
    .orderBy('c.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    city: r.city,
    state: r.state,
    suspendedAt: r.suspendedAt ? r.suspendedAt.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
    activeUsers: Number(r.activeUsers ?? 0),
    invitedUsers: Number(r.invitedUsers ?? 0),
  }));
}

/** One clinic with its settings and its managers, for its admin page; unknown id → 404. */
export async function getClinicForAdmin(principal: Principal, clinicId: string) {
  requireAdmin(principal, 'clinics');
  if (!isUuid(clinicId)) throw notFound('Clinic');
  const db = getDb();
  const clinic = await db
    .selectFrom('clinics')
    .select(['id', 'name', 'slug', 'addressLine1', 'addressLine2', 'city', 'state', 'postalCode', 'phone', 'email', 'timezone', 'rxExpiryMonths', 'wellnessWindowMonths', 'slaSettings', 'suspendedAt', 'createdAt'])
    .where('id', '=', clinicId)
    .executeTakeFirst();
  if (!clinic) throw notFound('Clinic');
  const managers = await db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'active', 'deactivatedAt', 'lastLoginAt'])
    .where('clinicId', '=', clinicId)
    .where('role', '=', 'manager')
    .orderBy('name')
    .execute();
  const { slaSettings, suspendedAt, createdAt, ...rest } = clinic;
  return {
    ...rest,
    targetMinutes: readSlaSettings(slaSettings).targetMinutes,
    suspendedAt: suspendedAt ? suspendedAt.toISOString() : null,
    createdAt: createdAt.toISOString(),
    managers: managers.map((m) => ({
      id: m.id,
      name: m.name,
      email: m.email,
      status: m.active ? 'active' : m.deactivatedAt ? 'deactivated' : 'invited',
      lastLoginAt: m.lastLoginAt ? m.lastLoginAt.toISOString() : null,
    })),
  };
}

async function slugTaken(tx: Transaction<Database>, slug: string, except?: string): Promise<boolean> {
  const row = await tx
    .selectFrom('clinics')
    .select('id')
    .where('slug', '=', slug)
    .$if(!!except, (q) => q.where('id', '<>', except!))
    .executeTakeFirst();
  return !!row;
}

/**
 * Creates a clinic with its policies and, when given, its first manager's invitation — all or
 * nothing: a taken slug (400 on `slug`) or an email with an account elsewhere (409 on
 * `managerEmail`) leaves no clinic behind.
 */
export async function createClinic(principal: Principal, input: ClinicInput, manager?: { email: string; name?: string | null } | null): Promise<{ clinicId: string }> {
  requireAdmin(principal, 'clinics');
  try {
    return await getDb()
      .transaction()
      .execute(async (tx) => {
        if (await slugTaken(tx, input.slug)) throw new DomainError('bad_request', SLUG_TAKEN, { slug: SLUG_TAKEN });
        const row = await tx
          .insertInto('clinics')
          .values({ ...columns(input, readSlaSettings({})), intakeSecret: `whsec_${randomBytes(24).toString('base64url')}`, createdAt: now() })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit(tx, principal, { clinicId: row.id, action: 'clinic.created', subjectType: 'clinic', subjectId: row.id, detail: { name: input.name, slug: input.slug } });
        if (manager) {
          try {
            await inviteUser(tx, principal, { email: manager.email, name: manager.name ?? undefined, role: 'manager', clinicId: row.id, pharmacyId: null });
          } catch (error) {
            if (error instanceof DomainError && error.fields?.email) throw new DomainError(error.code, error.message, { managerEmail: error.fields.email });
            throw error;
          }
        }
        return { clinicId: row.id };
      });
  } catch (error) {
    if (isUniqueViolation(error, 'clinics_slug_key')) throw new DomainError('bad_request', SLUG_TAKEN, { slug: SLUG_TAKEN });
    throw error;
  }
}

/** Saves a clinic's details and policies; audited with what changed. */
export async function updateClinic(principal: Principal, clinicId: string, input: ClinicInput): Promise<void> {
  requireAdmin(principal, 'clinics');
  if (!isUuid(clinicId)) throw notFound('Clinic');
  try {
    await getDb()
      .transaction()
      .execute(async (tx) => {
        const before = await tx.selectFrom('clinics').selectAll().where('id', '=', clinicId).forUpdate().executeTakeFirst();
        if (!before) throw notFound('Clinic');
        if (await slugTaken(tx, input.slug, clinicId)) throw new DomainError('bad_request', SLUG_TAKEN, { slug: SLUG_TAKEN });
        await tx.updateTable('clinics').set(columns(input, before.slaSettings)).where('id', '=', clinicId).execute();
        const was: Record<string, unknown> = { ...before, targetMinutes: readSlaSettings(before.slaSettings).targetMinutes };
        const changed = Object.fromEntries(
          Object.entries(input)
            .filter(([k, v]) => JSON.stringify(was[k]) !== JSON.stringify(v))
            .map(([k, v]) => [k, { from: was[k] ?? null, to: v }]),
        );
        await audit(tx, principal, { clinicId, action: 'clinic.updated', subjectType: 'clinic', subjectId: clinicId, detail: { changed } });
      });
  } catch (error) {
    if (isUniqueViolation(error, 'clinics_slug_key')) throw new DomainError('bad_request', SLUG_TAKEN, { slug: SLUG_TAKEN });
    throw error;
  }
}

/** Invites a manager to a clinic (its first, or another). */
export async function inviteClinicManager(principal: Principal, clinicId: string, input: { email: string; name?: string | null }): Promise<void> {
  requireAdmin(principal, 'clinics');
  if (!isUuid(clinicId)) throw notFound('Clinic');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const clinic = await tx.selectFrom('clinics').select('id').where('id', '=', clinicId).executeTakeFirst();
      if (!clinic) throw notFound('Clinic');
      await inviteUser(tx, principal, { email: input.email, name: input.name ?? undefined, role: 'manager', clinicId, pharmacyId: null });
    });
}

/**
 * Suspends a clinic (its users and keys are refused on their next request; data stays) or
 * restores it (its users sign in afresh: sessions from before the suspension are ended).
 */
export async function setClinicSuspended(principal: Principal, clinicId: string, suspended: boolean): Promise<void> {
  requireAdmin(principal, 'clinics');
  if (!isUuid(clinicId)) throw notFound('Clinic');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const clinic = await tx.selectFrom('clinics').select(['id', 'suspendedAt']).where('id', '=', clinicId).forUpdate().executeTakeFirst();
      if (!clinic) throw notFound('Clinic');
      if (!!clinic.suspendedAt === suspended) return;
      await tx.updateTable('clinics').set({ suspendedAt: suspended ? now() : null }).where('id', '=', clinicId).execute();
      const sessionsEnded = suspended ? 0 : await endClinicSessions(tx, clinicId);
      await audit(tx, principal, { clinicId, action: suspended ? 'clinic.suspended' : 'clinic.unsuspended', subjectType: 'clinic', subjectId: clinicId, detail: suspended ? {} : { sessionsEnded } });
    });
}
