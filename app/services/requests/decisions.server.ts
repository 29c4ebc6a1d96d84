/**
 * Changing a request: a decision (approve into the cart or the to-dispense list, deny, ask for
 * an exam), dispensing, taking it, calling the owner, notes, and the front desk settling a
 * match. Each change locks the row, audits, and tells the owner in the same transaction.
 */
import { sql, type NotNull, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database, RefillRequest } from '../../../db/schema';
import { prescriptionLapse } from '../../../validators/lib/eligibility';
import type { EligibilityCheck } from '../../../validators/requests';
import { isUuid } from '../../../validators/vocabulary';
import type { Decision } from '../../schemas/refill-request';
import { audit } from '../audit/audit.server';
import { addCartLinesIn, recordSignoffs } from '../cart/index.server';
import { allowed, requestAction, requirePermission } from '../identity/permissions';
import { clinicDay, now } from '../platform/clock.server';
import { DomainError, conflict, notFound } from '../platform/errors';
import { enqueueNotification } from '../owners/notifications.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';
import { approvalRule } from './approval';
import { rxName } from './matching';
import { checkEligibility, effectiveUrgency, routeRequest } from './routing';
import { readSlaSettings, slaTimers } from './sla';
import { scheduleTimers } from './timers.server';
import { getRefillRequestIn } from './views.server';

type Tx = Transaction<Database>;

async function lockRequest(tx: Tx, clinicId: string, id: string) {
  if (!isUuid(id)) throw notFound('Request');
  const row = await tx.selectFrom('refillRequests').selectAll().where('id', '=', id).where('clinicId', '=', clinicId).forUpdate().executeTakeFirst();
  if (!row) throw notFound('Request');
  return row;
}

function requireOpen(r: RefillRequest) {
  if (r.status !== 'open') throw conflict(`Request ${r.reference} is already ${r.status.replace('_', ' ')}.`, { status: r.status });
}

/** A prescription of the clinic with its medication, patient and clinic settings: what a decision or a resolved match checks. */
function prescriptionFacts(tx: Tx, clinicId: string, prescriptionId: string) {
  return tx
    .selectFrom('prescriptions as rx')
    .innerJoin('medications as m', 'm.id', 'rx.medicationId')
    .innerJoin('patients as p', 'p.id', 'rx.patientId')
    .innerJoin('clinics as c', 'c.id', 'rx.clinicId')
    .select([
      'rx.id', 'rx.patientId', 'rx.medicationId', 'rx.prescriberId', 'rx.sig', 'rx.quantity', 'rx.status', 'rx.writtenOn', 'rx.expiresOn', 'rx.refillsAuthorized', 'rx.refillsUsed',
      'rx.lastDoseChangeOn', 'rx.standingOrder', 'm.name as medicationName', 'm.strength', 'm.form', 'm.controlledSchedule', 'm.compounded', 'p.clientId', 'p.name as petName',
      'p.status as patientStatus', 'p.lastWellnessExamOn', 'c.state as clinicState', 'c.timezone', 'c.wellnessWindowMonths', 'c.slaSettings',
    ])
    // The inner join with medications leaves out prescriptions of products outside the catalog.
    .$narrowType<{ medicationId: NotNull }>()
    .where('rx.id', '=', prescriptionId)
    .where('rx.clinicId', '=', clinicId)
    .executeTakeFirst();
}

/** The offer an approved compounded refill is ordered from: the patient's last one if it still ships here, else the cheapest that does. */
async function chooseOffer(tx: Tx, clinicId: string, patientId: string, medicationId: string, state: string, quantity: number, day: string) {
  const offers = await tx
    .selectFrom('offers as o')
    .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
    .innerJoin('pharmacyShipLicenses as l', (j) => j.onRef('l.pharmacyId', '=', 'o.pharmacyId').on('l.state', '=', state).on('l.expiresOn', '>=', day))
    .select(['o.id', 'o.unitPriceCents', 'o.stockOnHand', 'o.reserved', 'ph.name as pharmacyName'])
    .where('o.medicationId', '=', medicationId)
    .where('o.available', '=', true)
    .where('ph.active', '=', true)
    .where((eb) => eb.or([eb('o.shipStates', 'is', null), sql<boolean>`${state} = any(o.ship_states)`]))
    .execute();
  if (offers.length === 0) return null;
  const last = await tx
    .selectFrom('orderLines')
    .select('offerId')
    .where('clinicId', '=', clinicId)
    .where('patientId', '=', patientId)
    .where('medicationId', '=', medicationId)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  const inStock = (o: (typeof offers)[number]) => o.stockOnHand - o.reserved >= quantity;
  const previous = last ? offers.find((o) => o.id === last.offerId && inStock(o)) : undefined;
  if (previous) return { ...previous, why: 'last ordered' };
  const sorted = [...offers].sort((a, b) => Number(inStock(b)) - Number(inStock(a)) || a.unitPriceCents - b.unitPriceCents || a.pharmacyName.localeCompare(b.pharmacyName));
  return { ...sorted[0]!, why: 'cheapest that ships here' };
}

