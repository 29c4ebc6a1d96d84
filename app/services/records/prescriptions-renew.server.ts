/**
 * Renewing prescriptions (docs/records.md, "Renewals"): a renewal is a new prescription by the
 * acting veterinarian that supersedes the old one (kept, `superseded`, in history). It meets
 * the same writing rules as a new prescription, settles the open renewal request, and the open
 * carts' lines that filled the old prescription follow it. One or fifty in one action.
 */
import type { Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { checkPrescriptionWriting, defaultExpiry, requiredDeaSchedule, scheduleForMedicationName, type WritingProblem } from '../../../validators/prescriptions';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { followRenewals } from '../cart/index.server';
import { now } from '../platform/clock.server';
import { DomainError, badRequest, conflict, notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { prescriptionViews, type PrescriptionView } from './prescriptions.server';
import { DECEASED, actingVet, checkCounts, clinicFacts, sigProblem, throwProblems, type ActingOption, type RenewalInput } from './prescriptions-write.server';
import { settleRenewed } from './renewals-store.server';

type Tx = Transaction<Database>;

/** One prescription to renew, with what the renewal changes. `path` prefixes field names in a batch (`items.3.`). */
export type RenewalItem = { prescriptionId: string; input: RenewalInput; path?: string };

/**
 * Renews prescriptions in one transaction, all or none: each becomes a new prescription by the
 * acting veterinarian (same patient, medication, quantity and SIG unless changed; written
 * today; refills and expiry as given, or as before and by the clinic's policy) that supersedes
 * it. Settles their renewal requests and moves the open carts' lines onto the renewals. Set
 * based: a fixed number of queries whatever the number of prescriptions.
 */
export async function renewPrescriptions(tx: Tx, principal: Principal, items: readonly RenewalItem[], opts: ActingOption = {}): Promise<PrescriptionView[]> {
  const clinicId = clinicScope(principal);
  if (items.length === 0) return [];
  const vet = await actingVet(tx, principal, opts);
  const ids = items.map((i) => i.prescriptionId);
  if (!ids.every(isUuid)) throw notFound('Prescription');
  if (new Set(ids).size !== ids.length) throw badRequest('Each prescription is renewed once.', { prescriptionId: 'Listed twice.' });
  const olds = await tx
    .selectFrom('prescriptions as rx')
    .innerJoin('patients as p', 'p.id', 'rx.patientId')
    .leftJoin('medications as m', 'm.id', 'rx.medicationId')
    .select([
      'rx.id', 'rx.patientId', 'rx.medicationId', 'rx.medicationName', 'rx.sig', 'rx.quantity', 'rx.quantityUnit', 'rx.refillsAuthorized', 'rx.status', 'rx.lastDoseChangeOn',
      'p.name as patientName', 'p.status as patientStatus', 'm.name as catalogName', 'm.controlledSchedule', 'm.form',
      (eb) => eb.selectFrom('prescriptions as next').select('next.id').whereRef('next.supersedesId', '=', 'rx.id').as('renewedBy'),
    ])
    .where('rx.id', 'in', ids)
    .where('rx.clinicId', '=', clinicId)
    .forUpdate('rx')
    .execute();
  const byId = new Map(olds.map((o) => [o.id, o]));
  const clinic = await clinicFacts(tx, clinicId);
  const problems: (WritingProblem & { path?: string })[] = [];
  const fieldProblems: Record<string, string> = {};
  const rows = items.map((item) => {
    const old = byId.get(item.prescriptionId);
    if (!old) throw notFound('Prescription');
    const p = item.path ?? '';
    if (old.status === 'superseded' || old.renewedBy) throw conflict(`${old.patientName}'s prescription was already renewed; renew the current one.`, { supersededById: old.renewedBy });
    if (old.status === 'discontinued' || old.status === 'cancelled') throw conflict(`${old.patientName}'s prescription was ${old.status}; write a new one instead.`, { status: old.status });
    if (old.patientStatus === 'deceased') throw new DomainError('unprocessable', DECEASED(old.patientName), { [`${p}patientId`]: DECEASED(old.patientName) });
    const sig = item.input.sig?.trim() || old.sig;
    const quantity = item.input.quantity ?? old.quantity;
    const refills = item.input.refillsAuthorized ?? old.refillsAuthorized;
    const name = old.catalogName ?? old.medicationName ?? '';
    const schedule = old.medicationId ? (old.controlledSchedule ?? null) : scheduleForMedicationName(name);
    const sigIssue = item.input.sig ? sigProblem(item.input.sig, old.form) : null;
    if (sigIssue) fieldProblems[`${p}sig`] = sigIssue;
    const counts: Record<string, string> = {};
    checkCounts(quantity, refills, counts);
    for (const [k, v] of Object.entries(counts)) fieldProblems[`${p}${k}`] = v;
    const expiresOn = item.input.expiresOn || defaultExpiry(clinic.today, schedule, clinic.policyMonths);
    for (const problem of checkPrescriptionWriting({
      today: clinic.today,
      clinicState: clinic.state,
      schedule,
      requiredDea: requiredDeaSchedule({ name, controlledSchedule: schedule }),
      prescriber: vet.prescriber,
      writtenOn: clinic.today,
      expiresOn,
      refillsAuthorized: refills,
    })) {
      problems.push({ ...problem, path: problem.field === 'actingUserId' ? 'actingUserId' : `${p}${problem.field}` });
    }
    return { old, sig, quantity, refills, expiresOn, schedule, name, sigChanged: sig !== old.sig };
  });
  if (Object.keys(fieldProblems).length) throw badRequest(Object.values(fieldProblems)[0]!, fieldProblems);
  throwProblems(problems);

  const at = now();
  const inserted = await tx
    .insertInto('prescriptions')
    .values(
      rows.map((r) => ({
        clinicId,
        patientId: r.old.patientId,
        prescriberId: vet.prescriberId!,
        medicationId: r.old.medicationId,
        medicationName: r.old.medicationId ? null : r.old.medicationName,
        sig: r.sig,
        quantity: r.quantity,
        quantityUnit: r.old.quantityUnit,
        refillsAuthorized: r.refills,
        writtenOn: clinic.today,
        expiresOn: r.expiresOn,
        lastDoseChangeOn: r.sigChanged ? clinic.today : r.old.lastDoseChangeOn,
        supersedesId: r.old.id,
        writtenBy: vet.userId,
        createdAt: at,
      })),
    )
    .returning(['id', 'supersedesId'])
    .execute();
  const renewalOf = new Map(inserted.map((r) => [r.supersedesId!, r.id]));
  await tx.updateTable('prescriptions').set({ status: 'superseded' }).where('id', 'in', ids).execute();
  const pairs = ids.map((id) => ({ prescriptionId: id, renewalId: renewalOf.get(id)! }));
  await settleRenewed(tx, clinicId, pairs, vet.userId, at);
  await followRenewals(tx, vet.actor, clinicId, pairs.map((pair) => ({ from: pair.prescriptionId, to: pair.renewalId, prescriberId: vet.prescriberId! })), at);
  await audit(
    tx,
    vet.actor,
    rows.flatMap((r) => {
      const renewalId = renewalOf.get(r.old.id)!;
      const via = vet.via ? { via: vet.via } : {};
      return [
        {
          clinicId,
          action: 'prescription.renewed',
          subjectType: 'prescription',
          subjectId: renewalId,
          detail: { supersedesId: r.old.id, patientId: r.old.patientId, medication: r.name, schedule: r.schedule, sig: r.sig, quantity: r.quantity, refillsAuthorized: r.refills, writtenOn: clinic.today, expiresOn: r.expiresOn, prescriberId: vet.prescriberId, ...via },
        },
        { clinicId, action: 'prescription.superseded', subjectType: 'prescription', subjectId: r.old.id, detail: { supersededById: renewalId, ...via } },
      ];
    }),
    at,
  );
  return prescriptionViews(tx, clinicId, ids.map((id) => renewalOf.get(id)!), clinic.today);
}

/** Renews one prescription (`POST /api/v1/prescriptions/:id/renew`, the prescription page). */
export function renewPrescription(principal: Principal, id: string, input: RenewalInput, opts: ActingOption = {}): Promise<PrescriptionView> {
  return getDb().transaction().execute((tx) => renewPrescriptionIn(tx, principal, id, input, opts));
}

/** `renewPrescription` inside the caller's transaction (the API's idempotent renewal). */
export async function renewPrescriptionIn(tx: Tx, principal: Principal, id: string, input: RenewalInput, opts: ActingOption = {}): Promise<PrescriptionView> {
  return (await renewPrescriptions(tx, principal, [{ prescriptionId: id, input }], opts))[0]!;
}
