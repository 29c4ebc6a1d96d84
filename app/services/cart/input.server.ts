/**
 * What a new or edited line names, loaded in one query per kind and checked: the patient,
 * offer, prescriber, prescription and signing vet must exist in the clinic, a line filling a
 * prescription names the prescriber who wrote it, and the values must be in range. Bad input
 * comes back as field path → message.
 */
import type { LineSource } from '../../../db/schema';
import { shipStateFor, type Db } from './queries.server';
import { isUuid } from '../../../validators/vocabulary';

/** A line to add to the clinic's open cart. */
export type NewCartLineInput = {
  patientId: string;
  /** The pharmacy's offer (pharmacy × medication × package). */
  offerId: string;
  /** Vials, a whole number from 1 to 10,000. */
  quantity: number;
  sig: string;
  prescriberId: string;
  /** Where the shipment goes; the ship state follows from the clinic's or the owner's address. */
  shipTo: 'clinic' | 'owner';
  source?: LineSource;
  prescriptionId?: string | null;
  flavor?: string | null;
  /** 'YYYY-MM-DD'. */
  needBy?: string | null;
};

/** The editable fields of a line, with the version the editor read. */
export type CartLinePatch = {
  version: number;
  quantity?: number;
  sig?: string;
  prescriberId?: string;
  shipTo?: 'clinic' | 'owner';
  flavor?: string | null;
  needBy?: string | null;
  /** Another offer of the same medication ("switch pharmacy"). */
  offerId?: string;
};

export type Refs = Awaited<ReturnType<typeof loadRefs>>;

/** Loads, in one query each, every patient, offer, prescriber and prescription the inputs name, scoped to the clinic. */
export async function loadRefs(
  db: Db,
  clinicId: string,
  ids: { patientIds: string[]; offerIds: string[]; prescriberIds: string[]; prescriptionIds: string[]; userIds: string[] },
) {
  const uniq = (xs: string[]) => [...new Set(xs.filter(isUuid))];
  const patientIds = uniq(ids.patientIds);
  const offerIds = uniq(ids.offerIds);
  const prescriberIds = uniq(ids.prescriberIds);
  const prescriptionIds = uniq(ids.prescriptionIds);
  const userIds = uniq(ids.userIds);
  const [patients, offers, prescribers, prescriptions, vets] = await Promise.all([
    patientIds.length
      ? db
          .selectFrom('patients as p')
          .innerJoin('clients as c', 'c.id', 'p.clientId')
          .select(['p.id', 'p.name', 'p.clientId', 'c.state as ownerState'])
          .where('p.id', 'in', patientIds)
          .where('p.clinicId', '=', clinicId)
          .execute()
      : [],
    offerIds.length
      ? db
          .selectFrom('offers as o')
          .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
          .select(['o.id', 'o.medicationId', 'o.pharmacyId', 'o.unitPriceCents', 'o.flavors', 'o.available', 'ph.active as pharmacyActive', 'ph.name as pharmacyName'])
          .where('o.id', 'in', offerIds)
          .execute()
      : [],
    prescriberIds.length
      ? db.selectFrom('prescribers').select(['id', 'name', 'userId']).where('id', 'in', prescriberIds).where('clinicId', '=', clinicId).execute()
      : [],
    prescriptionIds.length
      ? db
          .selectFrom('prescriptions as rx')
          .innerJoin('prescribers as pr', 'pr.id', 'rx.prescriberId')
          .select(['rx.id', 'rx.patientId', 'rx.medicationId', 'rx.prescriberId', 'pr.name as prescriberName'])
          .where('rx.id', 'in', prescriptionIds)
          .where('rx.clinicId', '=', clinicId)
          .execute()
      : [],
    userIds.length
      ? db.selectFrom('users').select(['id', 'role']).where('id', 'in', userIds).where('clinicId', '=', clinicId).execute()
      : [],
  ]);
  return {
    patients: new Map(patients.map((r) => [r.id, r])),
    offers: new Map(offers.map((r) => [r.id, r])),
    prescribers: new Map(prescribers.map((r) => [r.id, r])),
    prescriptions: new Map(prescriptions.map((r) => [r.id, r])),
    vets: new Map(vets.map((r) => [r.id, r])),
  };
}

/** Checks one input against the loaded rows; returns field path → message. */
export function checkInput(input: NewCartLineInput, refs: Refs, clinicState: string, prefix: string): { fields: Record<string, string>; shipState: string } {
  const fields: Record<string, string> = {};
  const patient = refs.patients.get(input.patientId);
  if (!patient) fields[`${prefix}patientId`] = 'No such patient in this clinic.';
  const offer = refs.offers.get(input.offerId);
  if (!offer) fields[`${prefix}offerId`] = 'No such offer in the catalog.';
  else if (!offer.available || !offer.pharmacyActive) fields[`${prefix}offerId`] = `${offer.pharmacyName} no longer offers this; choose another pharmacy.`;
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > 10_000) {
    fields[`${prefix}quantity`] = 'Enter a whole number of vials from 1 to 10,000.';
  }
  if (typeof input.sig !== 'string' || input.sig.trim() === '') fields[`${prefix}sig`] = 'Enter the directions (SIG).';
  else if (input.sig.length > 1_000) fields[`${prefix}sig`] = 'Keep the SIG under 1,000 characters.';
  if (!refs.prescribers.get(input.prescriberId)) fields[`${prefix}prescriberId`] = 'No such prescriber in this clinic.';
  if (input.shipTo !== 'clinic' && input.shipTo !== 'owner') fields[`${prefix}shipTo`] = 'Ship to "clinic" or "owner".';
  const shipState = shipStateFor(input.shipTo, clinicState, patient?.ownerState ?? null);
  if (patient && input.shipTo === 'owner' && !shipState) fields[`${prefix}shipTo`] = 'The owner has no address on file; ship to the clinic or add the address.';
  if (input.prescriptionId) {
    const rx = refs.prescriptions.get(input.prescriptionId);
    if (!rx) fields[`${prefix}prescriptionId`] = 'No such prescription in this clinic.';
    else if (patient && rx.patientId !== patient.id) fields[`${prefix}prescriptionId`] = 'This prescription belongs to another patient.';
    else if (offer && rx.medicationId !== offer.medicationId) fields[`${prefix}prescriptionId`] = 'This prescription is for another medication.';
    // A line names the veterinarian who wrote its prescription, never someone else (docs/records.md).
    else if (rx.prescriberId !== input.prescriberId) fields[`${prefix}prescriberId`] = `This prescription was written by ${rx.prescriberName}; the line names its prescriber.`;
  }
  if (input.flavor && offer && !offer.flavors.includes(input.flavor)) {
    fields[`${prefix}flavor`] = offer.flavors.length ? `Choose one of: ${offer.flavors.join(', ')}.` : 'This offer comes unflavored.';
  }
  if (input.needBy && !/^\d{4}-\d{2}-\d{2}$/.test(input.needBy)) fields[`${prefix}needBy`] = 'Use a date like 2026-12-01.';
  return { fields, shipState: shipState ?? '' };
}
