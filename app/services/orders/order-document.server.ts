/**
 * Builds the `vialcart.order.v1` document (pharmacies/types.ts) of stored orders: what a REST
 * pharmacy receives, what the pharmacy API and portal show. The order lines carry the snapshot
 * of checkout (quantity, SIG, ship-to, prices, days supply, flavour); patient, owner and
 * prescriber credentials are read as they are now, which is what a pharmacist verifies.
 *
 * Batched: any number of orders in a fixed number of queries (the pharmacy's order list).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { parsedSigSchema, type OrderDocumentV1Input } from '../../../pharmacies/types';
import { parseSig, type ParsedSig } from '../../../validators/sig';
import { clientFullName } from '../records/sql.server';
import { doseOf, parseStrength } from '../../../validators/lib/dose-per-kg';

type ShipTo = OrderDocumentV1Input['shipTo'];
type DocPrescriber = OrderDocumentV1Input['prescribers'][number];
type DocPatient = OrderDocumentV1Input['patients'][number];
type DocLine = OrderDocumentV1Input['lines'][number];

/** The message id of an order's document: stable, so a re-sent document keeps it (NCPDP MessageID). */
export const messageIdOf = (orderId: string) => `vc-${orderId}`;

const asString = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** A figure as the document carries it: four significant digits. */
const figure = (n: number | undefined): number | null => (n === undefined || !Number.isFinite(n) ? null : Number(n.toPrecision(4)));

/**
 * The line's dose as `dose.range` computes it (docs/validation.md, "Dose range"), from the SIG
 * parsed at checkout, the catalog strength and the weight used; null when no dose can be had.
 */
function doseOfLine(parsed: ParsedSig | null, strength: string, form: string, weight: { kg: number; measuredOn: string | null } | null): DocLine['dose'] {
  if (!parsed) return null;
  const dose = doseOf(parsed, parseStrength(strength, form), weight?.kg ?? null);
  if (!dose) return null;
  return {
    mgPerAdministration: figure(dose.mgPerDose?.high),
    mgPerKgPerAdministration: figure(dose.mgPerKgPerDose?.high),
    mgPerKgPerDay: figure(dose.mgPerKgPerDay),
    weightUsed: weight,
  };
}

function shipToKey(shipTo: ShipTo): string {
  return JSON.stringify([shipTo.kind, shipTo.name, shipTo.address]);
}

