import { getDb } from '../../../db/client';
import { notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';

/** The acting principal's clinic, as the shell and settings show it. */
export async function getClinic(principal: Principal) {
  const clinicId = clinicScope(principal);
  const clinic = await getDb()
    .selectFrom('clinics')
    .select([
      'id', 'slug', 'name', 'addressLine1', 'addressLine2', 'city', 'state', 'postalCode', 'phone', 'email', 'timezone',
      'wellnessWindowMonths', 'wellnessPolicy', 'paymentTermsDays', 'reminderLeadDays', 'platformFeeCents', 'bookingUrl',
      'escalationUserId', 'slaSettings',
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
