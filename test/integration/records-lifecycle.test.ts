import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { getDb } from '../../db/client';
import { json } from '../../db/json';
import { DEMO_API_KEYS, DEMO_IDS } from '../../db/seed';
import * as apiPatient from '../../app/routes/api.v1.patients.$id';
import { addCartLines } from '../../app/services/cart/index.server';
import type { Principal } from '../../app/services/identity/principal';
import { PET_DECEASED_REASON, writeNotification } from '../../app/services/owners/notifications.server';
import { drainJobs } from '../../app/services/platform/jobs.server';
import { registerAllTasks } from '../../app/services/platform/tasks.server';
import { updatePatient } from '../../app/services/records/index.server';
import { dispatchReminders, scheduleReminders } from '../../app/services/requests/index.server';
import { call, request } from '../support/requests';
import { demoToday } from '../support/demo-day';

// A patient leaving the books: deceased cancels its open cart lines, waiting refill requests and
// open renewal requests (with the reason, audited), keeps its owner messages unsent and stops its
// reminders; inactive stops reminders and leaves the cart, the requests and the messages.

const clinicId = DEMO_IDS.riverside;
const tech: Principal = { kind: 'user', userId: DEMO_IDS.user('tech@riverside.example'), name: 'Tina Morales', email: 'tech@riverside.example', role: 'technician', clinicId, pharmacyId: null };

beforeAll(async () => {
  registerAllTasks();
  await scheduleReminders();
  await drainJobs();
});

let used = new Set<string>();

