/**
 * The intake channels that arrive signed from other systems: the PIMS and SMS-gateway webhook
 * (`/webhooks/intake/:clinicSlug`), and owners' texts taken in through Twilio (app/services/sms),
 * including an owner's answer to the question their text was asked. Each ends in the one
 * intake transaction of intake.server.ts.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { json } from '../../../db/json';
import type { Database } from '../../../db/schema';
import { verifySignature } from '../../../pharmacies/signature';
import type { PimsEvent, SmsWebhook } from '../../schemas/refill-request';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { DomainError } from '../platform/errors';
import { idempotent } from '../platform/idempotency.server';
import { assessRequest, clinicBySlug, clinicPolicy, createRefillRequestIn, WEBHOOK_TOLERANCE_SECONDS, type CreatedRequest } from './intake.server';
import { normalizePhone } from './matching';
import type { Urgency } from './routing';
import { parseSmsText } from './sms';
import { scheduleTimers } from './timers.server';

/** A clinic as its intake webhook knows it, once a delivery's signature is checked. */
export type IntakeClinic = { id: string; name: string };

/** A request as a webhook's answer shows it (no owner details). */
export type PublicCreatedRequest = ReturnType<typeof pickPublic>;

/**
 * Checks a delivery to `/webhooks/intake/:clinicSlug`: the `Vialcart-Signature` over the raw
 * body with the clinic's intake secret, within a 5-minute window. An unknown clinic is 404, a
 * missing, malformed, stale or wrong signature 401 saying which. Nothing of the body is read
 * before this passes.
 */
export async function verifyIntakeDelivery(slug: string, rawBody: string, signature: string | null): Promise<IntakeClinic> {
  const clinic = await clinicBySlug(slug);
  const check = verifySignature(clinic.intakeSecret, rawBody, signature, { nowSeconds: Math.floor(now().getTime() / 1000), toleranceSeconds: WEBHOOK_TOLERANCE_SECONDS });
  if (!check.ok) {
    const why = {
      missing: 'Sign the body: Vialcart-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" with the clinic\'s intake secret>.',
      malformed: 'The Vialcart-Signature header is malformed; expected t=<unix seconds>,v1=<64 hex digits>.',
      stale: `The signature's timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS / 60} minutes from now; sign each delivery when you send it.`,
      mismatch: 'The signature does not match the body and the clinic\'s intake secret.',
    }[check.reason];
    throw new DomainError('unauthorized', why, undefined, { reason: check.reason });
  }
  return { id: clinic.id, name: clinic.name };
}

const system = (label: string) => ({ actorType: 'system' as const, actorLabel: label });

/**
 * A PIMS `prescription.requested` event, verified and read: one request per event id; the same
 * event again gives the first request back (`replayed`) and creates nothing.
 */
export async function receivePimsEvent(clinic: IntakeClinic, event: PimsEvent, raw: unknown): Promise<{ request: PublicCreatedRequest; replayed: boolean }> {
  if (event.type !== 'prescription.requested') {
    throw new DomainError('bad_request', `Only prescription.requested events are accepted here; got "${event.type.slice(0, 60)}".`, { type: 'unsupported event type' });
  }
  const d = event.data;
  const clientName = d.client.name ?? [d.client.firstName, d.client.lastName].filter(Boolean).join(' ');
  const medication = typeof d.medication === 'string' ? d.medication : d.medication.name;
  const { value, replayed } = await idempotent(`intake:${clinic.id}`, `pims:${event.id}`, raw, async (tx) => {
    const request = await createRefillRequestIn(tx, system(`PIMS (event ${event.id})`), clinic.id, {
      channel: 'pims',
      ownerName: clientName || 'Unknown (PIMS)',
      ownerPhone: d.client.phone ?? null,
      ownerEmail: d.client.email ?? null,
      patientName: d.patient.name,
      medication,
      dosesLeft: d.dosesLeft ?? null,
      urgency: d.urgency,
      note: d.note ?? null,
      pims: { clientId: d.client.id || undefined, patientId: d.patient.id || undefined },
      raw: raw as Record<string, unknown>,
    });
    return { request: pickPublic(request) };
  });
  return { request: value.request, replayed };
}

/**
 * An SMS gateway's message, verified and read: the text is read for pet, medication and days
 * left. One request per gateway message id (or, without one, per signed delivery); a repeat
 * gives the first request back (`replayed`). `reply` is the acknowledgement the gateway may
 * text back to the owner.
 */
export async function receiveSmsMessage(
  clinic: IntakeClinic,
  sms: SmsWebhook,
  form: Record<string, string>,
  signature: string | null,
): Promise<{ request: PublicCreatedRequest; reply: string; replayed: boolean }> {
  const phone = normalizePhone(sms.From);
  if (!phone) throw new DomainError('bad_request', 'From is not a phone number we can text back.', { From: 'not a phone number' });
  const sigDigest = createHash('sha256').update(signature ?? '').digest('hex').slice(0, 32);
  const key = sms.MessageSid ? `sms:${sms.MessageSid}` : `sms-sig:${sigDigest}`;
  const { value, replayed } = await idempotent(`intake:${clinic.id}`, key, form, async (tx) => {
    const request = await takeSmsRequest(tx, clinic.id, { from: phone, body: sms.Body, raw: form });
    return { request: pickPublic(request), reply: `${clinic.name}: we got your refill request (ref ${request.reference}). We'll be in touch soon.` };
  });
  return { ...value, replayed };
}

