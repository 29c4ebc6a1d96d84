/**
 * Reading a patient: the record with its owner, the owner's other pets, prescriptions, order
 * history, and the weight and exam histories. Search and lists are in search.server.ts; writes
 * in patients-write.server.ts.
 */
import { getDb } from '../../../db/client';
import { clinicScope, type Principal } from '../identity/principal';
import { medicationDisplayName } from '../catalog/sql.server';
import { listExams } from './exams.server';
import { prescriptionMedicationName } from './prescriptions.server';
import { patientRow } from './patients-row.server';
import { listWeights } from './weights.server';

/** One patient with owner, the owner's other pets, prescriptions and order history; 404 outside the clinic. */
export async function getPatient(principal: Principal, patientId: string) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const patient = await patientRow(db, clinicId, patientId);
  const [client, siblings, prescriptions, orderLines, weights, exams] = await Promise.all([
    db
      .selectFrom('clients')
      .select(['id', 'firstName', 'lastName', 'phone', 'phone2', 'email', 'addressLine1', 'city', 'state', 'postalCode', 'preferredChannel'])
      .where('id', '=', patient.clientId)
      .where('clinicId', '=', clinicId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('patients')
      .select(['id', 'name', 'species', 'status'])
      .where('clientId', '=', patient.clientId)
      .where('clinicId', '=', clinicId)
      .where('id', '!=', patientId)
      .where('mergedIntoId', 'is', null)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('prescriptions as rx')
      // A commercial product outside the catalog has no medication row, only its name.
      .leftJoin('medications as m', 'm.id', 'rx.medicationId')
      .innerJoin('prescribers as pr', 'pr.id', 'rx.prescriberId')
      .select([
        'rx.id', 'rx.medicationId', prescriptionMedicationName().as('medicationName'),
        'm.controlledSchedule', 'm.compounded', 'rx.sig', 'rx.quantity', 'rx.quantityUnit', 'rx.refillsAuthorized', 'rx.refillsUsed',
        'rx.writtenOn', 'rx.expiresOn', 'rx.status', 'rx.prescriberId', 'pr.name as prescriberName', 'rx.standingOrder',
        'rx.lastDoseChangeOn', 'rx.supersedesId',
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
    listWeights(db, clinicId, patientId),
    listExams(db, clinicId, patientId),
  ]);
  return {
    ...patient,
    client: { ...client, name: `${client.firstName} ${client.lastName}` },
    otherPets: siblings,
    prescriptions,
    orderLines,
    weights,
    exams,
  };
}
