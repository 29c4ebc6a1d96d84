/**
 * The rows behind renewal requests that several writers settle: a renewal (from a batch, the
 * prescription page or the API) settles the open request for the prescription it renews; a
 * discontinued prescription cancels its request; a batch whose every request is settled is
 * done; a patient recorded as deceased cancels its open requests. Shared by
 * `prescriptions-write.server.ts`, `renewals.server.ts` and `patients-write.server.ts`.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../../db/schema';

type Db = Kysely<Database>;

/** Marks the open requests for renewed prescriptions `renewed`, naming each renewal; closes batches left with nothing open. */
export async function settleRenewed(tx: Db, clinicId: string, renewed: readonly { prescriptionId: string; renewalId: string }[], decidedBy: string | null, at: Date): Promise<string[]> {
  if (renewed.length === 0) return [];
  const values = sql.join(renewed.map((r) => sql`(${r.prescriptionId}::uuid, ${r.renewalId}::uuid)`));
  const rows = await sql<{ id: string; batchId: string }>`
    update renewal_requests rr set status = 'renewed', renewal_id = v.renewal_id, decided_by = ${decidedBy}, decided_at = ${at}
    from (values ${values}) as v(prescription_id, renewal_id)
    where rr.clinic_id = ${clinicId} and rr.status = 'open' and rr.prescription_id = v.prescription_id
    returning rr.id, rr.batch_id as "batchId"`.execute(tx);
  await closeFinishedBatches(tx, rows.rows.map((r) => r.batchId), at);
  return rows.rows.map((r) => r.id);
}

/**
 * Cancels open requests that can no longer be renewed, with the reason: those of the given
 * prescriptions (discontinued) or of a patient (recorded as deceased). Closes the batches left
 * with nothing open; answers the cancelled requests with their prescription and batch.
 */
export async function cancelRenewalRequests(
  tx: Db,
  clinicId: string,
  which: { prescriptionIds: readonly string[] } | { patientId: string },
  reason: string,
  decidedBy: string | null,
  at: Date,
): Promise<{ id: string; batchId: string; prescriptionId: string }[]> {
  if ('prescriptionIds' in which && which.prescriptionIds.length === 0) return [];
  const rows = await tx
    .updateTable('renewalRequests')
    .set({ status: 'cancelled', declineReason: reason.slice(0, 500), decidedBy, decidedAt: at })
    .where('clinicId', '=', clinicId)
    .where('status', '=', 'open')
    .where((eb) => ('patientId' in which ? eb('patientId', '=', which.patientId) : eb('prescriptionId', 'in', which.prescriptionIds)))
    .returning(['id', 'batchId', 'prescriptionId'])
    .execute();
  await closeFinishedBatches(tx, rows.map((r) => r.batchId), at);
  return rows;
}

/** Marks done the given batches that hold no open request any more. */
export async function closeFinishedBatches(tx: Db, batchIds: readonly string[], at: Date): Promise<void> {
  const ids = [...new Set(batchIds)];
  if (ids.length === 0) return;
  await tx
    .updateTable('renewalBatches as b')
    .set({ status: 'done', closedAt: at })
    .where('b.id', 'in', ids)
    .where('b.status', '=', 'open')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('renewalRequests as rr').select('rr.id').whereRef('rr.batchId', '=', 'b.id').where('rr.status', '=', 'open'))))
    .execute();
}
