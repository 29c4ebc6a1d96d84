/**
 * Changing prescribers' credentials, by the clinic's manager (or its API key): state licences
 * and DEA registrations added, renewed, corrected and removed (docs/records.md,
 * "Prescribers"). A DEA number is checked for its shape and check digit before it is stored; a
 * licence or registration that has already expired is refused; every change is audited. A
 * veterinarian's `prescribers` row (what prescriptions and cart lines name) is created with
 * their first licence or registration.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import { checkDeaNumber } from '../../../validators/prescriptions';
import { isUuid, isUspsCode } from '../../../validators/vocabulary';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError, badRequest, notFound } from '../platform/errors';
import { clinicScope, type Principal } from '../identity/principal';
import { clinicToday } from './clinics.server';
import { DEA_SCHEDULES } from './prescribers.server';

type Db = Kysely<Database>;

/** A clinic's manager (or its API key) keeps prescribers' credentials; others read them. */
function requireManager(principal: Principal): void {
  if (principal.kind === 'user' && principal.role !== 'manager') {
    throw new DomainError('forbidden', 'Only a manager of the clinic changes prescribers’ licences and DEA registrations.');
  }
}

/** Whom a credential is for: a prescriber (the API), or a veterinarian user who may not be one yet (the settings page). */
export type PrescriberTarget = { prescriberId: string } | { userId: string };

/** The prescriber row of the target, created for a veterinarian's first credential. */
async function prescriberFor(tx: Db, clinicId: string, target: PrescriberTarget): Promise<{ id: string; name: string }> {
  if ('prescriberId' in target) {
    if (!isUuid(target.prescriberId)) throw notFound('Prescriber');
    const row = await tx.selectFrom('prescribers').select(['id', 'name']).where('id', '=', target.prescriberId).where('clinicId', '=', clinicId).forUpdate().executeTakeFirst();
    if (!row) throw notFound('Prescriber');
    return row;
  }
  if (!isUuid(target.userId)) throw notFound('Veterinarian');
  const user = await tx.selectFrom('users').select(['id', 'name', 'role']).where('id', '=', target.userId).where('clinicId', '=', clinicId).executeTakeFirst();
  if (!user) throw notFound('Veterinarian');
  const existing = await tx.selectFrom('prescribers').select(['id', 'name']).where('userId', '=', user.id).where('clinicId', '=', clinicId).forUpdate().executeTakeFirst();
  if (existing) return existing;
  if (user.role !== 'veterinarian') throw badRequest(`${user.name} is not a veterinarian.`, { userId: 'Only a veterinarian holds prescribing licences.' });
  return tx.insertInto('prescribers').values({ clinicId, userId: user.id, name: user.name, createdAt: now() }).returning(['id', 'name']).executeTakeFirstOrThrow();
}

/** A state licence as a form or the API sends it. */
export type LicenseInput = { state: string; number: string; expiresOn: string };

/** A DEA registration as a form or the API sends it. */
export type DeaRegistrationInput = { number: string; state: string; schedules: string[]; expiresOn: string };

function checkState(state: string, fields: Record<string, string>) {
  if (!isUspsCode(state)) fields.state = 'Choose a US state.';
}

function checkExpiry(expiresOn: string, today: string, what: string, fields: Record<string, string>) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expiresOn) || Number.isNaN(Date.parse(`${expiresOn}T00:00:00Z`))) fields.expiresOn = 'Use a date like 2027-06-30.';
  else if (expiresOn < today) fields.expiresOn = `This ${what} has already expired (${expiresOn}); enter the renewed one.`;
}

function refuse(fields: Record<string, string>): void {
  const first = Object.values(fields)[0];
  if (first) throw badRequest(first, fields);
}

