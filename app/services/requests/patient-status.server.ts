/**
 * What a patient leaving the clinic's books means for requests and reminders: a deceased
 * patient's open requests are cancelled (with the reason, audited), and no reminder is sent for
 * a patient who is not active. The sweep and the dispatch already skip such patients
 * (reminders.server.ts); this suppresses the reminders already scheduled, at once, so the
 * owner's page and the reports show them stopped.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import type { RequestStatus } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { userIdOf, type Principal } from '../identity/principal';

type Tx = Transaction<Database>;

/** Requests still waiting on the clinic (an approved one only while its cart line is being withdrawn). */
const WAITING: readonly RequestStatus[] = ['open', 'exam_requested', 'to_dispense'];

/**
 * Cancels the patient's waiting requests, and approved ones whose cart line was just removed
 * (`removedLineIds`), each audited with `reason`. Answers the cancelled requests' ids.
 */
export async function cancelPatientRequests(tx: Tx, principal: Principal, clinicId: string, patientId: string, reason: string, removedLineIds: string[], at: Date): Promise<string[]> {
  const rows = await tx
    .updateTable('refillRequests')
    .set({ status: 'cancelled', decidedAt: at, decidedBy: userIdOf(principal), decisionReason: reason })
    .where('clinicId', '=', clinicId)
    .where('patientId', '=', patientId)
    .where((eb) =>
      eb.or([
        eb('status', 'in', [...WAITING]),
        ...(removedLineIds.length ? [eb.and([eb('status', '=', 'approved'), eb('cartLineId', 'in', removedLineIds)])] : []),
      ]),
    )
    .returning(['id', 'reference'])
    .execute();
  await audit(
    tx,
    principal,
    rows.map((r) => ({ clinicId, action: 'refill_request.cancelled', subjectType: 'refill_request', subjectId: r.id, detail: { reason, reference: r.reference } })),
    at,
  );
  return rows.map((r) => r.id);
}

/** Suppresses the patient's scheduled reminders (`patient_deceased` or `patient_inactive`); answers how many. */
export async function suppressPatientReminders(tx: Tx, clinicId: string, patientId: string, reason: 'patient_deceased' | 'patient_inactive'): Promise<number> {
  const result = await tx
    .updateTable('refillReminders')
    .set({ status: 'suppressed', reason })
    .where('clinicId', '=', clinicId)
    .where('status', '=', 'scheduled')
    .where('prescriptionId', 'in', tx.selectFrom('prescriptions').select('id').where('patientId', '=', patientId).where('clinicId', '=', clinicId))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