/**
 * A decision on a request (queue page and `POST /api/v1/refill-requests/:id/decision`).
 * Approve: a compounded medication becomes a line in the clinic's open cart (source
 * `request`, the prescription's SIG and prescriber, the approving veterinarian's sign-off); a
 * commercial one goes on the clinic's to-dispense list. Deny (with a reason) and request exam
 * close it. The owner is told in the same transaction.
 */
export async function decideRefillRequest(principal: Principal, id: string, decision: Decision) {
  const clinicId = clinicScope(principal);
  const at = now();
  const db = getDb();
  const result = await db
    .transaction()
    .execute(async (tx) => {
      const r = await lockRequest(tx, clinicId, id);
      requireOpen(r);
      const subject = { clinicId, subjectType: 'refill_request', subjectId: r.id };
      const decided = { decidedBy: userIdOf(principal), decidedAt: at, decisionReason: decision.reason ?? null };
      const notify = async (template: 'request.approved' | 'request.denied' | 'request.exam_needed', data: Record<string, unknown> = {}) => {
        if (!r.clientId) return;
        await enqueueNotification(tx, { clinicId, clientId: r.clientId, template, ...(r.patientId ? { patientId: r.patientId } : {}), refillRequestId: r.id, data: { reference: r.reference, ...data } });
      };

      if (decision.decision !== 'approve') requirePermission(principal, requestAction(decision.decision, r.queue));
      if (decision.decision === 'deny') {
        await tx.updateTable('refillRequests').set({ status: 'denied', ...decided }).where('id', '=', r.id).execute();
        await audit(tx, principal, { ...subject, action: 'refill_request.denied', detail: { reason: decision.reason } }, at);
        await notify('request.denied', { reason: decision.reason });
        return { status: 'denied' as const };
      }
      if (decision.decision === 'request_exam') {
        const clinic = await tx.selectFrom('clinics').select(['bookingUrl']).where('id', '=', clinicId).executeTakeFirstOrThrow();
        await tx.updateTable('refillRequests').set({ status: 'exam_requested', ...decided }).where('id', '=', r.id).execute();
        await audit(tx, principal, { ...subject, action: 'refill_request.exam_requested', detail: { reason: decision.reason ?? null, bookingUrl: clinic.bookingUrl } }, at);
        await notify('request.exam_needed', { bookingUrl: clinic.bookingUrl });
        return { status: 'exam_requested' as const };
      }

      // approve
      if (!r.prescriptionId || !r.patientId) throw new DomainError('unprocessable', 'Match the patient and prescription before approving.');
      const rx = await prescriptionFacts(tx, clinicId, r.prescriptionId);
      if (!rx) throw notFound('Prescription');
      const rule = approvalRule(principal, { queue: r.queue, status: r.status, prescriptionId: r.prescriptionId, controlledSchedule: rx.controlledSchedule, standingOrder: rx.standingOrder, compounded: rx.compounded });
      if (!rule.allowed) throw new DomainError('forbidden', rule.reason);
      if (rx.patientStatus !== 'active') throw new DomainError('unprocessable', `${rx.petName} is ${rx.patientStatus}; this refill cannot be approved.`);
      const day = clinicDay(rx.timezone);
      const lapse = prescriptionLapse(rx, day);
      if (lapse === 'not_active' || lapse === 'expired') throw new DomainError('unprocessable', `The prescription expired on ${rx.expiresOn}; write a new prescription, then approve.`);
      if (lapse === 'no_refills') throw new DomainError('unprocessable', `No refills left (${rx.refillsUsed} of ${rx.refillsAuthorized} used); write a new prescription, then approve.`);
      if (rx.controlledSchedule && principal.kind === 'user') {
        const dea = await tx
          .selectFrom('deaRegistrations as d')
          .innerJoin('prescribers as pr', 'pr.id', 'd.prescriberId')
          .select(['d.schedules'])
          .where('pr.userId', '=', principal.userId)
          .where('pr.clinicId', '=', clinicId)
          .where('d.state', '=', rx.clinicState)
          .where('d.expiresOn', '>=', day)
          .execute();
        const covers = dea.some((d) => d.schedules.includes(rx.controlledSchedule!) || d.schedules.includes(`${rx.controlledSchedule}N`));
        if (!covers) throw new DomainError('forbidden', `Your DEA registration in ${rx.clinicState} does not cover schedule ${rx.controlledSchedule}; a veterinarian whose registration does approves.`);
      }
      const overrides = (r.eligibility as EligibilityCheck[]).filter((c) => !c.ok).map((c) => c.check);

      if (rx.compounded) {
        const offer = await chooseOffer(tx, clinicId, rx.patientId, rx.medicationId, rx.clinicState, rx.quantity, day);
        if (!offer) throw new DomainError('unprocessable', `No partner pharmacy offers ${rx.medicationName} shipped to ${rx.clinicState}; the request stays open.`);
        const added = await addCartLinesIn(tx, principal, [
          { patientId: rx.patientId, offerId: offer.id, quantity: rx.quantity, sig: rx.sig, prescriberId: rx.prescriberId, shipTo: 'clinic', source: 'request', prescriptionId: rx.id },
        ]);
        const cartLineId = added.lineIds[0]!;
        // A veterinarian's approval signs the line off, bound to the content approved.
        const signed = allowed(principal, 'line.signoff') ? await recordSignoffs(tx, principal, { id: added.cartId }, [{ lineId: cartLineId }], { lenient: true }) : [];
        const vetSignoffBy = signed.length > 0 ? userIdOf(principal) : null;
        await tx.updateTable('refillRequests').set({ status: 'approved', cartLineId, ...decided }).where('id', '=', r.id).execute();
        await audit(tx, principal, { ...subject, action: 'refill_request.approved', detail: { cartLineId, cartId: added.cartId, offerId: offer.id, pharmacy: offer.pharmacyName, offerChoice: offer.why, vetSignoffBy, overrides, reason: decision.reason ?? null } }, at);
        await notify('request.approved');
        return { status: 'approved' as const, cartLineId, cartId: added.cartId };
      }
      await tx.updateTable('refillRequests').set({ status: 'to_dispense', ...decided }).where('id', '=', r.id).execute();
      await audit(tx, principal, { ...subject, action: 'refill_request.approved', detail: { dispense: 'clinic stock', overrides, reason: decision.reason ?? null, rule: rule.reason } }, at);
      await notify('request.approved');
      return { status: 'to_dispense' as const };
    });
  return { ...result, ...(await getRefillRequestIn(db, principal, id)) };
}

