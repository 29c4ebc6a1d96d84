import type { Kysely } from 'kysely';
import { json } from '../../../db/json';
import type { Database } from '../../../db/schema';
import { now } from '../platform/clock.server';
import { enqueue } from '../platform/jobs.server';
// The SMS channel's own files (not its entry file, which also holds the webhooks that write here).
import { OPTED_OUT_REASON } from '../sms/channel.server';
import { smsOptedOut as numberOptedOut } from '../sms/consent.server';
import { countSegments } from '../sms/segments';
import {
  DEFAULT_TEMPLATES,
  renderTemplate,
  textToHtml,
  type NotificationTemplate,
  type TemplateText,
} from './notification-templates.server';
import { ownerUrl, signOwnerToken, trackingPath, unsubscribePath } from './owner-links.server';

export { NOTIFICATION_TEMPLATES, type NotificationTemplate } from './notification-templates.server';

// Owner messages go through an outbox: the row is written in the transaction of the event it
// announces, and the `notifications.send` job delivers it after commit: email by SMTP when
// SMTP_URL is set, texts through Twilio when the clinic (or the platform) has an account
// (app/services/sms, docs/sms.md); otherwise the message stays readable in the clinic's mailbox
// page. Sends that fail are retried with back-off by the task itself, and stay visible with
// their last error; a text that finally fails or is reported undelivered falls back to email once.

/** What a caller knows about the event it announces. */
export type NotificationInput = {
  clinicId: string;
  clientId: string;
  template: NotificationTemplate;
  patientId?: string;
  refillRequestId?: string;
  orderId?: string;
  /** Extra template values (e.g. `reason`, `dueOn`, `refillUrl`, `medicationName`, `prescriptionId`). */
  data: Record<string, unknown>;
  /** Makes the message once-only; defaults to template + request/order + owner + pet. */
  dedupeKey?: string;
  /** Hold the message until then (default: now). */
  sendAfter?: Date;
  /** Only this channel (an email fallback of an undelivered text); nothing is written when the owner cannot get it. */
  onlyChannel?: 'email';
  /** The text this message replaces (its email fallback). */
  fallbackOfId?: string;
};

/** Retry schedule of a failing send, in minutes after each failed attempt. */
export const RETRY_BACKOFF_MINUTES = [1, 5, 30, 120];
export const MAX_SEND_ATTEMPTS = RETRY_BACKOFF_MINUTES.length + 1;

/**
 * Writes an owner message into the outbox inside `tx` (the caller's transaction) and
 * enqueues its send. Honours the owner's channel preference, opt-ins and unsubscribe: a
 * message nobody may receive is kept as `suppressed` with the reason, so the clinic sees why.
 * A second call with the same dedupe key does nothing.
 */
export async function enqueueNotification(tx: Kysely<Database>, input: NotificationInput): Promise<void> {
  await writeNotification(tx, input);
}

/**
 * enqueueNotification, answering what it wrote: the row's id and status (`pending` or
 * `suppressed` with the reason), or null when nothing was written (unknown owner, duplicate).
 */
export async function writeNotification(
  tx: Kysely<Database>,
  input: NotificationInput,
): Promise<{ id: string; status: 'pending' | 'suppressed'; reason: string | null } | null> {
  const message = await composeNotification(tx, input);
  if (!message || (input.onlyChannel && message.suppressed)) return null;
  const dedupeKey = input.dedupeKey ?? defaultDedupeKey(input);
  const sendAfter = input.sendAfter ?? now();
  const size = message.channel === 'sms' ? countSegments(message.body) : null;
  const row = await tx
    .insertInto('notifications')
    .values({
      clinicId: input.clinicId,
      clientId: input.clientId,
      channel: message.channel,
      template: input.template,
      toAddress: message.to,
      subject: message.subject,
      body: message.body,
      html: message.html,
      status: message.suppressed ? 'suppressed' : 'pending',
      lastError: message.suppressed,
      refillRequestId: input.refillRequestId ?? null,
      orderId: input.orderId ?? null,
      patientId: message.patientId,
      dedupeKey,
      sendAfter,
      createdAt: now(),
      data: json(input.data),
      segments: size?.segments ?? null,
      encoding: size?.encoding ?? null,
      fallbackOfId: input.fallbackOfId ?? null,
    })
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return null;
  if (message.suppressed) return { id: row.id, status: 'suppressed', reason: message.suppressed };
  await enqueue(tx, 'notifications.send', { id: row.id }, { runAt: sendAfter, maxAttempts: 1, jobKey: `notification:${row.id}` });
  return { id: row.id, status: 'pending', reason: null };
}

