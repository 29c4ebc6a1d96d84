import { z } from 'zod';
import { REQUEST_QUEUES, REQUEST_STATUSES, TARGETED_QUEUES, type TargetedQueue } from '../../validators/vocabulary';

/**
 * Owner refill requests: the public form, the JSON API body, the PIMS and SMS webhook
 * payloads, a staff decision and the clinic's intake settings. Shared by react-hook-form, the
 * actions and the API routes, so every channel accepts exactly the same text.
 *
 * Names and medicines are checked against what they can contain (letters, digits, a little
 * punctuation), so markup, SQL fragments and control characters are refused with a message
 * naming the field instead of being stored and shown to staff later.
 */

const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .,'’-]*$/u;
const MEDICATION = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} .,/()%+'’-]*$/u;
// Free text (a note): anything printable except markup brackets.
const FREE_TEXT = /^[^<>\p{Cc}]*$/u;
const FREE_TEXT_MULTILINE = /^[^<>\p{Cc}]*(?:\r?\n[^<>\p{Cc}]*)*$/u;

/** E.164 as owners type it: +, spaces, dots, dashes and brackets around 10–15 digits. */
export const PHONE_INPUT = /^\+?[\d\s().-]{7,24}$/;

/** "the owner name", but "your name" as it is (never "the your name"). */
const the = (label: string) => (label.startsWith('your ') ? label : `the ${label}`);

const personName = (label: string, max: number) =>
  z
    .string({ error: `Enter ${the(label)}.` })
    .trim()
    .min(1, `Enter ${the(label)}.`)
    .max(max, `Keep ${the(label)} under ${max} characters.`)
    .regex(NAME, `Use letters, spaces, hyphens and apostrophes only in ${the(label)}.`);

const medicationText = z
  .string({ error: 'Enter the medication.' })
  .trim()
  .min(2, 'Enter the medication, e.g. "methimazole" or "Apoquel".')
  .max(120, 'Keep the medication under 120 characters.')
  .regex(MEDICATION, 'Use letters, numbers and . , / ( ) % + - only in the medication.');

const optionalPhone = z
  .string()
  .trim()
  .max(24, 'That phone number is too long.')
  .regex(/^(\+?[\d\s().-]{7,24})?$/, 'Enter a phone number like (916) 555-0123.')
  .optional()
  .transform((v) => (v ? v : undefined));

const optionalEmail = z
  .string()
  .trim()
  .max(254, 'That email is too long.')
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.email('Enter a valid email address.').optional());

/** The owner's choice: runs out today, in 1–2 days, or later. */
export const URGENCIES = ['routine', 'soon', 'today'] as const;
export const urgencySchema = z.enum(URGENCIES, { error: 'Choose when it runs out.' });

function needsContact(v: { ownerPhone?: string; ownerEmail?: string }, ctx: z.RefinementCtx) {
  if (!v.ownerPhone && !v.ownerEmail) {
    ctx.addIssue({ code: 'custom', path: ['ownerPhone'], message: 'Give a phone number or an email so we can reach you.' });
  }
}

/**
 * The words beside the public form's "Text me updates" box. Recorded, with the time, as the
 * owner's consent to texts when they tick it (docs/sms.md): change them here and nowhere else.
 */
export const SMS_CONSENT_TEXT = 'Text me updates about this request (message rates may apply; reply STOP to opt out, HELP for help).';

/** The public form at /c/:clinicSlug/refill (values arrive as strings). */
export const publicRefillFormSchema = z
  .object({
    ownerName: personName('your name', 100),
    ownerPhone: optionalPhone,
    ownerEmail: optionalEmail,
    patientName: personName("your pet's name", 60),
    medication: medicationText,
    dosesLeft: z
      .string()
      .trim()
      .regex(/^\d{0,3}$/, 'Enter a whole number of doses, or leave it empty.')
      .optional()
      .transform((v) => (v ? Number(v) : undefined)),
    urgency: urgencySchema.default('routine'),
    // A checkbox: "on" from the posted form, true/false from react-hook-form in the browser.
    smsConsent: z
      .union([z.string().max(10), z.boolean()])
      .optional()
      .transform((v) => v === true || v === 'on' || v === 'true' || v === '1'),
  })
  .superRefine(needsContact);
export type PublicRefillForm = z.input<typeof publicRefillFormSchema>;
export type PublicRefillFormData = z.output<typeof publicRefillFormSchema>;

/** Where a request came in, as stored (API.md `channel`). */
export const CHANNELS = ['web', 'sms', 'pims', 'api', 'phone', 'reminder'] as const;

/** `POST /api/v1/refill-requests` (API.md). */
export const apiRefillRequestSchema = z
  .object({
    ownerName: personName('owner name', 100),
    ownerPhone: optionalPhone,
    ownerEmail: optionalEmail,
    patientName: personName('patient name', 60),
    medication: medicationText,
    dosesLeft: z.number().int().min(0).max(999).optional(),
    urgency: urgencySchema.optional(),
    channel: z.enum(CHANNELS).optional(),
    smsConsent: z.boolean().optional(),
    note: z.string().trim().max(1000).regex(FREE_TEXT_MULTILINE, 'Remove < and > and control characters from the note.').optional(),
  })
  .strict()
  .superRefine(needsContact);
export type ApiRefillRequest = z.output<typeof apiRefillRequestSchema>;

