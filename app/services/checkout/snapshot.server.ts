/**
 * The snapshot each order line keeps: the patient, medication, offer, prescriber (licences and
 * DEA registrations), where it ships and its price, as they were when the checkout split.
 */
import { packageSizeFromDescription } from '../../lib/package-size';
import type { CheckoutPlan, PlanLine, Tx } from './model';

/** Everything an order line's snapshot names, loaded for the whole plan in a fixed number of queries. */
export async function loadSnapshots(tx: Tx, clinicId: string, plan: CheckoutPlan) {
  const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];
  const patientIds = unique(plan.lines.map((l) => l.patientId));
  const offerIds = unique(plan.lines.map((l) => l.offerId));
  const prescriberIds = unique(plan.lines.map((l) => l.prescriberId));
  const none = patientIds.length === 0;
  const [clinic, patients, offers, prescribers, licenses, deas] = await Promise.all([
    tx.selectFrom('clinics').select(['name', 'addressLine1', 'addressLine2', 'city', 'state', 'postalCode', 'phone']).where('id', '=', clinicId).executeTakeFirstOrThrow(),
    none
      ? []
      : tx
          .selectFrom('patients as p')
          .innerJoin('clients as c', 'c.id', 'p.clientId')
          .select(['p.id', 'p.name', 'p.species', 'p.breed', 'p.weightKg', 'p.weightMeasuredOn', 'p.birthDate', 'c.firstName', 'c.lastName', 'c.phone', 'c.email', 'c.addressLine1', 'c.addressLine2', 'c.city', 'c.state', 'c.postalCode'])
          .where('p.id', 'in', patientIds)
          .where('p.clinicId', '=', clinicId)
          .execute(),
    none
      ? []
      : tx
          .selectFrom('offers as o')
          .innerJoin('medications as m', 'm.id', 'o.medicationId')
          .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
          .select(['o.id', 'o.sku', 'o.packageDescription', 'm.name', 'm.strength', 'm.form', 'm.controlledSchedule', 'm.compounded', 'm.coldChain', 'ph.name as pharmacyName'])
          .where('o.id', 'in', offerIds)
          .execute(),
    none ? [] : tx.selectFrom('prescribers').select(['id', 'name']).where('id', 'in', prescriberIds).where('clinicId', '=', clinicId).execute(),
    none ? [] : tx.selectFrom('prescriberLicenses').select(['prescriberId', 'state', 'number', 'expiresOn']).where('prescriberId', 'in', prescriberIds).orderBy('state').execute(),
    none ? [] : tx.selectFrom('deaRegistrations').select(['prescriberId', 'state', 'number', 'schedules', 'expiresOn']).where('prescriberId', 'in', prescriberIds).orderBy('state').execute(),
  ]);
  const patientById = new Map(patients.map((p) => [p.id, p]));
  const offerById = new Map(offers.map((o) => [o.id, o]));
  const prescriberById = new Map(prescribers.map((p) => [p.id, p]));
  const licensesOf = new Map<string, typeof licenses>();
  for (const l of licenses) licensesOf.set(l.prescriberId, [...(licensesOf.get(l.prescriberId) ?? []), l]);
  const deasOf = new Map<string, typeof deas>();
  for (const d of deas) deasOf.set(d.prescriberId, [...(deasOf.get(d.prescriberId) ?? []), d]);
  const sizes = new Map<string, number | null>();

  return {
    packageSize(offerId: string): number | null {
      if (!sizes.has(offerId)) {
        const offer = offerById.get(offerId);
        sizes.set(offerId, offer ? (packageSizeFromDescription(offer.packageDescription)?.amount ?? null) : null);
      }
      return sizes.get(offerId)!;
    },
    of(line: PlanLine): Record<string, unknown> {
      const p = patientById.get(line.patientId);
      const o = offerById.get(line.offerId);
      const pr = prescriberById.get(line.prescriberId);
      const shipTo =
        line.shipTo === 'clinic'
          ? { kind: 'clinic', name: clinic.name, addressLine1: clinic.addressLine1, addressLine2: clinic.addressLine2, city: clinic.city, state: clinic.state, postalCode: clinic.postalCode, phone: clinic.phone }
          : { kind: 'owner', name: p ? `${p.firstName} ${p.lastName}` : null, addressLine1: p?.addressLine1 ?? null, addressLine2: p?.addressLine2 ?? null, city: p?.city ?? null, state: line.shipState, postalCode: p?.postalCode ?? null, phone: p?.phone ?? null };
      return {
        patient: p
          ? { id: p.id, name: p.name, species: p.species, breed: p.breed, weightKg: p.weightKg === null ? null : Number(p.weightKg), weightMeasuredOn: p.weightMeasuredOn, birthDate: p.birthDate, owner: `${p.firstName} ${p.lastName}`, ownerPhone: p.phone, ownerEmail: p.email }
          : { id: line.patientId },
        medication: o
          ? { id: line.medicationId, name: o.name, strength: o.strength, form: o.form, controlledSchedule: o.controlledSchedule, compounded: o.compounded, coldChain: o.coldChain }
          : { id: line.medicationId },
        offer: o ? { id: line.offerId, sku: o.sku, package: o.packageDescription, pharmacyId: line.pharmacyId, pharmacyName: o.pharmacyName } : { id: line.offerId },
        quantity: line.quantity,
        sig: { text: line.sig },
        prescriber: {
          id: line.prescriberId,
          name: pr?.name ?? null,
          licenses: (licensesOf.get(line.prescriberId) ?? []).map((l) => ({ state: l.state, number: l.number, expiresOn: l.expiresOn })),
          dea: (deasOf.get(line.prescriberId) ?? []).map((d) => ({ state: d.state, number: d.number, schedules: d.schedules, expiresOn: d.expiresOn })),
        },
        prescriptionId: line.prescriptionId,
        source: line.source,
        shipTo,
        price: {
          unitPriceCents: line.unitPriceCents,
          shippingShareCents: line.shippingShareCents,
          feeShareCents: line.feeShareCents,
          platformFeeCents: line.platformFeeCents,
          lineTotalCents: line.lineTotalCents,
          landedCostPerVialCents: line.landedCostPerVialCents,
        },
      };
    },
  };
}
