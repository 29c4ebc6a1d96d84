import type { Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { calendarDay, type IsoDate } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { allowed } from '../identity/permissions';
import { clinicDay, now } from '../platform/clock.server';
import { DomainError, badRequest, notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';

/** The acting principal's clinic, as the shell and settings show it. */
export async function getClinic(principal: Principal) {
  const clinicId = clinicScope(principal);
  const clinic = await getDb()
    .selectFrom('clinics')
    .select([
      'id', 'slug', 'name', 'addressLine1', 'addressLine2', 'city', 'state', 'postalCode', 'phone', 'email', 'timezone',
      'wellnessWindowMonths', 'wellnessPolicy', 'paymentTermsDays', 'reminderLeadDays', 'platformFeeCents', 'bookingUrl',
      'escalationUserId', 'slaSettings', 'weightWindowMonths',
    ])
    .where('id', '=', clinicId)
    .executeTakeFirst();
  if (!clinic) throw notFound('Clinic');
  return clinic;
}

/** Name of the pharmacy a pharmacy user works for. */
export async function getPharmacyName(pharmacyId: string): Promise<string> {
  const row = await getDb().selectFrom('pharmacies').select('name').where('id', '=', pharmacyId).executeTakeFirst();
  if (!row) throw notFound('Pharmacy');
  return row.name;
}

/** Today in a clinic's time zone (`clinicDay`), for a service that holds only the clinic's id. */
export async function clinicToday(db: Kysely<Database>, clinicId: string): Promise<IsoDate> {
  const clinic = await db.selectFrom('clinics').select('timezone').where('id', '=', clinicId).executeTakeFirst();
  return clinic ? clinicDay(clinic.timezone) : calendarDay(now(), 'UTC');
}

/** Today for whoever acts: their clinic's day; UTC for a pharmacy or an administrator without a clinic. */
export function principalToday(principal: Principal): Promise<IsoDate> {
  return principalTodayIn(getDb(), principal);
}

/** `principalToday` on the caller's connection or transaction. */
export function principalTodayIn(db: Kysely<Database>, principal: Principal): Promise<IsoDate> {
  const clinicId = principal.kind === 'pharmacy_key' ? null : principal.clinicId;
  return clinicId ? clinicToday(db, clinicId) : Promise.resolve(calendarDay(now(), 'UTC'));
}

/** The longest weight window a clinic may set, in months (the column's check). */
export const MAX_WEIGHT_WINDOW_MONTHS = 60;

/**
 * The clinic's dose-check setting (docs/validation.md, "Dose range"): how many months old a patient's weight
 * may be before `dose.range` warns that the dose is judged against an old weight. Manager only;
 * audited with the value before and after. Answers the value kept.
 */
export async function setDoseCheckSettings(principal: Principal, input: { weightWindowMonths: number }) {
  const clinicId = clinicScope(principal);
  if (!allowed(principal, 'settings.manage')) throw new DomainError('forbidden', 'Only a manager changes the clinic settings.');
  const months = input.weightWindowMonths;
  if (!Number.isInteger(months) || months < 1 || months > MAX_WEIGHT_WINDOW_MONTHS) {
    throw badRequest(`A weight may be 1 to ${MAX_WEIGHT_WINDOW_MONTHS} months old.`, { weightWindowMonths: `Enter 1 to ${MAX_WEIGHT_WINDOW_MONTHS} months.` });
  }
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const before = await tx.selectFrom('clinics').select('weightWindowMonths').where('id', '=', clinicId).forUpdate().executeTakeFirstOrThrow();
      if (before.weightWindowMonths === months) return { weightWindowMonths: months };
      await tx.updateTable('clinics').set({ weightWindowMonths: months }).where('id', '=', clinicId).execute();
      await audit(tx, principal, { clinicId, action: 'clinic.weight_window_changed', subjectType: 'clinic', subjectId: clinicId, detail: { from: before.weightWindowMonths, to: months } });
      return { weightWindowMonths: months };
    });
}