/** An email to a member of the clinic's staff (not an owner): the address, the text and what makes it once-only. */
export type StaffEmail = { clinicId: string; template: string; to: string; subject: string; body: string; dedupeKey: string };

/**
 * Writes an email to a member of staff into the outbox inside `tx` and enqueues its send, like
 * an owner's message but without an owner's preferences (it is work mail). A second call with
 * the same dedupe key does nothing and answers false.
 */
export async function enqueueStaffEmail(tx: Kysely<Database>, email: StaffEmail): Promise<boolean> {
  const at = now();
  const row = await tx
    .insertInto('notifications')
    .values({ clinicId: email.clinicId, clientId: null, channel: 'email', template: email.template, toAddress: email.to, subject: email.subject, body: email.body, html: textToHtml(email.body), dedupeKey: email.dedupeKey, sendAfter: at, createdAt: at })
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  await enqueue(tx, 'notifications.send', { id: row.id }, { runAt: at, maxAttempts: 1, jobKey: `notification:${row.id}` });
  return true;
}

function defaultDedupeKey(input: NotificationInput): string | null {
  const about = input.refillRequestId ?? input.orderId;
  if (!about) return null;
  return [input.template, about, input.clientId, input.patientId ?? ''].join(':');
}

/** A message ready for the outbox. */
export type ComposedMessage = {
  channel: 'email' | 'sms';
  to: string;
  subject: string | null;
  body: string;
  html: string | null;
  patientId: string | null;
  /** Why it may not be sent (unsubscribed, no address…), or null. */
  suppressed: string | null;
};

/**
 * Picks the channel the owner wants and can be reached on; `suppressed` says why nobody may be
 * messaged. `reach.textUpdatesTo` is a number that asked for texts about this very request (the
 * public form's "Text me updates"); `reach.smsOptedOut` is true when the owner's number texted
 * STOP, which no preference overrides.
 */
export function chooseChannel(
  client: {
    email: string | null;
    phone: string | null;
    emailOptIn: boolean;
    smsOptIn: boolean;
    preferredChannel: 'email' | 'sms' | 'none';
    unsubscribedAt: Date | null;
  },
  reach: { smsOptedOut?: boolean; textUpdatesTo?: string | null; onlyChannel?: 'email' } = {},
): { channel: 'email' | 'sms'; to: string; suppressed: string | null } {
  const email = client.emailOptIn && client.email ? client.email : null;
  const sms = client.smsOptIn && client.phone && !reach.smsOptedOut ? client.phone : null;
  const fallback = client.preferredChannel === 'sms' && client.phone ? { channel: 'sms' as const, to: client.phone } : { channel: 'email' as const, to: client.email ?? client.phone ?? '' };
  if (client.unsubscribedAt) return { ...fallback, suppressed: 'owner unsubscribed' };
  if (reach.onlyChannel === 'email') return email ? { channel: 'email', to: email, suppressed: null } : { channel: 'email', to: client.email ?? '', suppressed: 'no email the owner agreed to' };
  if (reach.textUpdatesTo) return { channel: 'sms', to: reach.textUpdatesTo, suppressed: null };
  if (client.preferredChannel === 'none') return { ...fallback, suppressed: 'owner prefers no messages' };
  if (client.preferredChannel === 'sms' && sms) return { channel: 'sms', to: sms, suppressed: null };
  if (email) return { channel: 'email', to: email, suppressed: null };
  if (sms) return { channel: 'sms', to: sms, suppressed: null };
  if (reach.smsOptedOut && client.smsOptIn && client.phone) return { channel: 'sms', to: client.phone, suppressed: OPTED_OUT_REASON };
  return { ...fallback, suppressed: 'no email or SMS the owner agreed to' };
}

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  return s === null || s === '' ? null : s;
}

