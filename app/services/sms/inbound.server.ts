/**
 * Texts owners send to a clinic's number (Twilio's incoming-message webhook): routed to the
 * clinic that owns the number, checked against Twilio's signature, taken once per MessageSid,
 * and answered with TwiML. Consent keywords (STOP, START, HELP…) are handled here; an answer to
 * the question the owner's last text was asked goes back to that request; anything else is a
 * refill request through the requests room's SMS intake.
 */
import type { Transaction } from 'kysely';
import { getDb } from '../../../db/client';
import type { Database } from '../../../db/schema';
import type { TwilioIncoming } from '../../schemas/sms';
import { now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import { answerSmsQuestion, normalizePhone, takeSmsRequest, type CreatedRequest } from '../requests/index.server';
import { recordConsent, smsOptedOut } from './consent.server';
import { readKeyword } from './keywords';
import { clinicForNumber, readSmsSetup } from './setup.server';
import { twimlReply, validTwilioSignature } from './twilio.server';

/** How long a question asked back waits for the owner's answer. */
export const QUESTION_WINDOW_HOURS = 24;
/** More choices than this are not asked by text: the front desk calls. */
const MAX_CHOICES = 4;

/** What vialcart answered a text with (TwiML), and what the text was taken as. */
export type IncomingAnswer = {
  twiml: string;
  reply: string | null;
  duplicate: boolean;
  kind: 'request' | 'answer' | 'keyword' | 'ignored';
  refillRequestId: string | null;
};

type Clinic = { id: string; name: string; phone: string | null };

/** The clinic a text was sent to, and who sent it (E.164), once its signature checked out. */
export type TextedClinic = { id: string; name: string; phone: string | null; to: string; from: string };

/**
 * `POST /webhooks/sms/twilio`, first half: the clinic that owns the number texted, and whether
 * Twilio signed this delivery. `publicUrl` is the URL as Twilio called it (the public origin,
 * path and query), `params` the posted form, `signature` the X-Twilio-Signature header.
 * Unknown number → not found; a signature that does not match → forbidden.
 */
export async function verifyIncomingText(publicUrl: string, params: Record<string, string>, signature: string | null): Promise<TextedClinic> {
  const to = normalizePhone(params.To);
  const from = normalizePhone(params.From);
  if (!to) throw new DomainError('bad_request', 'To is not a phone number.', { To: 'expected the number the text was sent to' });
  if (!from) throw new DomainError('bad_request', 'From is not a phone number we can answer.', { From: 'expected the sender’s phone number' });
  const db = getDb();
  const clinicId = await clinicForNumber(db, to, from);
  if (!clinicId) throw notFound('Clinic for this number');
  const setup = await readSmsSetup(db, clinicId);
  if (!setup.webhookAuthToken || !validTwilioSignature(setup.webhookAuthToken, signature, publicUrl, params)) {
    throw new DomainError('forbidden', 'The X-Twilio-Signature does not match this request, its URL and the number’s auth token.');
  }
  const clinic = await db.selectFrom('clinics').select(['id', 'name', 'phone']).where('id', '=', clinicId).executeTakeFirstOrThrow();
  return { ...clinic, to, from };
}

/**
 * Second half: the verified text, taken once per MessageSid (a MessageSid seen before gets the
 * first answer again and changes nothing) and answered with TwiML. `params` is the whole form,
 * kept with a request as it arrived.
 */
export async function receiveIncomingText(clinic: TextedClinic, message: TwilioIncoming, params: Record<string, string>): Promise<IncomingAnswer> {
  const db = getDb();
  const { to, from } = clinic;
  // Control characters other than line breaks are dropped; what owners type is otherwise kept.
  // eslint-disable-next-line no-control-regex
  const body = message.Body.replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
  const clinicId = clinic.id;
  return db.transaction().execute(async (tx) => {
    const sid = message.MessageSid;
    const fresh = await tx
      .insertInto('smsMessages')
      .values({ messageSid: sid, clinicId, fromPhone: from, toPhone: to, body, kind: 'ignored', createdAt: now() })
      .onConflict((oc) => oc.column('messageSid').doNothing())
      .returning('messageSid')
      .executeTakeFirst();
    if (!fresh) {
      const first = await tx.selectFrom('smsMessages').select(['reply', 'kind', 'refillRequestId']).where('messageSid', '=', sid).executeTakeFirstOrThrow();
      return { twiml: twimlReply(first.reply), reply: first.reply, duplicate: true, kind: first.kind, refillRequestId: first.refillRequestId };
    }
    const outcome = await handle(tx, clinic, { sid, from, body, params });
    await tx
      .updateTable('smsMessages')
      .set({ kind: outcome.kind, keyword: outcome.keyword ?? null, refillRequestId: outcome.refillRequestId, reply: outcome.reply, question: outcome.question ?? null })
      .where('messageSid', '=', sid)
      .execute();
    return { twiml: twimlReply(outcome.reply), reply: outcome.reply, duplicate: false, kind: outcome.kind, refillRequestId: outcome.refillRequestId };
  });
}

type Outcome = { kind: IncomingAnswer['kind']; reply: string | null; refillRequestId: string | null; keyword?: string; question?: string };

async function handle(tx: Transaction<Database>, clinic: Clinic, text: { sid: string; from: string; body: string; params: Record<string, string> }): Promise<Outcome> {
  const keyword = readKeyword(text.body);
  if (keyword) {
    const consent = { clinicId: clinic.id, phone: text.from, source: 'keyword' as const, keyword: keyword.keyword, consentText: text.body.slice(0, 200), messageSid: text.sid };
    if (keyword.intent === 'opt_out') {
      await recordConsent(tx, { ...consent, action: 'opt_out' });
      // Twilio itself confirms an opt-out (carriers require it) and refuses any reply to it.
      return { kind: 'keyword', keyword: keyword.keyword, reply: null, refillRequestId: null };
    }
    if (keyword.intent === 'opt_in') {
      await recordConsent(tx, { ...consent, action: 'opt_in' });
      return { kind: 'keyword', keyword: keyword.keyword, reply: `${clinic.name}: you will get texts about your pet's refills again. Reply HELP for help, STOP to opt out.`, refillRequestId: null };
    }
    return { kind: 'keyword', keyword: keyword.keyword, reply: helpText(clinic), refillRequestId: null };
  }
  if (!text.body) return { kind: 'ignored', reply: `${clinic.name}: we can only read words. Text what your pet needs, or call ${clinic.phone ?? 'the clinic'}.`, refillRequestId: null };

  // Twilio refuses to text a number that opted out, so nothing is answered by text; the request still counts.
  const optedOut = await smsOptedOut(tx, clinic.id, text.from);
  const asked = await openQuestion(tx, clinic.id, text.from, text.sid);
  if (asked) {
    const answered = await answerSmsQuestion(tx, clinic.id, asked, text.body);
    if (answered) {
      const reply = await replyFor(tx, clinic, answered, { mayAsk: false });
      return { kind: 'answer', reply: optedOut ? null : reply.text, refillRequestId: answered.id };
    }
  }
  // An opted-out sender cannot be answered by text: the usual acknowledgement (email, if any) goes instead.
  const request = await takeSmsRequest(tx, clinic.id, { from: text.from, body: text.body, raw: text.params, acknowledgedByReply: !optedOut });
  const reply = await replyFor(tx, clinic, request, { mayAsk: !optedOut });
  return { kind: 'request', reply: optedOut ? null : reply.text, refillRequestId: request.id, ...(reply.question ? { question: reply.question } : {}) };
}

/** The request the sender's previous text was asked about, if that text was their last and recent. */
async function openQuestion(tx: Transaction<Database>, clinicId: string, from: string, currentSid: string): Promise<string | null> {
  const last = await tx
    .selectFrom('smsMessages')
    .select(['question', 'refillRequestId', 'createdAt'])
    .where('clinicId', '=', clinicId)
    .where('fromPhone', '=', from)
    .where('messageSid', '!=', currentSid)
    .where('kind', 'in', ['request', 'answer'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last?.question || !last.refillRequestId) return null;
  if (now().getTime() - last.createdAt.getTime() > QUESTION_WINDOW_HOURS * 3_600_000) return null;
  return last.refillRequestId;
}

/** HELP: who is texting and how to reach a person. */
export function helpText(clinic: { name: string; phone: string | null }): string {
  return `${clinic.name}: refill requests and updates for your pets. Questions? Call ${clinic.phone ?? 'the clinic'}. Msg & data rates may apply. Reply STOP to opt out.`;
}

function listOr(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/**
 * What to text back: an acknowledgement naming the pet and medication when the request
 * matched; a question (which pet, which medication) when matching found a few equal choices;
 * otherwise an acknowledgement that the clinic will call.
 */
async function replyFor(tx: Transaction<Database>, clinic: Clinic, request: CreatedRequest, opts: { mayAsk: boolean }): Promise<{ text: string; question: string | null }> {
  const ref = `(ref ${request.reference})`;
  if (!request.matchProblem && request.prescriptionId) {
    const what = await tx
      .selectFrom('prescriptions as rx')
      .innerJoin('patients as p', 'p.id', 'rx.patientId')
      .innerJoin('medications as m', 'm.id', 'rx.medicationId')
      .select(['p.name as petName', 'm.name as medName'])
      .where('rx.id', '=', request.prescriptionId)
      .where('rx.clinicId', '=', clinic.id)
      .executeTakeFirst();
    const about = what ? ` for ${what.petName}'s ${what.medName}` : '';
    return { text: `${clinic.name}: we got your refill request${about} ${ref}. We'll text you when it's reviewed.`, question: null };
  }
  const names = (kind: 'patient' | 'prescription') => [...new Set(request.candidates.filter((c) => c.kind === kind && c.name).map((c) => c.name!))];
  if (opts.mayAsk && (request.matchProblem === 'patient_ambiguous' || request.matchProblem === 'patient_not_found')) {
    const pets = names('patient');
    if (pets.length >= 2 && pets.length <= MAX_CHOICES) {
      return { text: `${clinic.name}: which pet is this refill for: ${listOr(pets)}? Reply with the name. ${ref}`, question: 'patient' };
    }
  }
  if (opts.mayAsk && (request.matchProblem === 'prescription_ambiguous' || request.matchProblem === 'prescription_not_found')) {
    const meds = names('prescription');
    // Two choices at least: a yes/no question would collide with the YES keyword.
    if (meds.length >= 2 && meds.length <= MAX_CHOICES) {
      const pet = request.patientId ? await tx.selectFrom('patients').select('name').where('id', '=', request.patientId).where('clinicId', '=', clinic.id).executeTakeFirst() : undefined;
      const whose = pet ? `${pet.name}'s` : 'your pet’s';
      return { text: `${clinic.name}: which of ${whose} medications is this refill for: ${listOr(meds)}? Reply with the name. ${ref}`, question: 'prescription' };
    }
  }
  return { text: `${clinic.name}: we got your refill request ${ref}. We'll call you at this number if we need anything.`, question: null };
}
