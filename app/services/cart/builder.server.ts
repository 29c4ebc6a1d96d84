/**
 * The refill-day builder: the patients whose supply runs out soon, each with the line that would
 * reorder it, and "Add N lines" to put the chosen ones in the cart in one transaction.
 */
import { sql } from 'kysely';
import { getDb } from '../../../db/client';
import { clinicToday } from '../records/clinics.server';
import { badRequest, notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { addFromHistory, historyRows, planFromHistory } from './history.server';
import { isUuid } from '../../../validators/vocabulary';
import { clientFullName } from '../records/sql.server';
import { getOpenCartIn } from './store.server';
import { currentPrescriptions } from '../records/prescriptions.server';
import { openRenewalsForIn } from '../records/renewals.server';
import { prescriptionLapse, refillsLeft } from '../../../validators/prescriptions';

/**
 * Patients whose supply runs out within `withinDays` (last fill date + days supply), one row
 * per patient × medication with the line to reorder. Skips inactive and deceased patients,
 * patients already in the open cart for that medication, and supplies that ran out more than
 * `graceDays` ago (the treatment has likely stopped), and prescriptions the veterinarian
 * discontinued. A renewed prescription is followed to its renewal. Where the last offer cannot
 * fill the line now, the line to reorder uses the cheapest landed alternative and says why. A
 * line whose prescription lapsed says why (`prescription.lapse`) and whether its renewal was
 * asked for (`renewal`).
 */
export async function dueForRefill(principal: Principal, opts: { withinDays: number; graceDays?: number }) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const withinDays = Math.max(0, Math.min(365, Math.floor(opts.withinDays)));
  const graceDays = opts.graceDays ?? 30;
  const day = await clinicToday(db, clinicId);
  const cart = await getOpenCartIn(db, principal);
  const latest = await sql<{ id: string; dueOn: string; filledOn: string; daysSupply: number }>`
    select last.id, last.filled_on::text as "filledOn", last.days_supply as "daysSupply", (last.filled_on + last.days_supply)::text as "dueOn"
    from (
      select distinct on (ol.patient_id, ol.medication_id) ol.id, ol.filled_on, ol.days_supply, ol.patient_id, ol.medication_id
      from order_lines ol
      join orders o on o.id = ol.order_id
      where ol.clinic_id = ${clinicId} and ol.filled_on is not null and ol.days_supply is not null
        and o.status not in ('rejected', 'cancelled')
      order by ol.patient_id, ol.medication_id, ol.filled_on desc, ol.created_at desc, ol.id
    ) last
    join patients p on p.id = last.patient_id and p.clinic_id = ${clinicId} and p.status = 'active'
    where last.filled_on + last.days_supply between ${day}::date - ${graceDays}::int and ${day}::date + ${withinDays}::int
      and not exists (
        select 1 from cart_lines l join offers lo on lo.id = l.offer_id
        where l.cart_id = ${cart.id} and l.removed_at is null and l.patient_id = last.patient_id and lo.medication_id = last.medication_id
      )
  `.execute(db);
  if (latest.rows.length === 0) return { today: day, withinDays, patients: [] };
  const meta = new Map(latest.rows.map((r) => [r.id, r]));
  const found = await historyRows(db, clinicId, { orderLineIds: latest.rows.map((r) => r.id) });
  const current = await currentPrescriptions(db, clinicId, found.flatMap((r) => (r.prescriptionId ? [r.prescriptionId] : [])));
  const stopped = (r: (typeof found)[number]) => r.prescriptionId !== null && ['discontinued', 'cancelled'].includes(current.get(r.prescriptionId)?.status ?? '');
  const rows = found.filter((r) => !stopped(r));
  if (rows.length === 0) return { today: day, withinDays, patients: [] };
  const plan = await planFromHistory(db, principal, rows, { substitute: true });
  const [renewals, extra] = await Promise.all([
    openRenewalsForIn(db, principal, [...current.values()].map((rx) => rx.id)),
    db
      .selectFrom('patients as p')
      .innerJoin('clients as c', 'c.id', 'p.clientId')
      .select(['p.id', 'p.species', clientFullName().as('ownerName')])
      .where('p.id', 'in', [...new Set(rows.map((r) => r.patientId))])
      .execute(),
  ]);
  const patientOf = new Map(extra.map((p) => [p.id, p]));
  const offerIds = plan.inputs.map((i) => i.offerId);
  const [offers, prescribers] = await Promise.all([
    offerIds.length
      ? db.selectFrom('offers as o').innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId').select(['o.id', 'o.unitPriceCents', 'ph.name as pharmacyName', 'o.pharmacyId']).where('o.id', 'in', offerIds).execute()
      : [],
    db.selectFrom('prescribers').select(['id', 'name']).where('clinicId', '=', clinicId).execute(),
  ]);
  const offerOf = new Map(offers.map((o) => [o.id, o]));
  const prescriberOf = new Map(prescribers.map((p) => [p.id, p.name]));
  const substitutedOf = new Map(plan.substituted.map((s) => [s.orderLineId, s]));
  const proposalOf = new Map(plan.proposals.map((p) => [p.orderLineId, p]));
  let inputIndex = 0;
  const patients = rows.map((r) => {
    const m = meta.get(r.id)!;
    const proposal = proposalOf.get(r.id);
    const input = proposal ? null : plan.inputs[inputIndex++]!;
    const offer = input ? offerOf.get(input.offerId) : undefined;
    const rx = r.prescriptionId ? current.get(r.prescriptionId) : undefined;
    const daysLeft = Math.round((Date.parse(m.dueOn) - Date.parse(day)) / 86_400_000);
    return {
      orderLineId: r.id,
      patientId: r.patientId,
      patientName: r.patientName,
      species: patientOf.get(r.patientId)?.species ?? null,
      ownerName: patientOf.get(r.patientId)?.ownerName ?? '',
      medicationId: r.medicationId,
      medicationName: r.medicationName,
      lastFilledOn: m.filledOn,
      daysSupply: m.daysSupply,
      dueOn: m.dueOn,
      daysLeft,
      prescription: rx
        ? { id: rx.id, status: rx.status, refillsLeft: refillsLeft(rx), expiresOn: rx.expiresOn, lapse: prescriptionLapse(rx, day), renewedFrom: rx.id !== r.prescriptionId ? r.prescriptionId : null }
        : null,
      renewal: rx ? (renewals[rx.id] ?? null) : null,
      line: input
        ? {
            offerId: input.offerId,
            pharmacyId: offer?.pharmacyId ?? null,
            pharmacyName: offer?.pharmacyName ?? '',
            unitPriceCents: offer?.unitPriceCents ?? null,
            quantity: input.quantity,
            sig: input.sig,
            prescriberId: input.prescriberId,
            prescriberName: prescriberOf.get(input.prescriberId) ?? '',
            shipTo: input.shipTo,
            prescriptionId: input.prescriptionId ?? null,
          }
        : null,
      note: substitutedOf.get(r.id) ? `${substitutedOf.get(r.id)!.reason}; reorders from ${substitutedOf.get(r.id)!.to}` : proposal ? `${proposal.reason}; no other pharmacy can fill it now` : null,
    };
  });
  patients.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.patientName.localeCompare(b.patientName) || a.medicationName.localeCompare(b.medicationName));
  return { today: day, withinDays, patients };
}

/** The refill-day builder's "Add N lines": reorders the chosen due lines in one transaction. */
export async function addDueToCart(principal: Principal, orderLineIds: string[]) {
  const clinicId = clinicScope(principal);
  const ids = [...new Set(orderLineIds)];
  if (ids.length === 0) throw badRequest('Choose at least one patient.', { orderLineIds: 'Choose at least one patient.' });
  const bad = ids.findIndex((id) => !isUuid(id));
  if (bad >= 0) throw badRequest('Some lines are not valid.', { [`orderLineIds.${bad}`]: 'Not a valid id.' });
  const db = getDb();
  const found = await historyRows(db, clinicId, { orderLineIds: ids });
  if (found.length !== ids.length) throw notFound('Order line');
  // Lines go into the cart in the order they were chosen (the builder's list order).
  const byId = new Map(found.map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)!);
  return db.transaction().execute((tx) => addFromHistory(tx, principal, rows, 'reorder', { substitute: true }));
}
