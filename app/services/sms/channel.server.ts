/**
 * The SMS channel of the owner outbox: what happens to one pending text when its send job
 * runs. An opted-out number gets nothing; a reminder inside the clinic's quiet hours waits for
 * them to end; a clinic without a Twilio account keeps the text in the outbox; otherwise Twilio
 * takes it, and reports its fate to the status callback URL carried with it.
 */
import type { Kysely } from 'kysely';
import type { Database, Notification, SmsDeliveryStatus } from '../../../db/schema';
import { getEnv } from '../../env.server';
import { now } from '../platform/clock.server';
import { smsOptedOut } from './consent.server';
import { afterQuietHours } from './quiet-hours';
import { readSmsSetup } from './setup.server';
import { describeTwilioError, isPermanentTwilioError, sendTwilioMessage } from './twilio.server';

/** Templates that are reminders (quiet hours apply); answers to what an owner just did are not. */
export const REMINDER_TEMPLATES: readonly string[] = ['refill.reminder'];

/** The outcome of one attempt to send a text. A transient failure is thrown instead (the outbox retries). */
export type SmsDelivery =
  | { status: 'sent'; provider: 'twilio'; providerMessageId: string; deliveryStatus: SmsDeliveryStatus; deliveryErrorCode: number | null }
  | { status: 'outbox' }
  | { status: 'suppressed'; reason: string }
  | { status: 'deferred'; until: Date }
  | { status: 'failed'; error: string };

/** Why an opted-out owner got nothing (shown in the mailbox). */
export const OPTED_OUT_REASON = 'owner texted STOP (opted out of texts)';

/** The public URL Twilio reports a text's delivery states to (signed by Twilio, checked on arrival). */
export function statusCallbackUrl(notificationId: string): string {
  return new URL(`/webhooks/sms/twilio/status?n=${encodeURIComponent(notificationId)}`, getEnv().APP_URL).toString();
}

/** Twilio's word for a message's state, in vialcart's (null: a state vialcart does not follow). */
export function deliveryStatusOf(twilioStatus: string): SmsDeliveryStatus | null {
  switch (twilioStatus) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
      return 'queued';
    case 'sending':
      return 'sending';
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

/** Sends (or holds, or drops) one text of the outbox. */
export async function deliverSms(db: Kysely<Database>, { clinicId, ...n }: Notification): Promise<SmsDelivery> {
  // Only owner messages are texts, and every owner message belongs to a clinic.
  if (!clinicId) return { status: 'failed', error: 'A text needs the clinic it is sent for.' };
  if (await smsOptedOut(db, clinicId, n.toAddress)) return { status: 'suppressed', reason: OPTED_OUT_REASON };
  const [setup, clinic] = await Promise.all([
    readSmsSetup(db, clinicId),
    db.selectFrom('clinics').select('timezone').where('id', '=', clinicId).executeTakeFirstOrThrow(),
  ]);
  if (REMINDER_TEMPLATES.includes(n.template)) {
    const at = now();
    const until = afterQuietHours(at, clinic.timezone, setup.quietHours);
    if (until.getTime() !== at.getTime()) return { status: 'deferred', until };
  }
  if (!setup.credentials || !setup.sender) return { status: 'outbox' };
  try {
    const sent = await sendTwilioMessage(setup.credentials, { to: n.toAddress, body: n.body, sender: setup.sender, statusCallback: statusCallbackUrl(n.id) });
    return { status: 'sent', provider: 'twilio', providerMessageId: sent.sid, deliveryStatus: deliveryStatusOf(sent.status) ?? 'queued', deliveryErrorCode: sent.errorCode };
  } catch (error) {
    // A refusal Twilio would repeat (unsubscribed number, invalid number) is final; the rest are retried.
    if (isPermanentTwilioError(error)) return { status: 'failed', error: describeTwilioError(error) };
    throw new Error(describeTwilioError(error), { cause: error });
  }
}