/** Joins names the way a person would: "Bella", "Bella and Max", "Bella, Max and Tig". */
export function listNames(names: string[]): string {
  const unique = [...new Set(names)];
  if (unique.length <= 1) return unique[0] ?? '';
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Renders a message for an owner: who, which pet and medication, on which channel. Null when the owner is not the clinic's. */
export async function composeNotification(db: Kysely<Database>, input: NotificationInput): Promise<ComposedMessage | null> {
  const client = await db
    .selectFrom('clients')
    .innerJoin('clinics', 'clinics.id', 'clients.clinicId')
    .select([
      'clients.id',
      'clients.firstName',
      'clients.email',
      'clients.phone',
      'clients.emailOptIn',
      'clients.smsOptIn',
      'clients.preferredChannel',
      'clients.unsubscribedAt',
      'clinics.name as clinicName',
      'clinics.phone as clinicPhone',
      'clinics.slug as clinicSlug',
      'clinics.bookingUrl',
      'clinics.timezone',
    ])
    .where('clients.id', '=', input.clientId)
    .where('clients.clinicId', '=', input.clinicId)
    .executeTakeFirst();
  if (!client) return null;

  const vars: Record<string, string | null> = {
    ownerName: client.firstName,
    clinicName: client.clinicName,
    clinicPhone: client.clinicPhone,
    bookingUrl: client.bookingUrl,
  };
  for (const [k, v] of Object.entries(input.data)) vars[k] = str(v);

  let patientId = input.patientId ?? null;
  const petNames: string[] = [];
  const medNames: string[] = [];
  // A request whose owner ticked "Text me updates" is answered by text, at the number they gave.
  let textUpdatesTo: string | null = null;

  if (input.refillRequestId) {
    const req = await db
      .selectFrom('refillRequests')
      .leftJoin('patients', 'patients.id', 'refillRequests.patientId')
      .leftJoin('prescriptions', 'prescriptions.id', 'refillRequests.prescriptionId')
      .leftJoin('medications', 'medications.id', 'prescriptions.medicationId')
      .select(['refillRequests.reference', 'refillRequests.patientId', 'refillRequests.patientName', 'refillRequests.medicationText', 'refillRequests.decisionReason', 'refillRequests.smsConsent', 'refillRequests.ownerPhone', 'patients.name as petName', 'medications.name as medName', 'medications.strength'])
      .where('refillRequests.id', '=', input.refillRequestId)
      .where('refillRequests.clinicId', '=', input.clinicId)
      .executeTakeFirst();
    if (req) {
      vars.reference ??= req.reference;
      vars.reason ??= req.decisionReason;
      patientId ??= req.patientId;
      if (!input.patientId) petNames.push(req.petName ?? req.patientName);
      medNames.push(req.medName ? `${req.medName} ${req.strength ?? ''}`.trim() : req.medicationText);
      if (req.smsConsent && req.ownerPhone && E164.test(req.ownerPhone)) textUpdatesTo = req.ownerPhone;
    }
  }

  if (input.orderId) {
    const order = await db
      .selectFrom('orders')
      .select(['id', 'carrier', 'trackingNumber', 'trackingUrl', 'expectedDelivery'])
      .where('id', '=', input.orderId)
      .where('clinicId', '=', input.clinicId)
      .executeTakeFirst();
    if (order) {
      vars.carrier ??= order.carrier;
      vars.trackingNumber ??= order.trackingNumber;
      vars.carrierTrackingUrl ??= order.trackingUrl;
      vars.expectedDelivery ??= order.expectedDelivery;
      // Only this owner's pets on the order (and only the named pet when one is given).
      const lines = await db
        .selectFrom('orderLines')
        .innerJoin('patients', 'patients.id', 'orderLines.patientId')
        .innerJoin('medications', 'medications.id', 'orderLines.medicationId')
        .select(['patients.id as patientId', 'patients.name as petName', 'medications.name as medName', 'medications.strength'])
        .where('orderLines.orderId', '=', order.id)
        .where('patients.clientId', '=', input.clientId)
        .$if(!!input.patientId, (q) => q.where('patients.id', '=', input.patientId!))
        .orderBy('orderLines.createdAt')
        .orderBy('orderLines.id')
        .execute();
      if (!input.patientId) petNames.push(...lines.map((l) => l.petName));
      if (!vars.medicationName) medNames.push(...lines.map((l) => `${l.medName} ${l.strength}`.trim()));
      // A line that came from a request whose owner asked for texts is announced by text.
      const asked = await db
        .selectFrom('refillRequests as rr')
        .innerJoin('orderLines as ol', 'ol.cartLineId', 'rr.cartLineId')
        .select(['rr.ownerPhone'])
        .where('ol.orderId', '=', order.id)
        .where('rr.clientId', '=', input.clientId)
        .where('rr.smsConsent', '=', true)
        .$if(!!input.patientId, (q) => q.where('rr.patientId', '=', input.patientId!))
        .orderBy('rr.createdAt', 'desc')
        .executeTakeFirst();
      if (asked?.ownerPhone && E164.test(asked.ownerPhone)) textUpdatesTo ??= asked.ownerPhone;
      const onePet = new Set(lines.map((l) => l.patientId));
      if (!patientId && onePet.size === 1) patientId = lines[0]!.patientId;
      vars.trackUrl ??= ownerUrl(trackingPath({ orderId: order.id, clientId: input.clientId, ...(input.patientId ? { patientId: input.patientId } : {}) }));
    }
  }

  if (!vars.medicationName && typeof input.data.prescriptionId === 'string') {
    const rx = await db
      .selectFrom('prescriptions')
      .innerJoin('medications', 'medications.id', 'prescriptions.medicationId')
      .select(['medications.name', 'medications.strength', 'prescriptions.patientId'])
      .where('prescriptions.id', '=', input.data.prescriptionId)
      .where('prescriptions.clinicId', '=', input.clinicId)
      .executeTakeFirst();
    if (rx) {
      medNames.push(`${rx.name} ${rx.strength}`.trim());
      patientId ??= rx.patientId;
    }
  }

  if (input.patientId) {
    const pet = await db
      .selectFrom('patients')
      .select(['name'])
      .where('id', '=', input.patientId)
      .where('clientId', '=', input.clientId)
      .where('clinicId', '=', input.clinicId)
      .executeTakeFirst();
    if (pet) petNames.push(pet.name);
  } else if (patientId && petNames.length === 0) {
    const pet = await db.selectFrom('patients').select(['name']).where('id', '=', patientId).where('clientId', '=', input.clientId).executeTakeFirst();
    if (pet) petNames.push(pet.name);
  }

  // No message about a pet the clinic recorded as deceased (docs/records.md, "Leaving the books").
  const pet = patientId ? await db.selectFrom('patients').select('status').where('id', '=', patientId).where('clinicId', '=', input.clinicId).executeTakeFirst() : undefined;
  const petDeceased = pet?.status === 'deceased';

  vars.petName ??= listNames(petNames) || 'your pet';
  vars.medicationName ??= listNames(medNames) || 'medication';

  const smsOptedOut = client.phone ? await numberOptedOut(db, input.clinicId, client.phone) : false;
  if (textUpdatesTo && (textUpdatesTo === client.phone ? smsOptedOut : await numberOptedOut(db, input.clinicId, textUpdatesTo))) textUpdatesTo = null;
  const reach = chooseChannel(client, { smsOptedOut, textUpdatesTo, ...(input.onlyChannel ? { onlyChannel: input.onlyChannel } : {}) });
  const text = await templateText(db, input.clinicId, input.template, reach.channel);
  let body = renderTemplate(text.body, vars);
  const subject = text.subject === null ? null : renderTemplate(text.subject, vars).split('\n')[0] || null;
  // Links every message carries, whatever a clinic's own wording says.
  if (vars.trackUrl && !body.includes(vars.trackUrl)) body += `\n\nTrack this order: ${vars.trackUrl}`;
  const unsubscribe = ownerUrl(unsubscribePath(client.id));
  body += reach.channel === 'email' ? `\n\nUnsubscribe from ${client.clinicName} messages: ${unsubscribe}` : ' Reply STOP to opt out.';

  return {
    channel: reach.channel,
    to: reach.to,
    subject: reach.channel === 'email' ? subject : null,
    body,
    html: reach.channel === 'email' ? textToHtml(body) : null,
    patientId,
    suppressed: petDeceased ? PET_DECEASED_REASON : reach.suppressed,
  };
}

/** Why a message about a pet recorded as deceased is kept unsent. */
export const PET_DECEASED_REASON = 'the pet is recorded as deceased';

/**
 * Keeps unsent the owner messages still waiting about a patient who died (about the pet, or
 * about one of its refill requests), marked `suppressed` with the reason; answers how many.
 */
export async function suppressPatientNotifications(tx: Kysely<Database>, clinicId: string, patientId: string): Promise<number> {
  const result = await tx
    .updateTable('notifications')
    .set({ status: 'suppressed', lastError: PET_DECEASED_REASON })
    .where('clinicId', '=', clinicId)
    .where('audience', '=', 'owner')
    .where('status', '=', 'pending')
    .where((eb) =>
      eb.or([
        eb('patientId', '=', patientId),
        eb('refillRequestId', 'in', eb.selectFrom('refillRequests').select('id').where('patientId', '=', patientId).where('clinicId', '=', clinicId)),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The clinic's wording of a template on a channel, or the default. */
export async function templateText(db: Kysely<Database>, clinicId: string, template: NotificationTemplate, channel: 'email' | 'sms'): Promise<TemplateText> {
  const override = await db
    .selectFrom('notificationTemplates')
    .select(['subject', 'body'])
    .where('clinicId', '=', clinicId)
    .where('template', '=', template)
    .where('channel', '=', channel)
    .executeTakeFirst();
  const fallback = DEFAULT_TEMPLATES[template][channel];
  return override ? { subject: override.subject ?? fallback.subject, body: override.body } : fallback;
}

/** The link a reminder carries: opens the clinic's public refill form prefilled for this prescription. */
export function refillRequestUrl(clinicSlug: string, payload: { prescriptionId: string; clientId: string; patientId: string; clinicId: string }): string {
  return ownerUrl(`/c/${clinicSlug}/refill?r=${encodeURIComponent(signOwnerToken('refill', payload))}`);
}
