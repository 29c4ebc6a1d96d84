import { getDb } from '../../../db/client';
import { isUuid, type PatientStatus } from '../../../validators/vocabulary';
import { notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { medicationDisplayName } from '../catalog/sql.server';
import { clientFullName } from './sql.server';

export type PatientListQuery = { q?: string; limit?: number; offset?: number; status?: PatientStatus };

/** Patients of the acting clinic, searchable by pet or owner name; newest-first by name. */
export async function listPatients(principal: Principal, query: PatientListQuery = {}) {
  const clinicId = clinicScope(principal);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const offset = Math.max(query.offset ?? 0, 0);
  let base = getDb()
    .selectFrom('patients as p')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .where('p.clinicId', '=', clinicId);
  const q = query.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    // Digits also search phone numbers; a NUL placeholder would be rejected by Postgres (22021).
    const digits = q.replace(/\D/g, '');
    base = base.where((eb) =>
      eb.or([
        eb('p.name', 'ilike', like),
        eb(clientFullName(), 'ilike', like),
        ...(digits ? [eb('c.phone', 'like', `%${digits}%`)] : []),
      ]),
    );
  }
  if (query.status) base = base.where('p.status', '=', query.status);
  const [rows, total] = await Promise.all([
    base
      .select([
        'p.id', 'p.name', 'p.species', 'p.breed', 'p.status', 'p.weightKg', 'p.lastWellnessExamOn',
        'c.id as clientId', clientFullName().as('clientName'),
      ])
      .orderBy('p.name')
      .orderBy('p.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { patients: rows, total: Number(total.n) };
}

/** One patient with owner, the owner's other pets, prescriptions and order history; 404 outside the clinic. */
export async function getPatient(principal: Principal, patientId: string) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  if (!isUuid(patientId)) throw notFound('Patient');
  const patient = await db
    .selectFrom('patients')
    .selectAll()
    .where('id', '=', patientId)
    .where('clinicId', '=', clinicId)
    .executeTakeFirst();
  if (!patient) throw notFound('Patient');
  const [client, siblings, prescriptions, orderLines] = await Promise.all([
    db
      .selectFrom('clients')
      .select(['id', 'firstName', 'lastName', 'phone', 'email', 'addressLine1', 'city', 'state', 'postalCode', 'preferredChannel'])
      .where('id', '=', patient.clientId)
      .where('clinicId', '=', clinicId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('patients')
      .select(['id', 'name', 'species', 'status'])
      .where('clientId', '=', patient.clientId)
      .where('clinicId', '=', clinicId)
      .where('id', '!=', patientId)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('prescriptions as rx')
      .innerJoin('medications as m', 'm.id', 'rx.medicationId')
      .innerJoin('prescribers as pr', 'pr.id', 'rx.prescriberId')
      .select([
        'rx.id', 'rx.medicationId', medicationDisplayName().as('medicationName'),
        'm.controlledSchedule', 'm.compounded', 'rx.sig', 'rx.quantity', 'rx.refillsAuthorized', 'rx.refillsUsed',
        'rx.writtenOn', 'rx.expiresOn', 'rx.status', 'rx.prescriberId', 'pr.name as prescriberName', 'rx.standingOrder',
        'rx.lastDoseChangeOn',
      ])
      .where('rx.patientId', '=', patientId)
      .where('rx.clinicId', '=', clinicId)
      .orderBy('rx.writtenOn', 'desc')
      .execute(),
    db
      .selectFrom('orderLines as ol')
      .innerJoin('orders as o', 'o.id', 'ol.orderId')
      .innerJoin('medications as m', 'm.id', 'ol.medicationId')
      .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
      .select([
        'ol.id', 'ol.orderId', 'o.status', 'o.createdAt', 'ol.offerId', 'ol.medicationId',
        medicationDisplayName().as('medicationName'),
        'ph.name as pharmacyName', 'o.pharmacyId', 'ol.quantity', 'ol.sig', 'ol.prescriberId', 'ol.prescriptionId',
        'ol.shipTo', 'ol.unitPriceCents', 'ol.landedCostCents', 'ol.filledOn', 'ol.daysSupply', 'o.carrier', 'o.trackingNumber',
      ])
      .where('ol.patientId', '=', patientId)
      .where('ol.clinicId', '=', clinicId)
      .orderBy('o.createdAt', 'desc')
      .limit(200)
      .execute(),
  ]);
  return {
    ...patient,
    client: { ...client, name: `${client.firstName} ${client.lastName}` },
    otherPets: siblings,
    prescriptions,
    orderLines,
  };
}
