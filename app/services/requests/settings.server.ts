/** The clinic's intake and SLA settings, as a manager edits them on /settings. */
import { allowed } from '../identity/permissions';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import { audit } from '../audit/audit.server';
import { DomainError } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { readSlaSettings, type SlaSettings } from './sla';

/** The clinic's intake settings as the settings page edits them. */
export async function getIntakeSettings(principal: Principal) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const [clinic, people] = await Promise.all([
    db.selectFrom('clinics').select(['wellnessWindowMonths', 'slaSettings', 'escalationUserId', 'bookingUrl', 'timezone', 'slug']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
    db.selectFrom('users').select(['id', 'name', 'role']).where('clinicId', '=', clinicId).where('active', '=', true).orderBy('name').execute(),
  ]);
  return {
    wellnessWindowMonths: clinic.wellnessWindowMonths,
    sla: readSlaSettings(clinic.slaSettings),
    escalationUserId: clinic.escalationUserId,
    bookingUrl: clinic.bookingUrl,
    timezone: clinic.timezone,
    slug: clinic.slug,
    people,
  };
}

/** Saves the intake settings (managers only). New targets apply to requests that arrive afterwards. */
export async function updateIntakeSettings(
  principal: Principal,
  input: {
    wellnessWindowMonths: number;
    targetMinutes: SlaSettings['targetMinutes'];
    dayEndsAt: string;
    urgentReminderMinutes: number;
    escalateAfterMinutes: number;
    escalationUserId: string | null;
    bookingUrl: string | null;
  },
) {
  const clinicId = clinicScope(principal);
  if (!allowed(principal, 'settings.manage')) throw new DomainError('forbidden', 'Only a manager changes the clinic settings.');
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const clinic = await tx.selectFrom('clinics').select(['slaSettings', 'wellnessWindowMonths', 'escalationUserId', 'bookingUrl']).where('id', '=', clinicId).forUpdate().executeTakeFirstOrThrow();
      if (input.escalationUserId) {
        const person = await tx.selectFrom('users').select('id').where('id', '=', input.escalationUserId).where('clinicId', '=', clinicId).where('active', '=', true).executeTakeFirst();
        if (!person) throw new DomainError('bad_request', 'Choose someone who works at this clinic.', { escalationUserId: 'Choose someone who works at this clinic.' });
      }
      const previous = clinic.slaSettings ?? {};
      const next = { ...previous, targetMinutes: input.targetMinutes, dayEndsAt: input.dayEndsAt, urgentReminderMinutes: input.urgentReminderMinutes, escalateAfterMinutes: input.escalateAfterMinutes };
      await tx
        .updateTable('clinics')
        .set({ slaSettings: json(next), wellnessWindowMonths: input.wellnessWindowMonths, escalationUserId: input.escalationUserId, bookingUrl: input.bookingUrl })
        .where('id', '=', clinicId)
        .execute();
      await audit(tx, principal, {
        clinicId,
        subjectType: 'clinic',
        subjectId: clinicId,
        action: 'clinic.intake_settings_changed',
        detail: {
          before: { sla: readSlaSettings(previous), wellnessWindowMonths: clinic.wellnessWindowMonths, escalationUserId: clinic.escalationUserId, bookingUrl: clinic.bookingUrl },
          after: { sla: readSlaSettings(next), wellnessWindowMonths: input.wellnessWindowMonths, escalationUserId: input.escalationUserId, bookingUrl: input.bookingUrl },
        },
      });
    });
  return getIntakeSettings(principal);
}