/** Adds a state licence; an expired one, or one already on file, is refused naming the field. */
export async function addLicense(principal: Principal, target: PrescriberTarget, input: LicenseInput) {
  const clinicId = clinicScope(principal);
  requireManager(principal);
  return getDb().transaction().execute(async (tx) => {
    const today = await clinicToday(tx, clinicId);
    const fields: Record<string, string> = {};
    const number = input.number.trim();
    checkState(input.state, fields);
    if (!number) fields.number = 'Enter the licence number.';
    else if (number.length > 40) fields.number = 'Keep the licence number under 40 characters.';
    checkExpiry(input.expiresOn, today, 'licence', fields);
    refuse(fields);
    const prescriber = await prescriberFor(tx, clinicId, target);
    const duplicate = await tx.selectFrom('prescriberLicenses').select('id').where('prescriberId', '=', prescriber.id).where('state', '=', input.state).where('number', '=', number).executeTakeFirst();
    if (duplicate) throw badRequest(`${prescriber.name} already has licence ${number} in ${input.state}; edit its expiry instead.`, { number: 'This licence is already on file.' });
    const row = await tx.insertInto('prescriberLicenses').values({ prescriberId: prescriber.id, state: input.state, number, expiresOn: input.expiresOn }).returning(['id', 'state', 'number', 'expiresOn']).executeTakeFirstOrThrow();
    await audit(tx, principal, { clinicId, action: 'prescriber.license_added', subjectType: 'prescriber', subjectId: prescriber.id, detail: { licenseId: row.id, state: row.state, number: row.number, expiresOn: row.expiresOn } });
    return { prescriberId: prescriber.id, license: row };
  });
}

/** Changes a licence's number or expiry (a renewed licence); the same checks as adding one. */
export async function updateLicense(principal: Principal, licenseId: string, input: LicenseInput) {
  const clinicId = clinicScope(principal);
  requireManager(principal);
  if (!isUuid(licenseId)) throw notFound('Licence');
  return getDb().transaction().execute(async (tx) => {
    const current = await credentialOf(tx, clinicId, 'prescriber_licenses', licenseId);
    const today = await clinicToday(tx, clinicId);
    const fields: Record<string, string> = {};
    const number = input.number.trim();
    checkState(input.state, fields);
    if (!number) fields.number = 'Enter the licence number.';
    checkExpiry(input.expiresOn, today, 'licence', fields);
    refuse(fields);
    const row = await tx
      .updateTable('prescriberLicenses')
      .set({ state: input.state, number, expiresOn: input.expiresOn })
      .where('id', '=', licenseId)
      .returning(['id', 'state', 'number', 'expiresOn'])
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505') throw badRequest('This licence is already on file.', { number: 'This licence is already on file.' });
        throw error;
      });
    await audit(tx, principal, { clinicId, action: 'prescriber.license_updated', subjectType: 'prescriber', subjectId: current.prescriberId, detail: { licenseId, from: { state: current.state, number: current.number, expiresOn: current.expiresOn }, to: row } });
    return { prescriberId: current.prescriberId, license: row };
  });
}

/** Removes a licence (entered by mistake); audited with what it said. */
export async function removeLicense(principal: Principal, licenseId: string) {
  const clinicId = clinicScope(principal);
  requireManager(principal);
  if (!isUuid(licenseId)) throw notFound('Licence');
  return getDb().transaction().execute(async (tx) => {
    const current = await credentialOf(tx, clinicId, 'prescriber_licenses', licenseId);
    await tx.deleteFrom('prescriberLicenses').where('id', '=', licenseId).execute();
    await audit(tx, principal, { clinicId, action: 'prescriber.license_removed', subjectType: 'prescriber', subjectId: current.prescriberId, detail: { licenseId, state: current.state, number: current.number, expiresOn: current.expiresOn } });
  });
}

