import { z } from 'zod';
import { NOTIFICATION_CHANNELS, NOTIFICATION_TEMPLATES, unknownPlaceholderError } from '~/lib/notification-templates';

const templateFields = z.object({
  template: z.enum(NOTIFICATION_TEMPLATES, { error: 'Choose a template.' }),
  channel: z.enum(NOTIFICATION_CHANNELS, { error: 'Choose a channel.' }),
  subject: z.string().trim().max(300, 'At most 300 characters.').optional().default(''),
  body: z.string().trim().min(1, 'Write the message.').max(5000, 'At most 5,000 characters.'),
});

function knownPlaceholdersOnly(v: z.output<typeof templateFields>, ctx: z.RefinementCtx) {
  for (const field of ['subject', 'body'] as const) {
    const message = unknownPlaceholderError(v.template, v[field] ?? '');
    if (message) ctx.addIssue({ code: 'custom', path: [field], message });
  }
}

/** One owner message's wording (settings → message templates); the form and its action share it. */
export const notificationTemplateSchema = templateFields.superRefine(knownPlaceholdersOnly);
export type NotificationTemplateForm = z.input<typeof notificationTemplateSchema>;

/** Which message "Reset to default" is about. */
export const notificationTemplateKeySchema = z.object({
  template: z.enum(NOTIFICATION_TEMPLATES, { error: 'Choose a template.' }),
  channel: z.enum(NOTIFICATION_CHANNELS, { error: 'Choose a channel.' }),
});

/** The templates page's two buttons: save the wording, or reset it to the default. */
export const templateActionSchema = z.discriminatedUnion(
  'intent',
  [templateFields.extend({ intent: z.literal('save') }).superRefine(knownPlaceholdersOnly), notificationTemplateKeySchema.extend({ intent: z.literal('reset') })],
  { error: 'Unknown action.' },
);