/** An active patient with an active prescription and a past fill, set up with a cart line, requests and a scheduled reminder. */
async function patientWithEverything() {
  const r = await sql<{ patientId: string; name: string; prescriptionId: string; offerId: string; prescriberId: string; sig: string; clientId: string }>`
    select p.id as patient_id, p.name, rx.id as prescription_id, ol.offer_id, rx.prescriber_id, ol.sig, p.client_id
    from patients p
    join prescriptions rx on rx.patient_id = p.id and rx.status = 'active'
    join order_lines ol on ol.prescription_id = rx.id
    join offers o on o.id = ol.offer_id and o.available
    where p.clinic_id = ${clinicId} and p.status = 'active' and p.merged_into_id is null
    order by p.id limit 40`.execute(getDb());
  const row = r.rows.find((x) => !used.has(x.patientId))!;
  used = new Set([...used, row.patientId]);
  const added = await addCartLines(tech, [{ patientId: row.patientId, offerId: row.offerId, quantity: 1, sig: row.sig, prescriberId: row.prescriberId, shipTo: 'clinic', prescriptionId: row.prescriptionId }]);
  const lineId = added.lineIds[0]!;
  const request = (status: 'open' | 'approved', cartLineId: string | null, reference: string) => ({
    clinicId, reference, channel: 'web' as const, raw: json({}), ownerName: 'Owner', patientName: row.name, medicationText: 'as before',
    queue: 'tech_standard' as const, dueAt: new Date(Date.now() + 3_600_000), clientId: row.clientId, patientId: row.patientId,
    prescriptionId: row.prescriptionId, status, cartLineId,
  });
  const requests = await getDb()
    .insertInto('refillRequests')
    .values([request('open', null, `RQ-LC-${row.patientId.slice(0, 6)}-1`), request('approved', lineId, `RQ-LC-${row.patientId.slice(0, 6)}-2`)])
    .returning('id')
    .execute();
  const today = demoToday();
  const reminder = await getDb()
    .insertInto('refillReminders')
    .values({ clinicId, prescriptionId: row.prescriptionId, dueOn: today, remindOn: today, status: 'scheduled' })
    .onConflict((oc) => oc.columns(['prescriptionId', 'dueOn']).doUpdateSet({ status: 'scheduled', reason: null }))
    .returning('id')
    .executeTakeFirstOrThrow();
  // An open renewal request in the prescriber's batch, and an owner message still waiting about the pet.
  const batch =
    (await getDb().selectFrom('renewalBatches').select('id').where('clinicId', '=', clinicId).where('prescriberId', '=', row.prescriberId).where('status', '=', 'open').executeTakeFirst()) ??
    (await getDb()
      .insertInto('renewalBatches')
      .values({ clinicId, prescriberId: row.prescriberId, dueAt: new Date(Date.now() + 86_400_000), remindAt: new Date(Date.now() + 43_200_000), escalateAt: new Date(Date.now() + 172_800_000) })
      .returning('id')
      .executeTakeFirstOrThrow());
  const renewal = await getDb()
    .insertInto('renewalRequests')
    .values({ clinicId, batchId: batch.id, prescriptionId: row.prescriptionId, patientId: row.patientId, reason: 'no_refills', requestedBy: DEMO_IDS.user('tech@riverside.example') })
    .returning('id')
    .executeTakeFirstOrThrow();
  const message = await getDb()
    .insertInto('notifications')
    .values({ clinicId, clientId: row.clientId, channel: 'email', template: 'order.ready_for_pickup', toAddress: 'owner@example.com', subject: 'Ready', body: `${row.name}'s refill is ready.`, patientId: row.patientId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...row, lineId, requestIds: requests.map((x) => x.id), reminderId: reminder.id, renewalId: renewal.id, batchId: batch.id, messageId: message.id };
}

describe('a patient leaving the books', () => {
  it('deceased: removes its open cart lines, cancels its waiting and approved-in-cart requests with the reason, and stops reminders', async () => {
    const p = await patientWithEverything();
    const res = await call(apiPatient.action as never, request(`/api/v1/patients/${p.patientId}`, { method: 'PATCH', apiKey: DEMO_API_KEYS.riverside, json: { status: 'deceased', deceasedOn: demoToday() } }), { id: p.patientId });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { patient: { status: string; deceasedOn: string }; effects: Record<string, number> };
    expect(body.patient).toMatchObject({ status: 'deceased', deceasedOn: demoToday() });
    expect(body.effects).toMatchObject({ cartLinesRemoved: 1, requestsCancelled: 2, renewalsCancelled: 1, messagesSuppressed: 1, remindersStopped: 1, cartLinesHeldByCheckout: 0 });

    const line = await getDb().selectFrom('cartLines').select(['removedAt']).where('id', '=', p.lineId).executeTakeFirstOrThrow();
    expect(line.removedAt).not.toBeNull();
    const lineAudit = await getDb().selectFrom('auditEvents').select(['detail']).where('subjectId', '=', p.lineId).where('action', '=', 'cart.line_removed').executeTakeFirstOrThrow();
    expect((lineAudit.detail as { reason: string }).reason).toBe(`${p.name} died on ${demoToday()}.`);

    const requests = await getDb().selectFrom('refillRequests').select(['id', 'status', 'decisionReason']).where('id', 'in', p.requestIds).execute();
    expect(requests.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(requests.every((r) => r.decisionReason === `${p.name} died on ${demoToday()}.`)).toBe(true);
    const requestAudit = await getDb().selectFrom('auditEvents').select('subjectId').where('action', '=', 'refill_request.cancelled').where('subjectId', 'in', p.requestIds).execute();
    expect(requestAudit).toHaveLength(2);

    // The renewal asked of the veterinarian is cancelled with the reason, audited; its batch closes when nothing else waits in it.
    const renewal = await getDb().selectFrom('renewalRequests').select(['status', 'declineReason', 'decidedAt']).where('id', '=', p.renewalId).executeTakeFirstOrThrow();
    expect(renewal).toMatchObject({ status: 'cancelled', declineReason: `${p.name} died on ${demoToday()}.` });
    expect(renewal.decidedAt).not.toBeNull();
    const renewalAudit = await getDb().selectFrom('auditEvents').select(['detail']).where('subjectId', '=', p.prescriptionId).where('action', '=', 'prescription.renewal_cancelled').executeTakeFirstOrThrow();
    expect(renewalAudit.detail).toMatchObject({ requestId: p.renewalId, batchId: p.batchId });
    const batch = await getDb().selectFrom('renewalBatches').select('status').where('id', '=', p.batchId).executeTakeFirstOrThrow();
    const stillOpen = await getDb().selectFrom('renewalRequests').select('id').where('batchId', '=', p.batchId).where('status', '=', 'open').execute();
    expect(batch.status).toBe(stillOpen.length ? 'open' : 'done');

    // The owner hears nothing more about the pet: the waiting message is kept unsent, a new one is written suppressed.
    const waiting = await getDb().selectFrom('notifications').select(['status', 'lastError']).where('id', '=', p.messageId).executeTakeFirstOrThrow();
    expect(waiting).toEqual({ status: 'suppressed', lastError: PET_DECEASED_REASON });
    const later = await writeNotification(getDb(), { clinicId, clientId: p.clientId, template: 'order.ready_for_pickup', patientId: p.patientId, data: {}, dedupeKey: `lifecycle-after-death:${p.patientId}` });
    expect(later).toMatchObject({ status: 'suppressed', reason: PET_DECEASED_REASON });
    const aboutRequest = await writeNotification(getDb(), { clinicId, clientId: p.clientId, template: 'request.denied', refillRequestId: p.requestIds[0]!, data: {}, dedupeKey: `lifecycle-after-death-rq:${p.patientId}` });
    expect(aboutRequest).toMatchObject({ status: 'suppressed', reason: PET_DECEASED_REASON });

    const reminder = await getDb().selectFrom('refillReminders').select(['status', 'reason']).where('id', '=', p.reminderId).executeTakeFirstOrThrow();
    expect(reminder).toEqual({ status: 'suppressed', reason: 'patient_deceased' });
    // Later sweeps and dispatches send nothing for the patient.
    await scheduleReminders();
    await dispatchReminders();
    await drainJobs();
    const sent = await getDb()
      .selectFrom('notifications')
      .select('id')
      .where('patientId', '=', p.patientId)
      .where('template', '=', 'refill.reminder')
      .where('createdAt', '>', new Date(Date.now() - 60_000))
      .execute();
    expect(sent).toEqual([]);
    const statusAudit = await getDb().selectFrom('auditEvents').select(['detail', 'actorLabel']).where('subjectId', '=', p.patientId).where('action', '=', 'patient.status_changed').executeTakeFirstOrThrow();
    expect(statusAudit.detail).toMatchObject({ from: 'active', to: 'deceased', cartLinesRemoved: 1, requestsCancelled: 2, renewalsCancelled: 1, messagesSuppressed: 1 });
  });

  it('inactive: stops reminders but leaves the cart and requests to the staff', async () => {
    const p = await patientWithEverything();
    const { patient, effects } = await updatePatient(tech, p.patientId, { status: 'inactive' });
    expect(patient.status).toBe('inactive');
    expect(effects).toMatchObject({ remindersStopped: 1, cartLinesRemoved: 0, requestsCancelled: 0, renewalsCancelled: 0, messagesSuppressed: 0 });
    const renewal = await getDb().selectFrom('renewalRequests').select('status').where('id', '=', p.renewalId).executeTakeFirstOrThrow();
    expect(renewal.status).toBe('open');
    const message = await getDb().selectFrom('notifications').select('status').where('id', '=', p.messageId).executeTakeFirstOrThrow();
    expect(message.status).toBe('pending');
    const reminder = await getDb().selectFrom('refillReminders').select(['status', 'reason']).where('id', '=', p.reminderId).executeTakeFirstOrThrow();
    expect(reminder).toEqual({ status: 'suppressed', reason: 'patient_inactive' });
    const line = await getDb().selectFrom('cartLines').select(['removedAt']).where('id', '=', p.lineId).executeTakeFirstOrThrow();
    expect(line.removedAt).toBeNull();
    const open = await getDb().selectFrom('refillRequests').select('status').where('id', 'in', p.requestIds).execute();
    expect(open.map((r) => r.status).sort()).toEqual(['approved', 'open']);
    // Back to active: the record changes, nothing is restored behind the staff's back.
    const back = await updatePatient(tech, p.patientId, { status: 'active' });
    expect(back.patient.status).toBe('active');
    expect(back.effects).toMatchObject({ remindersStopped: 0 });
  });
});
