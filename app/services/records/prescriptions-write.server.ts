/**
 * Writing, renewing and discontinuing prescriptions (docs/records.md, "Prescriptions"). Only a
 * veterinarian does these: a signed-in one, or a clinic API key acting for one named by
 * `actingUserId`; anyone else gets 403. A new prescription or renewal meets the writing rules
 * (validators/prescriptions: dates, the writer's licence and DEA registration, refills and
 * validity per schedule) and is refused for a deceased patient. A renewal is a new prescription
 * that supersedes the old one (`prescriptions-renew.server.ts`). Every write is audited in the
 * same transaction, under the veterinarian's name, so the authorization chain names them.
 */
import type { Kysely, Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database, PrescriptionQuantityUnit } from '../../../db/schema';
import { parseSig } from '../../../validators/sig';
import { checkPrescriptionWriting, defaultExpiry, requiredDeaSchedule, scheduleForMedicationName, type WritingProblem } from '../../../validators/prescriptions';
import type { ControlledSchedule, PrescriberContext } from '../../../validators';
import { isUuid } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { clinicDay, now } from '../platform/clock.server';
import { DomainError, badRequest, conflict, notFound } from '../platform/errors';
import { clinicScope, type Principal, type UserPrincipal } from '../identity/principal';
import { loadPrescriberContexts } from './prescribers.server';
import { prescriptionViews, type PrescriptionView } from './prescriptions.server';
import { cancelRenewalRequests } from './renewals-store.server';

type Db = Kysely<Database>;
type Tx = Transaction<Database>;

/** Units a prescription's quantity may count. */
export const QUANTITY_UNITS: readonly PrescriptionQuantityUnit[] = ['vial', 'bottle', 'ml', 'g', 'tablet', 'capsule', 'chew', 'tube', 'syringe', 'patch'];

/** A new prescription, as the form and `POST /api/v1/prescriptions` send it. */
export type PrescriptionInput = {
  patientId: string;
  /** A catalog medication, or… */
  medicationId?: string | null;
  /** …a commercial product outside the catalog, by name. */
  medicationName?: string | null;
  sig: string;
  quantity: number;
  quantityUnit?: PrescriptionQuantityUnit | null;
  refillsAuthorized: number;
  /** Default: the clinic's today. */
  writtenOn?: string | null;
  /** Default: the clinic's policy (and six months for C-III to C-V). */
  expiresOn?: string | null;
};

/** What a renewal may change; the rest is copied from the prescription it renews. */
export type RenewalInput = { refillsAuthorized?: number | null; expiresOn?: string | null; sig?: string | null; quantity?: number | null };

/** Who acts: the API's `actingUserId` for a clinic key; a signed-in user acts for themselves. */
export type ActingOption = { actingUserId?: string | null };

/** The veterinarian a write is made by, their prescriber record as the rules read it, and the principal the audit names. */
export type ActingVet = { userId: string; name: string; prescriber: PrescriberContext; prescriberId: string | null; actor: Principal; via: string | null };

const forbidden = (message: string, fields?: Record<string, string>) => new DomainError('forbidden', message, fields);

/**
 * The veterinarian acting: a signed-in veterinarian, or the clinic key's `actingUserId` when
 * that is an active veterinarian of the key's clinic (403 otherwise, naming the field).
 */
export async function actingVet(db: Db, principal: Principal, opts: ActingOption): Promise<ActingVet> {
  const clinicId = clinicScope(principal);
  let user: { id: string; name: string; email: string };
  let actor: Principal;
  let via: string | null = null;
  if (principal.kind === 'user') {
    if (principal.role !== 'veterinarian') throw forbidden('Only a veterinarian writes, renews or discontinues prescriptions.');
    if (opts.actingUserId && opts.actingUserId !== principal.userId) throw forbidden('You act for yourself.', { actingUserId: 'You act for yourself.' });
    user = { id: principal.userId, name: principal.name, email: principal.email };
    actor = principal;
  } else {
    const id = opts.actingUserId;
    if (!id) throw badRequest('Name the veterinarian this key acts for.', { actingUserId: 'Name the veterinarian this key acts for (GET /api/v1/users).' });
    const found = isUuid(id)
      ? await db.selectFrom('users').select(['id', 'name', 'email', 'role', 'active']).where('id', '=', id).where('clinicId', '=', clinicId).executeTakeFirst()
      : undefined;
    if (!found || found.role !== 'veterinarian' || !found.active) {
      throw forbidden('The acting user is not a veterinarian of this clinic.', { actingUserId: 'Not an active veterinarian of this clinic.' });
    }
    user = found;
    via = principal.kind === 'clinic_key' ? `API key ${principal.keyId.slice(0, 8)}` : null;
    const vet: UserPrincipal = { kind: 'user', userId: found.id, name: found.name, email: found.email, role: 'veterinarian', clinicId, pharmacyId: null };
    actor = vet;
  }
  const mine = (await loadPrescriberContexts(db, clinicId)).find((p) => p.userId === user.id);
  return {
    userId: user.id,
    name: mine?.name ?? user.name,
    prescriber: mine ?? { id: '', name: user.name, userRole: 'veterinarian', licenses: [], deaRegistrations: [] },
    prescriberId: mine?.id ?? null,
    actor,
    via,
  };
}

