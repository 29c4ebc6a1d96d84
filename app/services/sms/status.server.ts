/**
 * Twilio's status callbacks for the texts vialcart sent: each is checked against the
 * X-Twilio-Signature of the clinic's account, then moves the text's delivery state forward
 * (queued → sending → sent → delivered, or undelivered/failed with Twilio's error code). States
 * arriving out of order never move a text back. An undelivered or failed text falls back to
 * email once (writeEmailFallback).
 */
import { getDb } from '../../../db/client';
import type { SmsDeliveryStatus } from '../../../db/schema';
import { isUuid } from '../../../validators/vocabulary';
import { now } from '../platform/clock.server';
import { DomainError, notFound } from '../platform/errors';
import { log } from '../platform/logger.server';
import { writeEmailFallback } from '../owners/delivery.server';
import { deliveryStatusOf } from './channel.server';
import { readSmsSetup } from './setup.server';
import { validTwilioSignature } from './twilio.server';
import type { TwilioStatusCallback } from '../../schemas/sms';

const RANK: Record<SmsDeliveryStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3 };

/** Twilio's error codes that owners' texts commonly meet, in words for the mailbox. */
const TWILIO_ERRORS: Record<number, string> = {
  21211: 'invalid To phone number',
  21610: 'the number texted STOP to this sender',
  21614: 'not a mobile number',
  30003: 'unreachable destination handset',
  30004: 'message blocked',
  30005: 'unknown destination handset',
  30006: 'landline or unreachable carrier',
  30007: 'filtered by the carrier',
  30008: 'unknown error',
};

/** How the mailbox names a Twilio error code. */
export function describeErrorCode(code: number | null): string | null {
  if (code === null) return null;
  return `Twilio ${code}${TWILIO_ERRORS[code] ? `: ${TWILIO_ERRORS[code]}` : ''}`;
}

/** What a status callback did. */
export type StatusCallbackAnswer = { notificationId: string; deliveryStatus: SmsDeliveryStatus; changed: boolean; fallbackEmailId: string | null };

/** The text a status callback is about, once Twilio's signature checked out. */
export type ReportedText = { notificationId: string; clinicId: string };

/**
 * `POST /webhooks/sms/twilio/status?n=<notification id>`, first half: the text the callback is
 * about and whether Twilio signed it with that clinic's account. `publicUrl` is the URL as
 * Twilio called it (the configured public origin, this path and query), `params` the form.
 */
export async function verifyStatusCallback(publicUrl: string, params: Record<string, string>, signature: string | null): Promise<ReportedText> {
  const notificationId = new URL(publicUrl).searchParams.get('n') ?? '';
  if (!isUuid(notificationId)) throw notFound('Message');
  const db = getDb();
  const n = await db.selectFrom('notifications').select(['id', 'clinicId', 'channel']).where('id', '=', notificationId).executeTakeFirst();
  if (!n?.clinicId || n.channel !== 'sms') throw notFound('Message');
  const setup = await readSmsSetup(db, n.clinicId);
  if (!setup.webhookAuthToken || !validTwilioSignature(setup.webhookAuthToken, signature, publicUrl, params)) {
    throw new DomainError('forbidden', 'The X-Twilio-Signature does not match this callback and the account’s auth token.');
  }
  return { notificationId: n.id, clinicId: n.clinicId };
}

/**
 * Second half: moves the text's delivery state forward (never back), recording Twilio's error
 * code; an undelivered or failed text falls back to email once.
 */
export async function applyStatusCallback(text: ReportedText, report: TwilioStatusCallback): Promise<StatusCallbackAnswer> {
  const db = getDb();
  const n = { id: text.notificationId };
  const sid = report.MessageSid;
  const reported = report.MessageStatus;
  const status = deliveryStatusOf(reported);
  if (!status) throw new DomainError('bad_request', `MessageStatus "${reported.slice(0, 40)}" is not a delivery state.`, { MessageStatus: 'expected queued, sending, sent, delivered, undelivered or failed' });
  const errorCode = report.ErrorCode ?? null;

  return db.transaction().execute(async (tx) => {
    // Waits for the send that is still recording this text's SID (the callback can outrun it).
    const row = await tx.selectFrom('notifications').select(['providerMessageId', 'deliveryStatus', 'status']).where('id', '=', n.id).forUpdate().executeTakeFirstOrThrow();
    if (row.providerMessageId && row.providerMessageId !== sid) throw new DomainError('conflict', 'This callback names another message than the one sent.', { MessageSid: 'not this message' });
    const before = row.deliveryStatus;
    if (before && RANK[before] >= RANK[status]) return { notificationId: n.id, deliveryStatus: before, changed: false, fallbackEmailId: null };
    const failed = status === 'undelivered' || status === 'failed';
    await tx
      .updateTable('notifications')
      .set({
        providerMessageId: sid,
        provider: 'twilio',
        deliveryStatus: status,
        deliveryErrorCode: errorCode,
        deliveryUpdatedAt: now(),
        ...(failed ? { status: 'failed' as const, lastError: `Not delivered (${status}${errorCode ? `, ${describeErrorCode(errorCode)}` : ''})` } : {}),
      })
      .where('id', '=', n.id)
      .execute();
    const fallbackEmailId = failed ? await writeEmailFallback(tx, n.id) : null;
    if (failed) log().warn({ notificationId: n.id, status, errorCode }, 'text not delivered');
    return { notificationId: n.id, deliveryStatus: status, changed: true, fallbackEmailId };
  });
}
