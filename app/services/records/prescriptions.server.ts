/**
 * Reading prescriptions (docs/records.md, "Prescriptions"): the clinic's list with filters, one
 * prescription with its lineage (the prescriptions it renews and that renew it), and the one
 * API shape. A renewal is a new prescription whose `supersedesId` names the old one, so "the
 * prescription in force" of an old one is the end of that chain (`currentPrescriptions`).
 * Writing, renewing and discontinuing are `prescriptions-write.server.ts`.
 */
import { sql, type Kysely } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database, PrescriptionStatus } from '../../../db/schema';
import { addDays, isUuid } from '../../../validators/vocabulary';
import { refillsLeft } from '../../../validators/prescriptions';
import { medicationDisplayName } from '../catalog/sql.server';
import { notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { clinicToday } from './clinics.server';
import { clientFullName } from './sql.server';

type Db = Kysely<Database>;

/** A prescription's medication as written: the catalog's label, or the product name typed for one outside the catalog. */
export const prescriptionMedicationName = () => sql<string>`coalesce(${medicationDisplayName('m')}, rx.medication_name)`;

/** What the list and the API show of one prescription. */
function baseQuery(db: Db, clinicId: string) {
  return db
    .selectFrom('prescriptions as rx')
    .leftJoin('medications as m', 'm.id', 'rx.medicationId')
    .innerJoin('prescribers as pr', 'pr.id', 'rx.prescriberId')
    .innerJoin('patients as p', 'p.id', 'rx.patientId')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .select([
      'rx.id', 'rx.patientId', 'p.name as patientName', 'p.species', 'p.status as patientStatus', clientFullName().as('ownerName'),
      'rx.medicationId', prescriptionMedicationName().as('medicationName'), 'm.controlledSchedule', 'm.compounded',
      'rx.sig', 'rx.quantity', 'rx.quantityUnit', 'rx.refillsAuthorized', 'rx.refillsUsed', 'rx.writtenOn', 'rx.expiresOn', 'rx.status',
      'rx.prescriberId', 'pr.name as prescriberName', 'rx.supersedesId', 'rx.standingOrder', 'rx.writtenBy',
      'rx.discontinuedAt', 'rx.discontinuedReason', 'rx.createdAt', originalFillPending('rx').as('originalFillPending'),
      (eb) => eb.selectFrom('prescriptions as next').select('next.id').whereRef('next.supersedesId', '=', 'rx.id').as('supersededById'),
    ])
    .where('rx.clinicId', '=', clinicId);
}
type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

/**
 * The status a person should read: an `active` prescription past its expiry is `expired`
 * even before anything rewrites the row.
 */
export function effectiveStatus(rx: { status: PrescriptionStatus; expiresOn: string }, today: string): PrescriptionStatus {
  return rx.status === 'active' && rx.expiresOn < today ? 'expired' : rx.status;
}

/** One prescription as the API answers it (`{prescription:{…}}`). */
export function prescriptionView(r: Row, today: string) {
  return {
    id: r.id,
    patientId: r.patientId,
    patientName: r.patientName,
    medicationId: r.medicationId,
    medicationName: r.medicationName,
    controlledSchedule: r.controlledSchedule ?? null,
    compounded: r.compounded ?? false,
    sig: r.sig,
    quantity: r.quantity,
    quantityUnit: r.quantityUnit,
    refillsAuthorized: r.refillsAuthorized,
    refillsUsed: r.refillsUsed,
    refillsLeft: refillsLeft(r),
    writtenOn: r.writtenOn,
    expiresOn: r.expiresOn,
    status: effectiveStatus(r, today),
    prescriberId: r.prescriberId,
    prescriberName: r.prescriberName,
    supersedesId: r.supersedesId,
    supersededById: r.supersededById ?? null,
    discontinued: r.discontinuedAt ? { at: r.discontinuedAt.toISOString(), reason: r.discontinuedReason } : null,
  };
}
export type PrescriptionView = ReturnType<typeof prescriptionView>;

/** Prescriptions by id, shaped for the API (writes answer with these). */
export async function prescriptionViews(db: Db, clinicId: string, ids: string[], today: string): Promise<PrescriptionView[]> {
  if (ids.length === 0) return [];
  const rows = await baseQuery(db, clinicId).where('rx.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [prescriptionView(byId.get(id)!, today)] : []));
}

/** The list's filters: `needs_renewal` is an effective-active prescription out of refills, or an expired one. */
export type PrescriptionListQuery = {
  q?: string;
  status?: PrescriptionStatus | 'needs_renewal';
  prescriberId?: string;
  patientId?: string;
  controlled?: boolean;
  /** Effective-active prescriptions expiring within this many days. */
  expiringWithinDays?: number;
  limit?: number;
  offset?: number;
};

/** `/prescriptions`: the clinic's prescriptions, newest first, filtered; with the total for paging. */
export async function listPrescriptions(principal: Principal, query: PrescriptionListQuery = {}) {
  const clinicId = clinicScope(principal);
  const db = getDb();
  const today = await clinicToday(db, clinicId);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const offset = Math.max(query.offset ?? 0, 0);
  let q = baseQuery(db, clinicId);
  const text = query.q?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    q = q.where((eb) => eb.or([eb('p.name', 'ilike', like), eb(clientFullName(), 'ilike', like), eb(prescriptionMedicationName(), 'ilike', like), eb('pr.name', 'ilike', like)]));
  }
  if (query.prescriberId) q = isUuid(query.prescriberId) ? q.where('rx.prescriberId', '=', query.prescriberId) : q.where(sql<boolean>`false`);
  if (query.patientId) q = isUuid(query.patientId) ? q.where('rx.patientId', '=', query.patientId) : q.where(sql<boolean>`false`);
  if (query.controlled !== undefined) q = q.where('m.controlledSchedule', query.controlled ? 'is not' : 'is', null);
  const status = query.status;
  if (status === 'active') q = q.where('rx.status', '=', 'active').where('rx.expiresOn', '>=', today);
  else if (status === 'expired') q = q.where((eb) => eb.or([eb('rx.status', '=', 'expired'), eb.and([eb('rx.status', '=', 'active'), eb('rx.expiresOn', '<', today)])]));
  else if (status === 'needs_renewal') {
    q = q.where((eb) =>
      eb.or([eb('rx.status', '=', 'expired'), eb.and([eb('rx.status', '=', 'active'), eb.or([eb('rx.expiresOn', '<', today), eb.and([eb('rx.refillsUsed', '>=', eb.ref('rx.refillsAuthorized')), eb.not(originalFillPending('rx'))])])])]),
    );
  } else if (status) q = q.where('rx.status', '=', status);
  if (query.expiringWithinDays !== undefined) {
    q = q.where('rx.status', '=', 'active').where('rx.expiresOn', '>=', today).where('rx.expiresOn', '<=', addDays(today, query.expiringWithinDays));
  }
  const [rows, total] = await Promise.all([
    q.orderBy('rx.writtenOn', 'desc').orderBy('rx.createdAt', 'desc').orderBy('rx.id').limit(limit).offset(offset).execute(),
    q.clearSelect().select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { today, total: Number(total.n), prescriptions: rows.map((r) => prescriptionView(r, today)) };
}

/**
 * One prescription with what a veterinarian reads before renewing or discontinuing it: the
 * patient, its lineage (oldest first: what it renewed and what renewed it), its fills, its
 * open renewal request and its audit trail.
 */
export async function getPrescription(principal: Principal, id: string) {
  const clinicId = clinicScope(principal);
  if (!isUuid(id)) throw notFound('Prescription');
  const db = getDb();
  const today = await clinicToday(db, clinicId);
  const row = await baseQuery(db, clinicId).where('rx.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Prescription');
  const lineageIds = await lineageOf(db, clinicId, id);
  const [lineage, patient, fills, renewal, events] = await Promise.all([
    prescriptionViews(db, clinicId, lineageIds, today),
    db.selectFrom('patients').select(['id', 'name', 'species', 'status', 'weightKg', 'lastWellnessExamOn']).where('id', '=', row.patientId).executeTakeFirstOrThrow(),
    db
      .selectFrom('orderLines as ol')
      .innerJoin('orders as o', 'o.id', 'ol.orderId')
      .innerJoin('pharmacies as ph', 'ph.id', 'o.pharmacyId')
      .select(['ol.id', 'ol.orderId', 'ol.quantity', 'ol.filledOn', 'o.status', 'o.createdAt', 'ph.name as pharmacyName'])
      .where('ol.prescriptionId', 'in', lineageIds)
      .where('ol.clinicId', '=', clinicId)
      .orderBy('o.createdAt', 'desc')
      .limit(50)
      .execute(),
    db
      .selectFrom('renewalRequests as rr')
      .innerJoin('renewalBatches as b', 'b.id', 'rr.batchId')
      .innerJoin('prescribers as pr', 'pr.id', 'b.prescriberId')
      .select(['rr.id', 'rr.batchId', 'rr.reason', 'rr.createdAt', 'pr.name as prescriberName', 'b.dueAt'])
      .where('rr.prescriptionId', '=', id)
      .where('rr.status', '=', 'open')
      .where('rr.clinicId', '=', clinicId)
      .executeTakeFirst(),
    db
      .selectFrom('auditEvents')
      .select(['at', 'actorLabel', 'action', 'detail'])
      .where('clinicId', '=', clinicId)
      .where('subjectType', '=', 'prescription')
      .where('subjectId', 'in', lineageIds)
      .orderBy('at')
      .orderBy('id')
      .execute(),
  ]);
  return {
    today,
    prescription: prescriptionView(row, today),
    ownerName: row.ownerName,
    patient,
    lineage,
    fills: fills.map((f) => ({ ...f, createdAt: f.createdAt.toISOString() })),
    openRenewal: renewal ? { ...renewal, createdAt: renewal.createdAt.toISOString(), dueAt: renewal.dueAt.toISOString() } : null,
    history: events.map((e) => ({ at: e.at.toISOString(), actor: e.actorLabel, action: e.action, detail: e.detail })),
  };
}

/** Ids of the prescriptions renewed into `id` and renewing it, oldest first (bounded: a lineage is short). */
async function lineageOf(db: Db, clinicId: string, id: string): Promise<string[]> {
  const rows = await sql<{ id: string; depth: number }>`
    with recursive back(id, supersedes_id, depth) as (
      select id, supersedes_id, 0 from prescriptions where id = ${id} and clinic_id = ${clinicId}
      union all
      select rx.id, rx.supersedes_id, back.depth - 1 from prescriptions rx join back on rx.id = back.supersedes_id where back.depth > -100
    ), forward(id, depth) as (
      select id, 0 from prescriptions where id = ${id} and clinic_id = ${clinicId}
      union all
      select rx.id, forward.depth + 1 from prescriptions rx join forward on rx.supersedes_id = forward.id where forward.depth < 100
    )
    select id, depth from back union select id, depth from forward order by depth`.execute(db);
  return rows.rows.map((r) => r.id);
}

/**
 * Whether a prescription's original fill is still owed: written in vialcart (`written_by`), no
 * refill dispensed and no order line filling it. Prescriptions from the PIMS or the demo came
 * already filled. For `selectFrom('prescriptions')` queries.
 */
export function originalFillPending(table: 'prescriptions' | 'rx' = 'prescriptions') {
  const t = sql.raw(table);
  return sql<boolean>`(${t}.written_by is not null and ${t}.refills_used = 0 and not exists (select 1 from order_lines ol where ol.prescription_id = ${t}.id))`;
}

/**
 * The prescription in force for each of `ids`: the last renewal in its chain, with its
 * prescriber and status (the id itself when it was never renewed). One query for any number.
 */
export async function currentPrescriptions(db: Db, clinicId: string, ids: readonly string[]) {
  const unique = [...new Set(ids.filter(isUuid))];
  const current = new Map<string, { id: string; prescriberId: string; status: PrescriptionStatus; expiresOn: string; refillsAuthorized: number; refillsUsed: number; originalFillPending: boolean; sig: string }>();
  if (unique.length === 0) return current;
  const rows = await sql<{ startId: string; id: string; prescriberId: string; status: PrescriptionStatus; expiresOn: string; refillsAuthorized: number; refillsUsed: number; originalFillPending: boolean; sig: string }>`
    with recursive chain(start_id, id, depth) as (
      select id, id, 0 from prescriptions where id = any(${unique}::uuid[]) and clinic_id = ${clinicId}
      union all
      select chain.start_id, rx.id, chain.depth + 1 from prescriptions rx join chain on rx.supersedes_id = chain.id where chain.depth < 100
    )
    select distinct on (chain.start_id) chain.start_id as "startId", rx.id, rx.prescriber_id as "prescriberId", rx.status, rx.expires_on::text as "expiresOn",
           rx.refills_authorized as "refillsAuthorized", rx.refills_used as "refillsUsed", rx.sig,
           (rx.written_by is not null and rx.refills_used = 0 and not exists (select 1 from order_lines ol where ol.prescription_id = rx.id)) as "originalFillPending"
    from chain join prescriptions rx on rx.id = chain.id
    order by chain.start_id, chain.depth desc`.execute(db);
  for (const { startId, ...rx } of rows.rows) current.set(startId, rx);
  return current;
}

/**
 * Catalog medications a prescription may name, for the prescription form's typeahead: every
 * word typed found in the medication's search text (name, strength, form, synonyms,
 * ingredients), names starting with the first word first. The catalog is shared by clinics.
 */
export async function searchMedications(principal: Principal, q: string, limit = 12) {
  clinicScope(principal);
  const words = q.normalize('NFKC').trim().toLowerCase().slice(0, 100).split(/\s+/).filter(Boolean).slice(0, 4);
  if (words.length === 0) return [];
  const like = (w: string) => w.replace(/[\\%_]/g, (m) => '\\' + m);
  let query = getDb()
    .selectFrom('medications as m')
    .select(['m.id', medicationDisplayName().as('label'), 'm.name', 'm.form', 'm.controlledSchedule', 'm.compounded']);
  for (const w of words) query = query.where('m.searchText', 'like', `%${like(w)}%`);
  return query
    .orderBy(sql`lower(m.name) like ${`${like(words[0]!)}%`}`, 'desc')
    .orderBy('m.name')
    .orderBy('m.strength')
    .orderBy('m.id')
    .limit(Math.min(Math.max(limit, 1), 50))
    .execute();
}