/** The clinic's state, day and prescription policy. */
export async function clinicFacts(db: Db, clinicId: string) {
  const c = await db.selectFrom('clinics').select(['state', 'timezone', 'prescriptionExpiryMonths']).where('id', '=', clinicId).executeTakeFirstOrThrow();
  return { state: c.state, today: clinicDay(c.timezone), policyMonths: c.prescriptionExpiryMonths };
}

/** Problems of a prescription as an error: bad input first (400), otherwise the broken rules (422), each on its field. */
export function throwProblems(problems: readonly (WritingProblem & { path?: string })[]): void {
  if (problems.length === 0) return;
  const input = problems.filter((p) => p.kind === 'input');
  const shown = input.length ? input : problems;
  const fields: Record<string, string> = {};
  for (const p of shown) fields[p.path ?? p.field] ??= p.message;
  throw new DomainError(input.length ? 'bad_request' : 'unprocessable', shown[0]!.message, fields);
}

/**
 * A SIG a pharmacy can fill says dose, route and frequency; otherwise the field says what is
 * missing. The medication's dosage form is read with it (an injectable names no oral route).
 */
export function sigProblem(sig: string, form?: string | null): string | null {
  const text = sig.trim();
  if (!text) return 'Enter the directions (SIG).';
  if (text.length > 1000) return 'Keep the SIG under 1,000 characters.';
  const parsed = parseSig(text, form ? { form } : undefined);
  if (parsed.complete) return null;
  const missing = parsed.missing;
  return `The directions do not say the ${missing.length > 1 ? `${missing.slice(0, -1).join(', ')} or ${missing.at(-1)}` : missing[0]}, e.g. "Give 0.5 ml by mouth twice daily".`;
}

export function checkCounts(quantity: number, refills: number, fields: Record<string, string>): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > 10_000) fields.quantity = 'Enter a whole quantity from 1 to 10,000.';
  if (!Number.isSafeInteger(refills) || refills < 0 || refills > 99) fields.refillsAuthorized = 'Enter a whole number of refills from 0 to 99.';
}

export const DECEASED = (name: string) => `${name} is recorded as deceased; no prescription can be written for ${name}.`;

/**
 * Writes a new prescription (`POST /api/v1/prescriptions`, the prescription form): 201 with the
 * prescription; bad input 400 and broken DEA or clinic rules 422, each naming the field.
 */
export function writePrescription(principal: Principal, input: PrescriptionInput, opts: ActingOption = {}): Promise<PrescriptionView> {
  return getDb().transaction().execute((tx) => writePrescriptionIn(tx, principal, input, opts));
}

