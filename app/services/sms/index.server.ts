/**
 * The SMS room: owners' texts through Twilio (docs/sms.md, docs/decisions/010-sms-through-twilio.md).
 * Routes and other rooms import from here.
 *
 * It owns
 * - where a clinic's texts go (setup.server.ts): its own Twilio account and number, or the
 *   platform's (TWILIO_* variables), or nowhere (the outbox keeps them);
 * - every call to Twilio (twilio.server.ts): sending through the official `twilio` package
 *   (its REST base URL configurable for the local stand-in), checking webhook signatures, TwiML;
 * - the outbox's SMS channel (channel.server.ts): opted-out numbers get nothing, reminders wait
 *   out quiet hours (quiet-hours.ts), texts carry a signed status callback URL; segments are
 *   counted when a text is written (segments.ts);
 * - delivery reports (status.server.ts): Twilio's status callbacks move a text's delivery state,
 *   an undelivered text falls back to email once;
 * - texts received (inbound.server.ts): routed by the number texted, de-duplicated by
 *   MessageSid, consent keywords (keywords.ts, consent.server.ts), answers to a question asked
 *   back, refill requests through the requests room's SMS intake, answered with TwiML;
 * - the clinic's texting settings page (settings.server.ts).
 *
 * The owner outbox (owners/notifications.server.ts) imports channel, consent and segments
 * directly, not through this file: this file also exports the delivery reports, which write
 * to the outbox.
 */
export { deliverSms, deliveryStatusOf, OPTED_OUT_REASON, statusCallbackUrl, type SmsDelivery } from './channel.server';
export { latestConsent, recordConsent, smsOptedOut, type ConsentEntry } from './consent.server';
export { helpText, QUESTION_WINDOW_HOURS, receiveIncomingText, verifyIncomingText, type IncomingAnswer, type TextedClinic } from './inbound.server';
export { HELP_KEYWORDS, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, readKeyword } from './keywords';
export { afterQuietHours, DEFAULT_QUIET_HOURS, inQuietHours, type QuietHours } from './quiet-hours';
export { countSegments, type SmsEncoding } from './segments';
export { getSmsSettings, updateSmsSettings } from './settings.server';
export { clinicForNumber, readSmsSetup, type SmsSender, type SmsSetup, type TwilioCredentials } from './setup.server';
export { applyStatusCallback, describeErrorCode, verifyStatusCallback, type ReportedText, type StatusCallbackAnswer } from './status.server';
export { twimlReply, validTwilioSignature } from './twilio.server';