/** Marks an approved commercial refill dispensed: the refill is used, and the owner is told it is ready for pickup. */
export async function markDispensed(principal: Principal, id: string) {
  const clinicId = clinicScope(principal);
  if (principal.kind !== 'user' || !['technician', 'veterinarian', 'manager'].includes(principal.role)) {
    throw new DomainError('forbidden', 'A technician, veterinarian or manager marks a refill dispensed.');
  }
  const at = now();
  const db = getDb();
  await db
    .transaction()
    .execute(async (tx) => {
      const r = await lockRequest(tx, clinicId, id);
      if (r.status !== 'to_dispense') throw conflict(`Request ${r.reference} is ${r.status.replace('_', ' ')}, not waiting to be dispensed.`, { status: r.status });
      await tx.updateTable('refillRequests').set({ status: 'dispensed' }).where('id', '=', r.id).execute();
      if (r.prescriptionId) {
        await tx.updateTable('prescriptions').set((eb) => ({ refillsUsed: eb('refillsUsed', '+', 1) })).where('id', '=', r.prescriptionId).where('clinicId', '=', clinicId).execute();
      }
      await audit(tx, principal, { clinicId, subjectType: 'refill_request', subjectId: r.id, action: 'refill_request.dispensed', detail: { prescriptionId: r.prescriptionId } }, at);
      if (r.clientId) {
        await enqueueNotification(tx, { clinicId, clientId: r.clientId, template: 'order.ready_for_pickup', ...(r.patientId ? { patientId: r.patientId } : {}), refillRequestId: r.id, data: { reference: r.reference } });
      }
    });
  return getRefillRequestIn(db, principal, id);
}