/** `writePrescription` inside the caller's transaction (the API's idempotent create). */
export async function writePrescriptionIn(tx: Tx, principal: Principal, input: PrescriptionInput, opts: ActingOption = {}): Promise<PrescriptionView> {
  const clinicId = clinicScope(principal);
  const vet = await actingVet(tx, principal, opts);
  const fields: Record<string, string> = {};
  if (!isUuid(input.patientId)) throw notFound('Patient');
  const patient = await tx.selectFrom('patients').select(['id', 'name', 'status']).where('id', '=', input.patientId).where('clinicId', '=', clinicId).executeTakeFirst();
  if (!patient) throw notFound('Patient');
  const medicationId = input.medicationId || null;
  const medicationName = input.medicationName?.trim() || null;
  let medication: { name: string; schedule: ControlledSchedule | null; form: string | null } | null = null;
  if (medicationId && medicationName) fields.medicationName = 'Choose a catalog medication or type a product name, not both.';
  else if (medicationId) {
    const m = isUuid(medicationId) ? await tx.selectFrom('medications').select(['name', 'controlledSchedule', 'form']).where('id', '=', medicationId).executeTakeFirst() : undefined;
    if (!m) fields.medicationId = 'No such medication in the catalog.';
    else medication = { name: m.name, schedule: m.controlledSchedule, form: m.form };
  } else if (medicationName) {
    if (medicationName.length > 200) fields.medicationName = 'Keep the product name under 200 characters.';
    // A product outside the catalog is still controlled if its name says so.
    else medication = { name: medicationName, schedule: scheduleForMedicationName(medicationName), form: null };
  } else fields.medicationId = 'Choose a medication from the catalog, or type the name of a commercial product.';
  const sig = sigProblem(input.sig, medication?.form);
  if (sig) fields.sig = sig;
  checkCounts(input.quantity, input.refillsAuthorized, fields);
  const unit = input.quantityUnit ?? 'vial';
  if (!QUANTITY_UNITS.includes(unit)) fields.quantityUnit = `Count in ${QUANTITY_UNITS.join(', ')}.`;
  if (Object.keys(fields).length) throw badRequest(Object.values(fields)[0]!, fields);
  if (patient.status === 'deceased') throw new DomainError('unprocessable', DECEASED(patient.name), { patientId: DECEASED(patient.name) });

  const clinic = await clinicFacts(tx, clinicId);
  const schedule = medication!.schedule;
  const writtenOn = input.writtenOn || clinic.today;
  const expiresOn = input.expiresOn || defaultExpiry(writtenOn, schedule, clinic.policyMonths);
  throwProblems(
    checkPrescriptionWriting({
      today: clinic.today,
      clinicState: clinic.state,
      schedule,
      requiredDea: requiredDeaSchedule({ name: medication!.name, controlledSchedule: schedule }),
      prescriber: vet.prescriber,
      writtenOn,
      expiresOn,
      refillsAuthorized: input.refillsAuthorized,
    }),
  );
  const at = now();
  const row = await tx
    .insertInto('prescriptions')
    .values({
      clinicId,
      patientId: patient.id,
      prescriberId: vet.prescriberId!,
      medicationId,
      medicationName: medicationId ? null : medicationName,
      sig: input.sig.trim(),
      quantity: input.quantity,
      quantityUnit: unit,
      refillsAuthorized: input.refillsAuthorized,
      writtenOn,
      expiresOn,
      writtenBy: vet.userId,
      createdAt: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(
    tx,
    vet.actor,
    {
      clinicId,
      action: 'prescription.written',
      subjectType: 'prescription',
      subjectId: row.id,
      detail: { patientId: patient.id, medicationId, medication: medication!.name, schedule, sig: input.sig.trim(), quantity: input.quantity, quantityUnit: unit, refillsAuthorized: input.refillsAuthorized, writtenOn, expiresOn, prescriberId: vet.prescriberId, ...(vet.via ? { via: vet.via } : {}) },
    },
    at,
  );
  return (await prescriptionViews(tx, clinicId, [row.id], clinic.today))[0]!;
}

/**
 * Discontinues a prescription (`POST /api/v1/prescriptions/:id/discontinue`) with the
 * veterinarian's reason: it is no longer filled, leaves the refill-day builder, and its open
 * renewal request is cancelled. Cart lines filling it keep an error finding until removed.
 */
export function discontinuePrescription(principal: Principal, id: string, input: { reason: string }, opts: ActingOption = {}): Promise<PrescriptionView> {
  return getDb().transaction().execute((tx) => discontinuePrescriptionIn(tx, principal, id, input, opts));
}

/** `discontinuePrescription` inside the caller's transaction (the API's idempotent discontinue). */
export async function discontinuePrescriptionIn(tx: Tx, principal: Principal, id: string, input: { reason: string }, opts: ActingOption = {}): Promise<PrescriptionView> {
  const clinicId = clinicScope(principal);
  const vet = await actingVet(tx, principal, opts);
  if (!isUuid(id)) throw notFound('Prescription');
  const reason = input.reason?.trim() ?? '';
  if (!reason) throw badRequest('Say why it is discontinued.', { reason: 'Say why it is discontinued.' });
  if (reason.length > 500) throw badRequest('Keep the reason under 500 characters.', { reason: 'Keep the reason under 500 characters.' });
  const rx = await tx.selectFrom('prescriptions').select(['id', 'status', 'patientId']).where('id', '=', id).where('clinicId', '=', clinicId).forUpdate().executeTakeFirst();
  if (!rx) throw notFound('Prescription');
  if (rx.status === 'discontinued') throw conflict('This prescription is already discontinued.', { status: rx.status });
  if (rx.status === 'superseded') throw conflict('This prescription was renewed; discontinue the current one.', { status: rx.status });
  const at = now();
  await tx.updateTable('prescriptions').set({ status: 'discontinued', discontinuedAt: at, discontinuedBy: vet.userId, discontinuedReason: reason }).where('id', '=', id).execute();
  await cancelRenewalRequests(tx, clinicId, { prescriptionIds: [id] }, `Discontinued: ${reason}`, vet.userId, at);
  await audit(tx, vet.actor, { clinicId, action: 'prescription.discontinued', subjectType: 'prescription', subjectId: id, detail: { reason, previousStatus: rx.status, patientId: rx.patientId, ...(vet.via ? { via: vet.via } : {}) } }, at);
  const { today } = await clinicFacts(tx, clinicId);
  return (await prescriptionViews(tx, clinicId, [id], today))[0]!;
}
