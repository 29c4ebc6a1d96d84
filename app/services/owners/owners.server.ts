import { getDb } from '../../../db/client';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { notFound } from '../platform/errors';
import { verifyOwnerToken } from './owner-links.server';

// What an owner sees through the signed links in their messages, without signing in.

const TIMELINE = ['submitted', 'accepted', 'compounding', 'shipped', 'delivered'] as const;

/** The owner tracking page of an order: only this owner's pets and their medications. */
export async function ownerTracking(token: string) {
  const link = verifyOwnerToken('track', token);
  if (!link) throw notFound('Tracking link');
  const db = getDb();
  const order = await db
    .selectFrom('orders as o')
    .innerJoin('clinics as c', 'c.id', 'o.clinicId')
    .innerJoin('clients as cl', (j) => j.on('cl.id', '=', link.clientId).onRef('cl.clinicId', '=', 'o.clinicId'))
    .select(['o.id', 'o.status', 'o.carrier', 'o.trackingNumber', 'o.trackingUrl', 'o.expectedDelivery', 'o.createdAt', 'c.name as clinicName', 'c.phone as clinicPhone', 'c.timezone', 'cl.firstName'])
    .where('o.id', '=', link.orderId)
    .executeTakeFirst();
  if (!order) throw notFound('Order');
  const [lines, events] = await Promise.all([
    db
      .selectFrom('orderLines as ol')
      .innerJoin('patients as p', 'p.id', 'ol.patientId')
      .innerJoin('medications as m', 'm.id', 'ol.medicationId')
      .select(['ol.id', 'p.name as petName', 'm.name as medication', 'm.strength', 'ol.quantity', 'ol.shipTo'])
      .where('ol.orderId', '=', order.id)
      .where('p.clientId', '=', link.clientId)
      .$if(!!link.patientId, (q) => q.where('p.id', '=', link.patientId!))
      .orderBy('p.name')
      .execute(),
    db.selectFrom('orderEvents').select(['type', 'at']).where('orderId', '=', order.id).orderBy('at').execute(),
  ]);
  if (lines.length === 0) throw notFound('Order');
  const reached = new Map(events.map((e) => [e.type, e.at.toISOString()]));
  const stopped = events.find((e) => e.type === 'rejected' || e.type === 'cancelled');
  return {
    clinicName: order.clinicName,
    clinicPhone: order.clinicPhone,
    timeZone: order.timezone,
    ownerName: order.firstName,
    status: order.status,
    carrier: order.carrier,
    trackingNumber: order.trackingNumber,
    trackingUrl: order.trackingUrl ?? carrierTrackingUrl(order.carrier, order.trackingNumber),
    expectedDelivery: order.expectedDelivery,
    pickup: lines.every((l) => l.shipTo === 'clinic'),
    lines: lines.map((l) => ({ id: l.id, petName: l.petName, medication: `${l.medication} ${l.strength}`.trim(), quantity: l.quantity })),
    timeline: [
      { step: 'ordered', at: order.createdAt.toISOString() },
      ...TIMELINE.map((step) => ({ step, at: reached.get(step) ?? null })),
      ...(stopped ? [{ step: stopped.type, at: stopped.at.toISOString() }] : []),
    ],
  };
}

/** The carrier's own tracking page, when the pharmacy sent a number but no link. */
export function carrierTrackingUrl(carrier: string | null, number: string | null): string | null {
  if (!carrier || !number) return null;
  const n = encodeURIComponent(number);
  const c = carrier.toLowerCase();
  if (c.includes('ups')) return `https://www.ups.com/track?tracknum=${n}`;
  if (c.includes('fedex')) return `https://www.fedex.com/fedextrack/?trknbr=${n}`;
  if (c.includes('usps')) return `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`;
  if (c.includes('dhl')) return `https://www.dhl.com/us-en/home/tracking.html?tracking-id=${n}`;
  return null;
}

/** Who an unsubscribe link is for (the page asks before it acts on a GET). */
export async function unsubscribeTarget(token: string) {
  const link = verifyOwnerToken('unsubscribe', token);
  if (!link) throw notFound('Unsubscribe link');
  const client = await getDb()
    .selectFrom('clients as c')
    .innerJoin('clinics as k', 'k.id', 'c.clinicId')
    .select(['c.id', 'c.firstName', 'c.unsubscribedAt', 'k.name as clinicName'])
    .where('c.id', '=', link.clientId)
    .executeTakeFirst();
  if (!client) throw notFound('Owner');
  return { clinicName: client.clinicName, firstName: client.firstName, unsubscribed: client.unsubscribedAt !== null };
}

/** One-click unsubscribe (RFC 8058 POST or the page's button); idempotent, audited once. */
export async function unsubscribeOwner(token: string): Promise<{ clinicName: string }> {
  const link = verifyOwnerToken('unsubscribe', token);
  if (!link) throw notFound('Unsubscribe link');
  return getDb()
    .transaction()
    .execute(async (tx) => {
      const client = await tx
        .selectFrom('clients as c')
        .innerJoin('clinics as k', 'k.id', 'c.clinicId')
        .select(['c.id', 'c.clinicId', 'c.unsubscribedAt', 'k.name as clinicName'])
        .where('c.id', '=', link.clientId)
        .forUpdate('c')
        .executeTakeFirst();
      if (!client) throw notFound('Owner');
      if (!client.unsubscribedAt) {
        await tx.updateTable('clients').set({ unsubscribedAt: now() }).where('id', '=', client.id).execute();
        await audit(tx, { actorType: 'owner', actorId: client.id, actorLabel: 'owner (unsubscribe link)' }, { clinicId: client.clinicId, action: 'client.unsubscribed', subjectType: 'client', subjectId: client.id });
      }
      return { clinicName: client.clinicName };
    });
}

/**
 * What a reminder's "request this refill" link fills in on the clinic's public form
 * (`/c/:clinicSlug/refill?r=<token>`): the owner, the pet and the medication. Null when the
 * token is not valid for this clinic or the prescription is gone.
 */
export async function refillPrefill(clinicSlug: string, token: string | null) {
  const link = verifyOwnerToken('refill', token);
  if (!link) return null;
  const row = await getDb()
    .selectFrom('prescriptions as rx')
    .innerJoin('clinics as k', 'k.id', 'rx.clinicId')
    .innerJoin('patients as p', 'p.id', 'rx.patientId')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .innerJoin('medications as m', 'm.id', 'rx.medicationId')
    .select(['c.firstName', 'c.lastName', 'c.phone', 'c.email', 'p.name as petName', 'm.name as medName', 'm.strength'])
    .where('rx.id', '=', link.prescriptionId)
    .where('rx.clinicId', '=', link.clinicId)
    .where('k.slug', '=', clinicSlug)
    .where('p.id', '=', link.patientId)
    .where('c.id', '=', link.clientId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    ownerName: `${row.firstName} ${row.lastName}`,
    ownerPhone: row.phone ?? '',
    ownerEmail: row.email ?? '',
    patientName: row.petName,
    // The form accepts letters, digits and . , / ( ) % + - in the medication.
    medication: `${row.medName} ${row.strength}`.replace(/[^\p{L}\p{N} .,/()%+-]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 120),
  };
}
