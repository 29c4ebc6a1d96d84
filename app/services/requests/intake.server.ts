/**
 * Intake of owner refill requests. Every channel — the public form, the clinic API, the signed
 * PIMS/SMS webhook — ends in `createRefillRequest`, which keeps the raw input, matches owner →
 * pet → prescription, records the eligibility checks, routes to a queue with its SLA timers,
 * acknowledges the owner and writes the audit trail, all in one transaction.
 */
import { randomInt } from 'node:crypto';
import { sql, type Kysely, type NotNull, type Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import { json } from '../../../db/json';
import type { Database } from '../../../db/schema';
import type { EligibilityCheck } from '../../../validators/requests';
import type { RequestQueue } from '../../../validators/vocabulary';
import { SMS_CONSENT_TEXT, type ApiRefillRequest, type PublicRefillFormData } from '../../schemas/refill-request';
import { audit } from '../audit/audit.server';
import { clinicDay, now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import { idempotent } from '../platform/idempotency.server';
import { enqueueNotification } from '../owners/notifications.server';
import { recordConsent } from '../sms/consent.server';
import { clinicScope, type Principal } from '../identity/principal';
import { addressKey, hitRateLimit } from '../identity/rate-limit.server';
import { matchRequest, normalizeEmail, normalizePhone, type MatchCandidate, type MatchResult, type OwnerFacts, type PrescriptionFacts } from './matching';
import { checkEligibility, effectiveUrgency, routeRequest, type Urgency } from './routing';
import { readSlaSettings, slaTimers } from './sla';
import { scheduleTimers } from './timers.server';

type Channel = 'web' | 'sms' | 'pims' | 'api' | 'phone' | 'reminder';

/** What any channel hands to intake. */
export type IntakeInput = {
  channel: Channel;
  ownerName: string;
  ownerPhone?: string | null;
  ownerEmail?: string | null;
  patientName: string;
  medication: string;
  dosesLeft?: number | null;
  /** Days of medicine left, when the owner said days (SMS "3 days left"). */
  daysLeft?: number | null;
  urgency?: Urgency;
  smsConsent?: boolean;
  note?: string | null;
  /** The whole free text (SMS), scanned for pet and medication names when the parse missed them. */
  text?: string;
  /** Ids in the clinic's PIMS (clients.pims_id, patients.pims_id). */
  pims?: { clientId?: string; patientId?: string };
  /** The request exactly as received. */
  raw: Record<string, unknown>;
  /** The channel's own answer acknowledges the owner (an SMS reply), so no acknowledgement message is queued. */
  acknowledgedByReply?: boolean;
  /** The words of the "Text me updates" box the owner ticked (recorded with the time as their consent). */
  smsConsentText?: string;
};

/** Who submitted a request: a clinic's API key or user, or an owner/system on a public channel. */
export type IntakeActor = Principal | { actorType: 'owner' | 'system'; actorId?: string | null; actorLabel: string };

/** A request as intake answers it (API.md's POST shape, plus its reference). */
export type CreatedRequest = {
  id: string;
  reference: string;
  status: 'open';
  queue: RequestQueue;
  urgency: Urgency;
  dueAt: string;
  clientId: string | null;
  patientId: string | null;
  prescriptionId: string | null;
  eligibility: EligibilityCheck[];
  candidates: MatchCandidate[];
  routeReason: string;
  acknowledged: boolean;
  /** What matching could not settle (null: owner, pet and prescription found); `candidates` lists the choices. */
  matchProblem: MatchResult['problem'];
};

/** Limits of the public form: per address and per phone/email, per clinic. */
export const PUBLIC_FORM_LIMITS = { perIp: 10, perContact: 5, windowSeconds: 3600 };
/** Largest webhook body read (bytes); PIMS events and SMS posts are a few hundred. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;
/** How far a webhook's signed timestamp may be from now (API.md: replay window). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

// Crockford base32 without I, L, O, U: references are read out over the phone.
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function newReference(): string {
  let s = '';
  for (let i = 0; i < 7; i++) s += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `RR-${s}`;
}

/** A clinic of a public intake URL, or a 404. */
export async function clinicBySlug(slug: string) {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) throw notFound('Clinic');
  const clinic = await getDb().selectFrom('clinics').select(['id', 'slug', 'name', 'phone', 'intakeSecret', 'bookingUrl']).where('slug', '=', slug).executeTakeFirst();
  if (!clinic) throw notFound('Clinic');
  return clinic;
}

/** The clinic's name and contact for the public form (no secrets). */
export async function publicClinic(slug: string) {
  const { id, name, phone, slug: s } = await clinicBySlug(slug);
  return { id, name, phone, slug: s };
}

// ---------------------------------------------------------------------------------------
// Loading candidates

async function findOwners(db: Kysely<Database>, clinicId: string, contact: { phone: string | null; email: string | null; pimsClientId?: string }): Promise<OwnerFacts[]> {
  const { phone, email, pimsClientId } = contact;
  if (!phone && !email && !pimsClientId) return [];
  const clients = await db
    .selectFrom('clients')
    .select(['id', 'firstName', 'lastName'])
    .where('clinicId', '=', clinicId)
    .where('mergedIntoId', 'is', null)
    .where((eb) =>
      eb.or([
        ...(pimsClientId ? [eb('pimsId', '=', pimsClientId)] : []),
        ...(phone ? [eb('phone', '=', phone), eb('phone2', '=', phone)] : []),
        ...(email ? [eb(eb.fn('lower', ['email']), '=', email)] : []),
      ]),
    )
    .orderBy('id')
    .limit(10)
    .execute();
  if (clients.length === 0) return [];
  const ids = clients.map((c) => c.id);
  const [pets, rxs] = await Promise.all([
    db.selectFrom('patients').select(['id', 'clientId', 'name', 'species', 'status', 'lastWellnessExamOn', 'pimsId']).where('clinicId', '=', clinicId).where('clientId', 'in', ids).where('mergedIntoId', 'is', null).execute(),
    db
      .selectFrom('prescriptions as rx')
      .innerJoin('patients as p', 'p.id', 'rx.patientId')
      .innerJoin('medications as m', 'm.id', 'rx.medicationId')
      .select([
        'rx.id', 'rx.patientId', 'rx.medicationId', 'm.name as medicationName', 'm.strength', 'm.form', 'm.synonyms', 'm.controlledSchedule', 'm.compounded',
        'rx.sig', 'rx.status', 'rx.writtenOn', 'rx.expiresOn', 'rx.refillsAuthorized', 'rx.refillsUsed', 'rx.lastDoseChangeOn', 'rx.standingOrder',
      ])
      .where('rx.clinicId', '=', clinicId)
      .where('p.clientId', 'in', ids)
      // The inner join with medications leaves out prescriptions of products outside the catalog.
      .$narrowType<{ medicationId: NotNull }>()
      .execute(),
  ]);
  const rxByPet = new Map<string, PrescriptionFacts[]>();
  for (const r of rxs) {
    const { patientId, ...facts } = r;
    rxByPet.set(patientId, [...(rxByPet.get(patientId) ?? []), facts]);
  }
  return clients.map((c) => ({
    id: c.id,
    name: `${c.firstName} ${c.lastName}`,
    pets: pets
      .filter((p) => p.clientId === c.id)
      .map((p) => ({ id: p.id, pimsId: p.pimsId, name: p.name, species: p.species, status: p.status, lastWellnessExamOn: p.lastWellnessExamOn, prescriptions: rxByPet.get(p.id) ?? [] })),
  }));
}

/** Owners the front desk may mean when no contact matched: same pet name, similar owner surname. */
async function possibleOwners(db: Kysely<Database>, clinicId: string, ownerName: string, patientName: string): Promise<MatchCandidate[]> {
  const surname = ownerName.trim().split(/\s+/).pop() ?? '';
  if (!patientName.trim() || !surname) return [];
  const rows = await db
    .selectFrom('patients as p')
    .innerJoin('clients as c', 'c.id', 'p.clientId')
    .select(['p.id', 'p.name', 'p.species', 'c.id as clientId', 'c.firstName', 'c.lastName', 'c.phone'])
    .where('p.clinicId', '=', clinicId)
    .where(sql<boolean>`lower(p.name) = lower(${patientName.trim()})`)
    .where(sql<boolean>`similarity(lower(c.last_name), lower(${surname})) > 0.4`)
    .orderBy(sql`similarity(lower(c.last_name), lower(${surname}))`, 'desc')
    .limit(5)
    .execute();
  return rows.map((r) => ({ kind: 'patient' as const, id: r.id, clientId: r.clientId, label: `${r.name} (${r.species}) — ${r.firstName} ${r.lastName}, ${r.phone ?? 'no phone'}` }));
}

// ---------------------------------------------------------------------------------------
// The one way in

/** What intake reads of the clinic to check and route a request. */
type ClinicPolicy = { id: string; wellnessWindowMonths: number; slaSettings: Record<string, unknown>; timezone: string };

export async function clinicPolicy(tx: Kysely<Database>, clinicId: string): Promise<ClinicPolicy> {
  const clinic = await tx.selectFrom('clinics').select(['id', 'wellnessWindowMonths', 'slaSettings', 'timezone']).where('id', '=', clinicId).executeTakeFirst();
  if (!clinic) throw notFound('Clinic');
  return clinic;
}

/** Matching, eligibility, routing and SLA timers of what a request says, as of `at`. */
export async function assessRequest(tx: Kysely<Database>, clinic: ClinicPolicy, input: Omit<IntakeInput, 'channel' | 'raw'>, at: Date) {
  // Eligibility dates are the clinic's calendar days, as in validation.
  const day = clinicDay(clinic.timezone);
  const settings = readSlaSettings(clinic.slaSettings);
  const phone = normalizePhone(input.ownerPhone);
  const email = normalizeEmail(input.ownerEmail);

  const owners = await findOwners(tx, clinic.id, { phone, email, pimsClientId: input.pims?.clientId });
  const pimsPatient = input.pims?.patientId ? owners.flatMap((o) => o.pets).find((p) => (p as { pimsId?: string | null }).pimsId === input.pims!.patientId) : undefined;
  const match = matchRequest({ patientName: input.patientName, medication: input.medication, text: input.text, pimsPatientId: pimsPatient?.id ?? null }, owners, day);
  let candidates = match.candidates;
  if (match.problem === 'owner_not_found') candidates = await possibleOwners(tx, clinic.id, input.ownerName, input.patientName);

  let eligibility: EligibilityCheck[] = match.checks;
  let urgency: Urgency = effectiveUrgency({ urgency: input.urgency ?? 'routine', dosesLeft: input.dosesLeft, daysLeft: input.daysLeft }, null, settings);
  if (!match.problem) {
    const pet = owners.flatMap((o) => o.pets).find((p) => p.id === match.patientId)!;
    const rx = pet.prescriptions.find((r) => r.id === match.prescriptionId)!;
    eligibility = [...match.checks, ...checkEligibility(pet, rx, clinic, settings, day)];
    urgency = effectiveUrgency({ urgency: input.urgency ?? 'routine', dosesLeft: input.dosesLeft, daysLeft: input.daysLeft }, rx.sig, settings);
  }
  const route = routeRequest(match, eligibility, urgency);
  const timers = slaTimers(route.queue, at, settings, clinic.timezone);
  const ownerName = input.ownerName.trim() || (match.clientId ? owners.find((o) => o.id === match.clientId)!.name : 'Unknown');
  return { phone, email, match, candidates, eligibility, urgency, route, timers, ownerName };
}

/**
 * Creates a refill request from any channel in its own transaction. Matching, eligibility,
 * routing, SLA timers, the owner's acknowledgement and the audit trail commit together with
 * the row.
 */
export function createRefillRequest(actor: IntakeActor, clinicId: string, input: IntakeInput): Promise<CreatedRequest> {
  return getDb().transaction().execute((tx) => createRefillRequestIn(tx, actor, clinicId, input));
}

/** `createRefillRequest` inside the caller's transaction (the idempotency and webhook de-duplication wrappers pass theirs). */
export async function createRefillRequestIn(tx: Transaction<Database>, actor: IntakeActor, clinicId: string, input: IntakeInput): Promise<CreatedRequest> {
  if ('kind' in actor && clinicScope(actor) !== clinicId) throw notFound('Clinic');
  const at = now();
  const clinic = await clinicPolicy(tx, clinicId);
  const { phone, email, match, candidates, eligibility, urgency, route, timers, ownerName } = await assessRequest(tx, clinic, input, at);

  let row: { id: string; reference: string } | undefined;
  for (let attempt = 0; attempt < 5 && !row; attempt++) {
    row = await tx
      .insertInto('refillRequests')
      .values({
        clinicId,
        reference: newReference(),
        channel: input.channel,
        raw: json(input.raw),
        ownerName: ownerName.slice(0, 200),
        ownerPhone: phone ?? (input.ownerPhone?.trim() || null),
        ownerEmail: email,
        patientName: input.patientName.slice(0, 100),
        medicationText: input.medication.slice(0, 200),
        dosesLeft: input.dosesLeft ?? null,
        urgency,
        smsConsent: input.smsConsent ?? false,
        note: input.note?.trim() || null,
        clientId: match.clientId,
        patientId: match.patientId,
        prescriptionId: match.prescriptionId,
        candidates: json(candidates),
        eligibility: json(eligibility),
        queue: route.queue,
        dueAt: timers.dueAt,
        remindAt: timers.remindAt,
        escalateAt: timers.escalateAt,
        createdAt: at,
      })
      .onConflict((oc) => oc.column('reference').doNothing())
      .returning(['id', 'reference'])
      .executeTakeFirst();
  }
  if (!row) throw new Error('could not allocate a request reference');

  const subject = { subjectType: 'refill_request', subjectId: row.id, clinicId };
  await audit(
    tx,
    actor,
    [
      { ...subject, action: 'refill_request.received', detail: { reference: row.reference, channel: input.channel, patientName: input.patientName, medication: input.medication } },
      {
        ...subject,
        action: 'refill_request.routed',
        detail: { queue: route.queue, reason: route.reason, urgency, dueAt: timers.dueAt.toISOString(), remindAt: timers.remindAt.toISOString(), escalateAt: timers.escalateAt.toISOString(), failed: eligibility.filter((c) => !c.ok).map((c) => c.check) },
      },
    ],
    at,
  );
  await scheduleTimers(tx, row.id, timers);

  // Acknowledge within minutes: a message to a known owner; the confirmation page (web) or the
  // gateway's reply (SMS) acknowledges an owner we could not match.
  if (input.smsConsent && input.smsConsentText && phone) {
    await recordConsent(tx, { clinicId, phone, action: 'opt_in', source: 'web_form', consentText: input.smsConsentText, clientId: match.clientId, refillRequestId: row.id });
  }
  let acknowledged = false;
  if (input.acknowledgedByReply) {
    acknowledged = true;
  } else if (match.clientId) {
    await enqueueNotification(tx, {
      clinicId,
      clientId: match.clientId,
      template: 'request.acknowledged',
      ...(match.patientId ? { patientId: match.patientId } : {}),
      refillRequestId: row.id,
      data: { reference: row.reference },
    });
    acknowledged = true;
  } else if (input.channel === 'web' || input.channel === 'sms') {
    acknowledged = true;
  }
  if (acknowledged) {
    await tx.updateTable('refillRequests').set({ acknowledgedAt: at }).where('id', '=', row.id).execute();
    await audit(tx, { actorType: 'system', actorLabel: 'vialcart' }, { ...subject, action: 'refill_request.acknowledged', detail: { via: input.acknowledgedByReply ? 'sms reply' : match.clientId ? 'notification' : input.channel === 'web' ? 'confirmation page' : 'sms reply' } }, at);
  }

  return {
    id: row.id,
    reference: row.reference,
    status: 'open',
    queue: route.queue,
    urgency,
    dueAt: timers.dueAt.toISOString(),
    clientId: match.clientId,
    patientId: match.patientId,
    prescriptionId: match.prescriptionId,
    eligibility,
    candidates,
    routeReason: route.reason,
    acknowledged,
    matchProblem: match.problem,
  };
}

// ---------------------------------------------------------------------------------------
// Channels

/**
 * The clinic API's create. With an idempotency key, the same key and body give the first
 * request back (`replayed`) and create nothing.
 */
export async function createRequestFromApi(principal: Principal, body: ApiRefillRequest, idempotencyKey: string | null): Promise<{ request: CreatedRequest; replayed: boolean }> {
  const clinicId = clinicScope(principal);
  const input: IntakeInput = {
    channel: body.channel ?? 'api',
    ownerName: body.ownerName,
    ownerPhone: body.ownerPhone ?? null,
    ownerEmail: body.ownerEmail ?? null,
    patientName: body.patientName,
    medication: body.medication,
    dosesLeft: body.dosesLeft ?? null,
    urgency: body.urgency,
    smsConsent: body.smsConsent ?? false,
    note: body.note ?? null,
    raw: body as Record<string, unknown>,
  };
  if (!idempotencyKey) return { request: await createRefillRequest(principal, clinicId, input), replayed: false };
  const { value, replayed } = await idempotent(`clinic:${clinicId}:refill-requests`, idempotencyKey, body, async (tx) => ({
    request: await createRefillRequestIn(tx, principal, clinicId, input),
  }));
  return { request: value.request, replayed };
}

/** The public form: rate-limited per address and per phone/email, then intake. */
export async function submitPublicRefillForm(slug: string, data: PublicRefillFormData, address: string): Promise<CreatedRequest> {
  const clinic = await clinicBySlug(slug);
  const phone = normalizePhone(data.ownerPhone);
  if (data.ownerPhone && !phone) throw new DomainError('bad_request', 'Check the phone number.', { ownerPhone: 'Enter a phone number with its area code, like (916) 555-0123.' });
  const contact = phone ?? normalizeEmail(data.ownerEmail) ?? 'none';
  const [ip, who] = await Promise.all([
    hitRateLimit(`refill-form:ip:${clinic.id}:${addressKey(address)}`, PUBLIC_FORM_LIMITS.perIp, PUBLIC_FORM_LIMITS.windowSeconds),
    hitRateLimit(`refill-form:contact:${clinic.id}:${contact}`, PUBLIC_FORM_LIMITS.perContact, PUBLIC_FORM_LIMITS.windowSeconds),
  ]);
  if (!ip.allowed || !who.allowed) {
    const wait = Math.max(ip.allowed ? 0 : ip.retryAfterSeconds, who.allowed ? 0 : who.retryAfterSeconds);
    throw new DomainError('rate_limited', `Too many requests from here. Please try again in ${Math.ceil(wait / 60)} minutes, or call ${clinic.name}${clinic.phone ? ` at ${clinic.phone}` : ''}.`, undefined, { retryAfterSeconds: wait });
  }
  return createRefillRequest({ actorType: 'owner', actorLabel: `Owner (web form) ${data.ownerName}`.slice(0, 200) }, clinic.id, {
    channel: 'web',
    ownerName: data.ownerName,
    ownerPhone: data.ownerPhone ?? null,
    ownerEmail: data.ownerEmail ?? null,
    patientName: data.patientName,
    medication: data.medication,
    dosesLeft: data.dosesLeft ?? null,
    urgency: data.urgency,
    smsConsent: data.smsConsent,
    ...(data.smsConsent ? { smsConsentText: SMS_CONSENT_TEXT } : {}),
    // The submitter's address is not kept: only its keyed hash, in the rate limit's bucket.
    raw: { ...data },
  });
}

/** What the confirmation page shows for a reference: no owner details, only what happens next. */
export async function publicRequestStatus(slug: string, reference: string) {
  const clinic = await clinicBySlug(slug);
  if (!/^RR-[0-9A-Z]{7}$/.test(reference)) throw notFound('Request');
  const row = await getDb()
    .selectFrom('refillRequests')
    .select(['reference', 'status', 'createdAt', 'patientName'])
    .where('clinicId', '=', clinic.id)
    .where('reference', '=', reference)
    .executeTakeFirst();
  if (!row) throw notFound('Request');
  return { clinic: { name: clinic.name, phone: clinic.phone, slug: clinic.slug }, request: { reference: row.reference, status: row.status, createdAt: row.createdAt.toISOString(), patientName: row.patientName } };
}
