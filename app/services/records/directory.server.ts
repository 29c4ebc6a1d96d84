import { getDb } from '../../../db/client';
import { clinicScope, type Principal } from '../identity/principal';
import { clinicToday, principalTodayIn } from './clinics.server';

/** The clinic's prescribers with their state licenses and DEA registrations. */
export async function listPrescribers(principal: Principal) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const prescribers = await db
    .selectFrom('prescribers')
    .select(['id', 'name', 'userId'])
    .where('clinicId', '=', clinicId)
    .orderBy('name')
    .execute();
  const ids = prescribers.map((p) => p.id);
  const [[licenses, dea], day] = await Promise.all([
    ids.length
      ? Promise.all([
          db.selectFrom('prescriberLicenses').select(['prescriberId', 'state', 'number', 'expiresOn']).where('prescriberId', 'in', ids).orderBy('state').execute(),
          db.selectFrom('deaRegistrations').select(['prescriberId', 'state', 'number', 'schedules', 'expiresOn']).where('prescriberId', 'in', ids).orderBy('state').execute(),
        ])
      : Promise.resolve([[], []] as const),
    clinicToday(db, clinicId),
  ]);
  return prescribers.map((p) => ({
    ...p,
    licenses: licenses.filter((l) => l.prescriberId === p.id).map(({ prescriberId: _, ...l }) => ({ ...l, active: l.expiresOn >= day })),
    deaRegistrations: dea.filter((d) => d.prescriberId === p.id).map(({ prescriberId: _, ...d }) => ({ ...d, active: d.expiresOn >= day })),
  }));
}

/** Partner pharmacies (shared by every clinic) with their licensed ship-to states. */
export async function listPharmacies(principal: Principal) {
  const db = getDb();
  const [pharmacies, licenses, day] = await Promise.all([
    db
      .selectFrom('pharmacies')
      .select(['id', 'slug', 'name', 'residentState', 'turnaroundDays', 'connectionKind', 'shippingCents', 'coldChainFeeCents'])
      .where('active', '=', true)
      .orderBy('name')
      .execute(),
    db.selectFrom('pharmacyShipLicenses').select(['pharmacyId', 'state', 'expiresOn']).orderBy('state').execute(),
    principalTodayIn(db, principal),
  ]);
  return pharmacies.map((p) => ({
    ...p,
    connection: p.connectionKind,
    shipStates: licenses.filter((l) => l.pharmacyId === p.id && l.expiresOn >= day).map((l) => l.state),
  }));
}
