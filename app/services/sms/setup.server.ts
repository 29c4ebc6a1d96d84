/**
 * Where a clinic's texts go and come from: its own Twilio account and number
 * (clinic_sms_settings), or the platform's (TWILIO_* variables), or nowhere (texts stay in the
 * outbox). docs/sms.md describes the precedence.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { getEnv } from '../../env.server';
import { openSecret } from '../platform/secrets.server';
import { DEFAULT_QUIET_HOURS, type QuietHours } from './quiet-hours';

/** Credentials for Twilio's REST API: the account, and who signs in (the account or an API key). */
export type TwilioCredentials = { accountSid: string; username: string; password: string };

/** Who sends a clinic's texts: a Messaging Service or a number. */
export type SmsSender = { messagingServiceSid: string } | { from: string };

/** Everything the SMS channel needs to know about one clinic. */
export type SmsSetup = {
  clinicId: string;
  /** The clinic's own Twilio number, when it has one. */
  phoneNumber: string | null;
  /** Checks X-Twilio-Signature on texts to the clinic's number and on status callbacks of its texts. */
  webhookAuthToken: string | null;
  /** Null: no account to send with; texts stay in the outbox. */
  credentials: TwilioCredentials | null;
  sender: SmsSender | null;
  /** Whose account sends: the clinic's own, or the platform's. */
  account: 'clinic' | 'platform' | null;
  quietHours: QuietHours;
};

/** The clinic's SMS setup, from its settings and the platform's environment. */
export async function readSmsSetup(db: Kysely<Database>, clinicId: string): Promise<SmsSetup> {
  const row = await db.selectFrom('clinicSmsSettings').selectAll().where('clinicId', '=', clinicId).executeTakeFirst();
  const env = getEnv();
  const clinicToken = openSecret(row?.authTokenSealed);
  let credentials: TwilioCredentials | null = null;
  let account: SmsSetup['account'] = null;
  if (row?.accountSid) {
    const keySecret = row.apiKeySid ? openSecret(row.apiKeySecretSealed) : null;
    const password = row.apiKeySid ? keySecret : clinicToken;
    if (password) {
      credentials = { accountSid: row.accountSid, username: row.apiKeySid ?? row.accountSid, password };
      account = 'clinic';
    }
  } else if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN) {
    credentials = {
      accountSid: env.TWILIO_ACCOUNT_SID,
      username: env.TWILIO_API_KEY_SID ?? env.TWILIO_ACCOUNT_SID,
      password: env.TWILIO_API_KEY_SECRET ?? env.TWILIO_AUTH_TOKEN,
    };
    account = 'platform';
  }
  const sender: SmsSender | null = row?.messagingServiceSid
    ? { messagingServiceSid: row.messagingServiceSid }
    : row?.phoneNumber
      ? { from: row.phoneNumber }
      : account === 'platform' && env.TWILIO_MESSAGING_SERVICE_SID
        ? { messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID }
        : account === 'platform' && env.TWILIO_FROM_NUMBER
          ? { from: env.TWILIO_FROM_NUMBER }
          : null;
  return {
    clinicId,
    phoneNumber: row?.phoneNumber ?? null,
    webhookAuthToken: clinicToken ?? (row?.accountSid ? null : (env.TWILIO_AUTH_TOKEN ?? null)),
    credentials,
    sender,
    account,
    quietHours: row ? { start: row.quietStart, end: row.quietEnd } : DEFAULT_QUIET_HOURS,
  };
}

/**
 * The clinic a text to `to` belongs to: the clinic whose own number it is; for the platform's
 * shared number, the clinic that last texted the sender. Null when neither.
 */
export async function clinicForNumber(db: Kysely<Database>, to: string, from: string): Promise<string | null> {
  const own = await db.selectFrom('clinicSmsSettings').select('clinicId').where('phoneNumber', '=', to).executeTakeFirst();
  if (own) return own.clinicId;
  if (to !== getEnv().TWILIO_FROM_NUMBER) return null;
  const last = await db
    .selectFrom('notifications')
    .select('clinicId')
    .where('channel', '=', 'sms')
    .where('toAddress', '=', from)
    .where('provider', '=', 'twilio')
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.clinicId ?? null;
}