/** A licence or registration of the clinic's prescribers, locked; another clinic's is not found. */
async function credentialOf(tx: Db, clinicId: string, table: 'prescriber_licenses' | 'dea_registrations', id: string) {
  const found = await sql<{ id: string; prescriberId: string; state: string; number: string; expiresOn: string; name: string }>`
    select x.id, x.prescriber_id as "prescriberId", x.state, x.number, x.expires_on::text as "expiresOn", p.name
    from ${sql.table(table)} x join prescribers p on p.id = x.prescriber_id
    where x.id = ${id} and p.clinic_id = ${clinicId}
    for update of x`.execute(tx);
  const row = found.rows[0];
  if (!row) throw notFound(table === 'prescriber_licenses' ? 'Licence' : 'DEA registration');
  return row;
}

function checkDea(input: DeaRegistrationInput, today: string, fields: Record<string, string>): string {
  const checked = checkDeaNumber(input.number);
  if (!checked.ok) fields.number = checked.reason;
  checkState(input.state, fields);
  const schedules = [...new Set(input.schedules)];
  if (schedules.length === 0) fields.schedules = 'Tick the schedules the registration lists.';
  else if (schedules.some((s) => !(DEA_SCHEDULES as readonly string[]).includes(s))) fields.schedules = 'Schedules are II, IIN, III, IIIN, IV and V.';
  checkExpiry(input.expiresOn, today, 'registration', fields);
  return checked.ok ? checked.number : '';
}

/** Orders schedules as the certificate prints them (II, IIN, III, IIIN, IV, V). */
const sortSchedules = (schedules: string[]) => DEA_SCHEDULES.filter((s) => schedules.includes(s));

/** Refuses a DEA number that another prescriber of the clinic already holds. */
async function checkNumberFree(tx: Db, clinicId: string, prescriberId: string, number: string): Promise<void> {
  const other = await tx
    .selectFrom('deaRegistrations as d')
    .innerJoin('prescribers as p', 'p.id', 'd.prescriberId')
    .select('p.name')
    .where('p.clinicId', '=', clinicId)
    .where('d.number', '=', number)
    .where('d.prescriberId', '!=', prescriberId)
    .executeTakeFirst();
  if (other) throw badRequest(`DEA number ${number} is ${other.name}'s.`, { number: `This DEA number is on file for ${other.name}.` });
}

/**
 * Adds a DEA registration (`POST /api/v1/prescribers/:id/dea-registrations`): a number with a
 * bad check digit, an unknown state, no schedules or a past expiry are refused naming the
 * field; one registration per state (edit it to renew it).
 */
export function addDeaRegistration(principal: Principal, target: PrescriberTarget, input: DeaRegistrationInput) {
  return getDb().transaction().execute((tx) => addDeaRegistrationIn(tx, principal, target, input));
}

/** `addDeaRegistration` inside the caller's transaction (the API's idempotent add). */
export async function addDeaRegistrationIn(tx: Transaction<Database>, principal: Principal, target: PrescriberTarget, input: DeaRegistrationInput) {
  const clinicId = clinicScope(principal);
  requireManager(principal);
  const today = await clinicToday(tx, clinicId);
  const fields: Record<string, string> = {};
  const number = checkDea(input, today, fields);
  refuse(fields);
  const prescriber = await prescriberFor(tx, clinicId, target);
  const sameState = await tx.selectFrom('deaRegistrations').select('number').where('prescriberId', '=', prescriber.id).where('state', '=', input.state).executeTakeFirst();
  if (sameState) throw badRequest(`${prescriber.name} already has a DEA registration in ${input.state} (${sameState.number}); edit it instead.`, { state: `A registration in ${input.state} is already on file.` });
  await checkNumberFree(tx, clinicId, prescriber.id, number);
  const row = await tx
    .insertInto('deaRegistrations')
    .values({ prescriberId: prescriber.id, state: input.state, number, schedules: sortSchedules(input.schedules), expiresOn: input.expiresOn })
    .returning(['id', 'state', 'number', 'schedules', 'expiresOn'])
    .executeTakeFirstOrThrow();
  await audit(tx, principal, { clinicId, action: 'prescriber.dea_added', subjectType: 'prescriber', subjectId: prescriber.id, detail: { registrationId: row.id, state: row.state, number: row.number, schedules: row.schedules, expiresOn: row.expiresOn } });
  return { prescriberId: prescriber.id, deaRegistration: row };
}

