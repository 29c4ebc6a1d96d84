/**
 * What Twilio posts (docs/sms.md), and the clinic's texting settings form. Twilio's webhooks
 * carry many more fields than these; the rest pass through untouched (they are signed too).
 */
import { z } from 'zod';

const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** An incoming text (Twilio's messaging webhook). */
export const twilioIncomingSchema = z.looseObject({
  MessageSid: z.string().regex(MESSAGE_SID, 'MessageSid must be SM or MM followed by 32 hex digits.'),
  From: z.string().trim().min(1, 'From is missing.').max(32, 'From is longer than a phone number.'),
  To: z.string().trim().min(1, 'To is missing.').max(32, 'To is longer than a phone number.'),
  // A picture-only message has an empty body; longer than 1,600 characters is not one text.
  Body: z.string().max(1600, 'Body is longer than 1,600 characters.').default(''),
});
export type TwilioIncoming = z.output<typeof twilioIncomingSchema>;

/** A status callback for a text vialcart sent (SmsSid/SmsStatus are the older names of the same fields). */
export const twilioStatusCallbackSchema = z
  .looseObject({
    MessageSid: z.string().optional(),
    SmsSid: z.string().optional(),
    MessageStatus: z.string().max(40).optional(),
    SmsStatus: z.string().max(40).optional(),
    ErrorCode: z.string().optional(),
  })
  .transform((v, ctx) => {
    const sid = v.MessageSid ?? v.SmsSid ?? '';
    if (!MESSAGE_SID.test(sid)) ctx.addIssue({ code: 'custom', path: ['MessageSid'], message: 'MessageSid must be SM or MM followed by 32 hex digits.' });
    const status = v.MessageStatus ?? v.SmsStatus ?? '';
    if (!status) ctx.addIssue({ code: 'custom', path: ['MessageStatus'], message: 'MessageStatus is missing.' });
    if (v.ErrorCode !== undefined && v.ErrorCode !== '' && !/^\d{1,6}$/.test(v.ErrorCode)) ctx.addIssue({ code: 'custom', path: ['ErrorCode'], message: 'ErrorCode is a number.' });
    return { MessageSid: sid, MessageStatus: status, ErrorCode: v.ErrorCode ? Number(v.ErrorCode) : null };
  });
export type TwilioStatusCallback = z.output<typeof twilioStatusCallbackSchema>;

const sid = (prefix: string, what: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? null : v))
    .pipe(z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `${what} starts with ${prefix} followed by 32 letters and digits.`).nullable());

const hhmm = z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time like 20:00.');

/** The clinic's texting settings (/settings/sms). Secrets left empty keep the stored ones. */
export const smsSettingsSchema = z
  .object({
    phoneNumber: z
      .string()
      .trim()
      .transform((v) => v.replace(/[\s().-]/g, ''))
      .transform((v) => (v === '' ? null : /^\d{10}$/.test(v) ? `+1${v}` : v))
      .pipe(z.string().regex(E164, 'Enter the number in international form, like +19165550100.').nullable()),
    messagingServiceSid: sid('MG', 'A Messaging Service SID'),
    accountSid: sid('AC', 'An Account SID'),
    authToken: z.string().trim().max(200, 'That is longer than an auth token.').optional().default(''),
    apiKeySid: sid('SK', 'An API key SID'),
    apiKeySecret: z.string().trim().max(200, 'That is longer than an API key secret.').optional().default(''),
    quietStart: hhmm,
    quietEnd: hhmm,
    clearAuthToken: z.union([z.literal('on'), z.literal('true'), z.boolean()]).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.apiKeySid && !v.accountSid) ctx.addIssue({ code: 'custom', path: ['accountSid'], message: 'An API key belongs to an account: enter the Account SID too.' });
  });
export type SmsSettingsForm = z.input<typeof smsSettingsSchema>;
export type SmsSettingsInput = z.output<typeof smsSettingsSchema>;