async function simpleChange(principal: Principal, id: string, change: (tx: Tx, r: RefillRequest, at: Date) => Promise<{ action: string; detail?: Record<string, unknown> }>) {
  const clinicId = clinicScope(principal);
  const at = now();
  const db = getDb();
  await db
    .transaction()
    .execute(async (tx) => {
      const r = await lockRequest(tx, clinicId, id);
      const { action, detail } = await change(tx, r, at);
      await audit(tx, principal, { clinicId, subjectType: 'refill_request', subjectId: r.id, action, detail: detail ?? {} }, at);
    });
  return getRefillRequestIn(db, principal, id);
}

/** Assigns the request to the signed-in user (reminders then go to them). */
export function assignToMe(principal: Principal, id: string) {
  if (principal.kind !== 'user') throw new DomainError('forbidden', 'Only a person can take a request.');
  return simpleChange(principal, id, async (tx, r) => {
    requireOpen(r);
    await tx.updateTable('refillRequests').set({ assignedTo: principal.userId }).where('id', '=', r.id).execute();
    return { action: 'refill_request.assigned', detail: { to: principal.userId, name: principal.name, from: r.assignedTo } };
  });
}

/** Records that someone called the owner (the target of the front desk and prescription exceptions). */
export function markOwnerCalled(principal: Principal, id: string, note?: string) {
  return simpleChange(principal, id, async (tx, r, at) => {
    await tx.updateTable('refillRequests').set({ ownerCalledAt: at }).where('id', '=', r.id).execute();
    return { action: 'refill_request.owner_called', detail: note ? { note } : {} };
  });
}

/** A note on the request's history. */
export function addNote(principal: Principal, id: string, text: string) {
  return simpleChange(principal, id, async () => ({ action: 'refill_request.note', detail: { text } }));
}

/**
 * The front desk settles a match: picks the patient and prescription (from the candidates or
 * the patient's record). Eligibility and routing run again and the timers restart from the
 * original intake time, so a resolved request keeps its place in line.
 */
export async function resolveMatch(principal: Principal, id: string, input: { prescriptionId: string }) {
  const clinicId = clinicScope(principal);
  if (!isUuid(input.prescriptionId)) throw new DomainError('bad_request', 'Choose a prescription.', { prescriptionId: 'Choose a prescription.' });
  return simpleChange(principal, id, async (tx, r, at) => {
    requireOpen(r);
    const rx = await prescriptionFacts(tx, clinicId, input.prescriptionId);
    if (!rx) throw new DomainError('bad_request', 'No such prescription in this clinic.', { prescriptionId: 'not found' });
    const settings = readSlaSettings(rx.slaSettings);
    const matchChecks: EligibilityCheck[] = [
      { check: 'match.owner', ok: true, detail: `Confirmed by ${principal.kind === 'user' ? principal.name : 'API'}.` },
      { check: 'match.patient', ok: true, detail: `${rx.petName}.` },
      { check: 'match.prescription', ok: true, detail: `${rxName(rx)}.` },
    ];
    const checks = [...matchChecks, ...checkEligibility({ name: rx.petName, status: rx.patientStatus, lastWellnessExamOn: rx.lastWellnessExamOn }, rx, { wellnessWindowMonths: rx.wellnessWindowMonths }, settings, clinicDay(rx.timezone))];
    const urgency = effectiveUrgency({ urgency: r.urgency, dosesLeft: r.dosesLeft }, rx.sig, settings);
    const route = routeRequest({ problem: null }, checks, urgency);
    const timers = slaTimers(route.queue, r.createdAt, settings, rx.timezone);
    await tx
      .updateTable('refillRequests')
      .set({
        clientId: rx.clientId, patientId: rx.patientId, prescriptionId: rx.id, eligibility: json(checks), candidates: json([]), queue: route.queue, urgency,
        dueAt: timers.dueAt, remindAt: timers.remindAt, escalateAt: timers.escalateAt,
        // A timer that already fired stays fired; new ones are due only if still ahead.
        remindedAt: timers.remindAt.getTime() <= at.getTime() ? r.remindedAt : null,
        escalatedAt: timers.escalateAt.getTime() <= at.getTime() ? r.escalatedAt : null,
      })
      .where('id', '=', r.id)
      .execute();
    await scheduleTimers(tx, r.id, timers);
    return { action: 'refill_request.resolved', detail: { patientId: rx.patientId, prescriptionId: rx.id, queue: route.queue, reason: route.reason, failed: checks.filter((c) => !c.ok).map((c) => c.check) } };
  });
}