/** Changes a DEA registration (renewed, schedules changed); the same checks as adding one. */
export async function updateDeaRegistration(principal: Principal, registrationId: string, input: DeaRegistrationInput) {
  const clinicId = clinicScope(principal);
  requireManager(principal);
  if (!isUuid(registrationId)) throw notFound('DEA registration');
  return getDb().transaction().execute(async (tx) => {
    const current = await credentialOf(tx, clinicId, 'dea_registrations', registrationId);
    const today = await clinicToday(tx, clinicId);
    const fields: Record<string, string> = {};
    const number = checkDea(input, today, fields);
    refuse(fields);
    if (input.state !== current.state) {
      const sameState = await tx.selectFrom('deaRegistrations').select('id').where('prescriberId', '=', current.prescriberId).where('state', '=', input.state).executeTakeFirst();
      if (sameState) throw badRequest(`${current.name} already has a DEA registration in ${input.state}.`, { state: `A registration in ${input.state} is already on file.` });
    }
    await checkNumberFree(tx, clinicId, current.prescriberId, number);
    const row = await tx
      .updateTable('deaRegistrations')
      .set({ state: input.state, number, schedules: sortSchedules(input.schedules), expiresOn: input.expiresOn })
      .where('id', '=', registrationId)
      .returning(['id', 'state', 'number', 'schedules', 'expiresOn'])
      .executeTakeFirstOrThrow();
    await audit(tx, principal, { clinicId, action: 'prescriber.dea_updated', subjectType: 'prescriber', subjectId: current.prescriberId, detail: { registrationId, from: { state: current.state, number: current.number, expiresOn: current.expiresOn }, to: row } });
    return { prescriberId: current.prescriberId, deaRegistration: row };
  });
}

/** Removes a DEA registration; audited with what it said. */
export async function removeDeaRegistration(principal: Principal, registrationId: string) {
  const clinicId = clinicScope(principal);
  requireManager(principal);
  if (!isUuid(registrationId)) throw notFound('DEA registration');
  return getDb().transaction().execute(async (tx) => {
    const current = await credentialOf(tx, clinicId, 'dea_registrations', registrationId);
    await tx.deleteFrom('deaRegistrations').where('id', '=', registrationId).execute();
    await audit(tx, principal, { clinicId, action: 'prescriber.dea_removed', subjectType: 'prescriber', subjectId: current.prescriberId, detail: { registrationId, state: current.state, number: current.number, expiresOn: current.expiresOn } });
  });
}

/**
 * The clinic's prescription policy: how many months (1–12) a new prescription stays valid
 * unless its veterinarian says otherwise (C-III to C-V at most six). Manager only; audited.
 */
export async function setPrescriptionPolicy(principal: Principal, input: { prescriptionExpiryMonths: number }) {
  const clinicId = clinicScope(principal);
  requireManager(principal);
  const months = input.prescriptionExpiryMonths;
  if (!Number.isInteger(months) || months < 1 || months > 12) {
    throw badRequest('A prescription is valid 1 to 12 months.', { prescriptionExpiryMonths: 'Enter 1 to 12 months.' });
  }
  return getDb().transaction().execute(async (tx) => {
    const before = await tx.selectFrom('clinics').select('prescriptionExpiryMonths').where('id', '=', clinicId).forUpdate().executeTakeFirstOrThrow();
    if (before.prescriptionExpiryMonths === months) return { prescriptionExpiryMonths: months };
    await tx.updateTable('clinics').set({ prescriptionExpiryMonths: months }).where('id', '=', clinicId).execute();
    await audit(tx, principal, { clinicId, action: 'clinic.prescription_policy_changed', subjectType: 'clinic', subjectId: clinicId, detail: { from: before.prescriptionExpiryMonths, to: months } });
    return { prescriptionExpiryMonths: months };
  });
}