/** A PIMS `prescription.requested` event posted to /webhooks/intake/:clinicSlug. */
export const pimsEventSchema = z.object({
  id: z.string().trim().min(1).max(100).regex(/^[\w.:-]+$/, 'Event ids use letters, digits and . _ : - only.'),
  type: z.string().max(100),
  created: z.number().int().optional(),
  data: z.object({
    client: z.object({
      id: z.string().trim().max(64).regex(/^[\w.-]*$/).optional(),
      name: personName('client name', 100).optional(),
      firstName: personName('client first name', 60).optional(),
      lastName: personName('client last name', 60).optional(),
      phone: optionalPhone,
      email: optionalEmail,
    }),
    patient: z.object({
      id: z.string().trim().max(64).regex(/^[\w.-]*$/).optional(),
      name: personName('patient name', 60),
    }),
    medication: z.union([medicationText, z.object({ name: medicationText })]),
    dosesLeft: z.number().int().min(0).max(999).optional(),
    urgency: urgencySchema.optional(),
    note: z.string().trim().max(1000).regex(FREE_TEXT_MULTILINE, 'Remove < and > and control characters from the note.').optional(),
  }),
});
export type PimsEvent = z.output<typeof pimsEventSchema>;

/** An SMS gateway's form post (Twilio-style field names). */
export const smsWebhookSchema = z.object({
  From: z.string().trim().regex(PHONE_INPUT, 'From must be a phone number.'),
  Body: z.string().trim().min(1, 'Body is empty.').max(1600, 'Body is longer than 1,600 characters.').regex(FREE_TEXT, 'Body contains markup or control characters.'),
  MessageSid: z.string().trim().max(64).regex(/^[\w-]*$/).optional(),
  To: z.string().trim().max(24).optional(),
});
export type SmsWebhook = z.output<typeof smsWebhookSchema>;

/** A staff or API decision (API.md `/refill-requests/:id/decision`). */
export const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'deny', 'request_exam'], { error: 'decision is approve, deny or request_exam.' }),
    reason: z.string().trim().max(500, 'Keep the reason under 500 characters.').regex(FREE_TEXT_MULTILINE, 'Remove < and > from the reason.').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.decision === 'deny' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Say why the refill is denied; the owner is told.' });
  });
export type Decision = z.output<typeof decisionSchema>;

/** A note on a request (queues page). */
export const requestNoteSchema = z.object({
  text: z.string().trim().min(1, 'Write the note.').max(1000, 'Keep the note under 1,000 characters.').regex(FREE_TEXT_MULTILINE, 'Remove < and > from the note.'),
});

/** Blank (or only spaces) reads as not given. */
const optionalText = z.string().optional().transform((v) => v?.trim() || undefined);
const requestId = z.string({ message: 'Reload the page: the request is missing.' }).min(1).max(64);

/** Every intent of the Requests page's action, one variant per button. */
export const requestsActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.enum(['assign', 'dispensed']), id: requestId }),
    z
      .object({ intent: z.enum(['approve', 'deny', 'request_exam']), id: requestId, reason: optionalText.pipe(decisionSchema.shape.reason) })
      .superRefine((v, ctx) => {
        if (v.intent === 'deny' && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Say why the refill is denied; the owner is told.' });
      }),
    z.object({ intent: z.literal('owner_called'), id: requestId, text: optionalText }),
    z.object({ intent: z.literal('note'), id: requestId, text: z.string().optional().transform((v) => v ?? '').pipe(requestNoteSchema.shape.text) }),
    z.object({ intent: z.literal('resolve'), id: requestId, prescriptionId: z.string().optional().transform((v) => v ?? '') }),
  ],
  { error: 'That action is not available.' },
);
export type RequestsAction = z.output<typeof requestsActionSchema>;

/** `GET /api/v1/refill-requests?queue=&status=` */
export const listRequestsQuerySchema = z.object({
  queue: z.enum(REQUEST_QUEUES).optional(),
  status: z.enum(REQUEST_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const minutes = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `Enter the ${label} in minutes.` })
    .int(`Enter whole minutes for the ${label}.`)
    .min(min, `The ${label} is at least ${min} minutes.`)
    .max(max, `The ${label} is at most ${max} minutes.`);

const TARGET_NAMES = {
  tech_urgent: 'urgent technician target',
  tech_standard: 'routine technician target',
  vet_review: 'veterinarian review target',
  exception_exam: 'exam-due target',
  front_desk: 'front desk target',
} satisfies Record<TargetedQueue, string>;
/** One minutes field per queue with a target, named by the queue (settings and the admin clinic form). */
export const queueTargets = Object.fromEntries(TARGETED_QUEUES.map((q) => [q, minutes(TARGET_NAMES[q], 5, 10080)])) as { [Q in TargetedQueue]: ReturnType<typeof minutes> };

/** The intake and SLA section of /settings (manager). */
export const intakeSettingsSchema = z.object({
  wellnessWindowMonths: z.coerce.number({ error: 'Enter months.' }).int('Whole months.').min(1, 'At least 1 month.').max(60, 'At most 60 months.'),
  ...queueTargets,
  dayEndsAt: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time like 18:00.'),
  urgentReminderMinutes: minutes('urgent reminder', 5, 1440),
  escalateAfterMinutes: minutes('escalation time', 15, 10080),
  escalationUserId: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.uuid('Choose a person.').nullable()),
  bookingUrl: z
    .string()
    .trim()
    .max(500)
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.url({ protocol: /^https?$/, error: 'Enter a web address starting with https://' }).nullable()),
});
export type IntakeSettingsForm = z.input<typeof intakeSettingsSchema>;