// ---------------------------------------------------------------------------------------
// Texts (the signed webhook above, and Twilio's incoming messages: app/services/sms)

/**
 * Takes an owner's text (E.164 `from`) in as a refill request, inside `tx`: the free text is
 * read for pet, medication and days left (parseSmsText), and the whole text is scanned again by
 * matching. `acknowledgedByReply`: the caller answers the text itself (TwiML), so no
 * acknowledgement is queued.
 */
export async function takeSmsRequest(
  tx: Transaction<Database>,
  clinicId: string,
  sms: { from: string; body: string; raw: Record<string, unknown>; acknowledgedByReply?: boolean },
): Promise<CreatedRequest> {
  const reading = parseSmsText(sms.body);
  return createRefillRequestIn(tx, { actorType: 'owner', actorLabel: `SMS from ${sms.from}` }, clinicId, {
    channel: 'sms',
    ownerName: '',
    ownerPhone: sms.from,
    patientName: reading.patientName,
    medication: reading.medication,
    dosesLeft: reading.dosesLeft ?? null,
    daysLeft: reading.daysLeft ?? null,
    urgency: reading.urgency,
    smsConsent: true,
    text: sms.body,
    raw: { ...sms.raw, parsed: reading },
    ...(sms.acknowledgedByReply ? { acknowledgedByReply: true } : {}),
  });
}

/**
 * An owner's text answering the question their earlier text was asked (which pet, which
 * medication): the request is matched again with the answer, inside `tx`, and re-routed like a
 * staff resolution. Null when the request is no longer open or already fully matched.
 */
export async function answerSmsQuestion(tx: Transaction<Database>, clinicId: string, requestId: string, answer: string): Promise<CreatedRequest | null> {
  const r = await tx
    .selectFrom('refillRequests')
    .selectAll()
    .where('id', '=', requestId)
    .where('clinicId', '=', clinicId)
    .where('status', '=', 'open')
    .where('prescriptionId', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!r) return null;
  const at = now();
  const raw = (r.raw ?? {}) as { Body?: unknown; parsed?: { daysLeft?: number; urgency?: Urgency }; answers?: unknown };
  const answers = [...(Array.isArray(raw.answers) ? raw.answers.filter((a): a is string => typeof a === 'string') : []), answer.slice(0, 200)];
  const said = answer.trim().slice(0, 100);
  const input = {
    ownerName: r.ownerName === 'Unknown' ? '' : r.ownerName,
    ownerPhone: r.ownerPhone,
    // The question was about the pet until one is known, then about the medication.
    patientName: r.patientId ? r.patientName : said,
    medication: r.patientId ? said : r.medicationText,
    dosesLeft: r.dosesLeft,
    daysLeft: raw.parsed?.daysLeft ?? null,
    urgency: raw.parsed?.urgency ?? 'routine',
    text: [typeof raw.Body === 'string' ? raw.Body : '', ...answers].join('\n'),
  };
  const clinic = await clinicPolicy(tx, clinicId);
  const a = await assessRequest(tx, clinic, input, r.createdAt);
  await tx
    .updateTable('refillRequests')
    .set({
      clientId: a.match.clientId ?? r.clientId,
      patientId: a.match.patientId,
      prescriptionId: a.match.prescriptionId,
      patientName: input.patientName,
      medicationText: input.medication.slice(0, 200),
      raw: json({ ...raw, answers }),
      candidates: json(a.candidates),
      eligibility: json(a.eligibility),
      queue: a.route.queue,
      urgency: a.urgency,
      dueAt: a.timers.dueAt,
      remindAt: a.timers.remindAt,
      escalateAt: a.timers.escalateAt,
      // A timer that already fired stays fired; new ones are due only if still ahead.
      remindedAt: a.timers.remindAt.getTime() <= at.getTime() ? r.remindedAt : null,
      escalatedAt: a.timers.escalateAt.getTime() <= at.getTime() ? r.escalatedAt : null,
    })
    .where('id', '=', r.id)
    .execute();
  await scheduleTimers(tx, r.id, a.timers);
  await audit(
    tx,
    { actorType: 'owner', actorLabel: `SMS from ${r.ownerPhone ?? 'owner'}` },
    {
      clinicId,
      subjectType: 'refill_request',
      subjectId: r.id,
      action: 'refill_request.owner_answered',
      detail: { answer: said, patientId: a.match.patientId, prescriptionId: a.match.prescriptionId, queue: a.route.queue, reason: a.route.reason, problem: a.match.problem },
    },
    at,
  );
  return {
    id: r.id,
    reference: r.reference,
    status: 'open',
    queue: a.route.queue,
    urgency: a.urgency,
    dueAt: a.timers.dueAt.toISOString(),
    clientId: a.match.clientId ?? r.clientId,
    patientId: a.match.patientId,
    prescriptionId: a.match.prescriptionId,
    eligibility: a.eligibility,
    candidates: a.candidates,
    routeReason: a.route.reason,
    acknowledged: true,
    matchProblem: a.match.problem,
  };
}

function pickPublic(r: CreatedRequest) {
  return { id: r.id, reference: r.reference, status: r.status, queue: r.queue, urgency: r.urgency, dueAt: r.dueAt, patientId: r.patientId, prescriptionId: r.prescriptionId, eligibility: r.eligibility };
}