/** The documents of `orderIds` (missing ids are left out). */
export async function buildOrderDocuments(db: Kysely<Database>, orderIds: string[]): Promise<Map<string, OrderDocumentV1Input>> {
  const out = new Map<string, OrderDocumentV1Input>();
  if (orderIds.length === 0) return out;
  const orders = await db
    .selectFrom('orders as o')
    .innerJoin('clinics as c', 'c.id', 'o.clinicId')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .select([
      'o.id', 'o.createdAt', 'o.clinicId', 'ph.id as pharmacyId', 'ph.slug as pharmacySlug',
      'c.name as clinicName', 'c.phone as clinicPhone', 'c.email as clinicEmail', 'c.addressLine1', 'c.addressLine2',
      'c.city', 'c.state', 'c.postalCode',
    ])
    .where('o.id', 'in', orderIds)
    .execute();
  if (orders.length === 0) return out;
  const lines = await db
    .selectFrom('orderLines as ol')
    .innerJoin('patients as p', 'p.id', 'ol.patientId')
    .innerJoin('clients as cl', 'cl.id', 'p.clientId')
    .innerJoin('medications as m', 'm.id', 'ol.medicationId')
    .innerJoin('offers as of', 'of.id', 'ol.offerId')
    .leftJoin('prescriptions as rx', 'rx.id', 'ol.prescriptionId')
    .leftJoin('cartLines as cln', 'cln.id', 'ol.cartLineId')
    .select([
      'ol.id', 'ol.orderId', 'ol.patientId', 'ol.prescriberId', 'ol.quantity', 'ol.sig', 'ol.sigParsed', 'ol.shipTo',
      'ol.daysSupply', 'ol.snapshot', 'ol.createdAt',
      'p.name as patientName', 'p.species', 'p.sex', 'p.birthDate', 'p.weightKg', 'p.weightMeasuredOn',
      clientFullName('cl').as('ownerName'), 'cl.phone as ownerPhone', 'cl.email as ownerEmail',
      'cl.addressLine1 as ownerLine1', 'cl.addressLine2 as ownerLine2', 'cl.city as ownerCity', 'cl.state as ownerState',
      'cl.postalCode as ownerPostalCode',
      'm.name as medicationName', 'm.strength', 'm.form', 'm.controlledSchedule', 'm.coldChain', 'of.sku',
      'rx.writtenOn', 'rx.refillsAuthorized', 'rx.refillsUsed', 'cln.flavor', 'cln.needBy',
    ])
    .where('ol.orderId', 'in', orders.map((o) => o.id))
    .orderBy('ol.orderId')
    .orderBy('ol.createdAt')
    .orderBy('ol.id')
    .execute();
  const prescriberIds = [...new Set(lines.map((l) => l.prescriberId))];
  const [prescribers, licenses, deas] = prescriberIds.length
    ? await Promise.all([
        db.selectFrom('prescribers').select(['id', 'name']).where('id', 'in', prescriberIds).execute(),
        db.selectFrom('prescriberLicenses').select(['prescriberId', 'state', 'number', 'expiresOn']).where('prescriberId', 'in', prescriberIds).orderBy('expiresOn', 'desc').execute(),
        db.selectFrom('deaRegistrations').select(['prescriberId', 'state', 'number', 'expiresOn']).where('prescriberId', 'in', prescriberIds).orderBy('expiresOn', 'desc').execute(),
      ])
    : [[], [], []];

  for (const order of orders) {
    const orderLines = lines.filter((l) => l.orderId === order.id);
    if (orderLines.length === 0) continue;
    const clinicAddress = { line1: order.addressLine1, line2: order.addressLine2, city: order.city, state: order.state as never, postalCode: order.postalCode };
    const shipToOf = (l: (typeof orderLines)[number]): ShipTo =>
      l.shipTo === 'clinic'
        ? { kind: 'clinic', name: order.clinicName, attention: null, address: clinicAddress }
        : {
            kind: 'owner',
            name: l.ownerName,
            phone: l.ownerPhone,
            address: { line1: l.ownerLine1 ?? '', line2: l.ownerLine2, city: l.ownerCity ?? '', state: (l.ownerState ?? '') as never, postalCode: l.ownerPostalCode ?? '' },
          };
    const docShipTo = shipToOf(orderLines[0]!);
    // The licence that matters is the one of the state the medication goes to, else the clinic's.
    const prescriberStates = new Map<string, Set<string>>();
    const patients = new Map<string, DocPatient>();
    const docLines: DocLine[] = orderLines.map((l) => {
      const snap = asRecord(l.snapshot);
      const shipTo = shipToOf(l);
      const state = shipTo.address.state as string;
      prescriberStates.set(l.prescriberId, (prescriberStates.get(l.prescriberId) ?? new Set()).add(state));
      const snapPatient = asRecord(snap.patient);
      // The weight checkout saw (and its day), else today's record.
      const snapKg = typeof snapPatient.weightKg === 'number' && snapPatient.weightKg > 0 ? snapPatient.weightKg : null;
      const weightKg = snapKg ?? l.weightKg;
      const weightMeasuredOn = snapKg === null ? l.weightMeasuredOn : (asString(snapPatient.weightMeasuredOn) ?? (snapKg === l.weightKg ? l.weightMeasuredOn : null));
      patients.set(l.patientId, {
        id: l.patientId,
        name: l.patientName,
        species: l.species,
        sex: l.sex,
        birthDate: l.birthDate,
        weightKg,
        weightMeasuredOn,
        owner: { name: l.ownerName, phone: l.ownerPhone, email: l.ownerEmail },
      });
      const parsed = parsedSigSchema.safeParse(l.sigParsed);
      const refills = l.refillsAuthorized === null ? 0 : Math.max(0, l.refillsAuthorized - (l.refillsUsed ?? 0));
      return {
        lineId: l.id,
        patientId: l.patientId,
        prescriberId: l.prescriberId,
        product: { name: l.medicationName, sku: asString(snap.sku) ?? l.sku },
        strength: l.strength,
        form: l.form,
        flavor: asString(snap.flavor) ?? l.flavor,
        quantity: { value: l.quantity, unit: 'vial' },
        daysSupply: l.daysSupply && l.daysSupply > 0 ? l.daysSupply : null,
        refills,
        dateWritten: l.writtenOn ?? order.createdAt.toISOString().slice(0, 10),
        sig: { text: l.sig, parsed: parsed.success ? parsed.data : null },
        deaSchedule: l.controlledSchedule,
        needByDate: asString(snap.needBy) ?? l.needBy,
        signatureRequired: l.controlledSchedule !== null || l.coldChain,
        // The SIG as parsed at checkout; lines stored without one are read from their text.
        dose: doseOfLine(parsed.success && parsed.data ? (parsed.data as ParsedSig) : parseSig(l.sig, { form: l.form }), l.strength, l.form, weightKg === null ? null : { kg: weightKg, measuredOn: weightMeasuredOn }),
        shipTo: shipToKey(shipTo) === shipToKey(docShipTo) ? null : shipTo,
      };
    });
    const docPrescribers: DocPrescriber[] = [...prescriberStates].map(([id, states]) => {
      const own = licenses.filter((x) => x.prescriberId === id);
      const license = own.find((x) => states.has(x.state)) ?? own.find((x) => x.state === order.state) ?? own[0];
      const dea = deas.filter((x) => x.prescriberId === id);
      const registration = dea.find((x) => states.has(x.state)) ?? dea.find((x) => x.state === order.state) ?? dea[0];
      return {
        id,
        name: prescribers.find((p) => p.id === id)?.name ?? 'Unknown prescriber',
        license: { number: license?.number ?? '', state: (license?.state ?? order.state) as never },
        deaNumber: registration?.number ?? null,
      };
    });
    out.set(order.id, {
      schema: 'vialcart.order.v1',
      messageId: messageIdOf(order.id),
      orderId: order.id,
      createdAt: order.createdAt.toISOString(),
      pharmacy: { id: order.pharmacyId, slug: order.pharmacySlug },
      clinic: { id: order.clinicId, name: order.clinicName, phone: order.clinicPhone, email: order.clinicEmail, address: clinicAddress },
      shipTo: docShipTo,
      prescribers: docPrescribers,
      patients: [...patients.values()],
      lines: docLines,
    });
  }
  return out;
}

/** The document of one order, or null when it does not exist or has no lines. */
export async function buildOrderDocument(db: Kysely<Database>, orderId: string): Promise<OrderDocumentV1Input | null> {
  return (await buildOrderDocuments(db, [orderId])).get(orderId) ?? null;
}
