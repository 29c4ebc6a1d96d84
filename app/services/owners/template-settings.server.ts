import { allowed } from '../identity/permissions';
import { getDb } from '../../../db/client';
import { NOTIFICATION_CHANNELS, NOTIFICATION_TEMPLATES, TEMPLATE_PLACEHOLDERS, unknownPlaceholderError, type NotificationChannel, type NotificationTemplate } from '~/lib/notification-templates';
import { audit } from '../audit/audit.server';
import { now } from '../platform/clock.server';
import { badRequest, DomainError, notFound } from '../platform/errors';
import { DEFAULT_TEMPLATES, type TemplateText } from './notification-templates.server';
import { clinicScope, userIdOf, type Principal } from '../identity/principal';

// The clinic's own wording of owner messages (table notification_templates). Managers edit
// it on /settings/templates; enqueueNotification reads it through templateText().

/** One message on one channel: the default, the clinic's override (if any), its placeholders. */
export type ClinicTemplate = {
  template: NotificationTemplate;
  channel: NotificationChannel;
  defaults: TemplateText;
  override: (TemplateText & { updatedAt: Date; updatedBy: string | null }) | null;
  placeholders: readonly string[];
};

/** Managers (and admins acting for a clinic) change the wording; everyone else reads it. */
export function canEditTemplates(principal: Principal): boolean {
  return allowed(principal, 'templates.edit');
}

function requireEditor(principal: Principal): void {
  if (!canEditTemplates(principal)) throw new DomainError('forbidden', 'Only a manager changes the clinic’s message templates.');
}

/** Every template × channel of the principal's clinic, in the order messages happen. */
export async function listClinicTemplates(principal: Principal): Promise<ClinicTemplate[]> {
  const clinicId = clinicScope(principal);
  const rows = await getDb()
    .selectFrom('notificationTemplates')
    .leftJoin('users', 'users.id', 'notificationTemplates.updatedBy')
    .select([
      'notificationTemplates.template',
      'notificationTemplates.channel',
      'notificationTemplates.subject',
      'notificationTemplates.body',
      'notificationTemplates.updatedAt',
      'users.name as updatedBy',
    ])
    .where('notificationTemplates.clinicId', '=', clinicId)
    .execute();
  const byKey = new Map(rows.map((r) => [`${r.template}:${r.channel}`, r]));
  return NOTIFICATION_TEMPLATES.flatMap((template) =>
    NOTIFICATION_CHANNELS.map((channel) => {
      const row = byKey.get(`${template}:${channel}`);
      return {
        template,
        channel,
        defaults: DEFAULT_TEMPLATES[template][channel],
        override: row
          ? {
              subject: row.subject,
              body: row.body,
              updatedAt: row.updatedAt,
              updatedBy: row.updatedBy,
            }
          : null,
        placeholders: TEMPLATE_PLACEHOLDERS[template],
      };
    })
  );
}

/**
 * Saves the clinic's wording of one message. An empty subject keeps the default subject; SMS
 * has none. A placeholder the template does not fill is a field error naming it.
 */
export async function saveClinicTemplate(
  principal: Principal,
  input: {
    template: NotificationTemplate;
    channel: NotificationChannel;
    subject: string | null;
    body: string;
  }
): Promise<void> {
  const clinicId = clinicScope(principal);
  requireEditor(principal);
  if (!NOTIFICATION_TEMPLATES.includes(input.template) || !NOTIFICATION_CHANNELS.includes(input.channel)) throw notFound('Template');
  const subject = input.channel === 'sms' ? null : input.subject?.trim() || null;
  const body = input.body.trim();
  const fields: Record<string, string> = {};
  for (const [field, text] of [
    ['subject', subject ?? ''],
    ['body', body],
  ] as const) {
    const error = unknownPlaceholderError(input.template, text);
    if (error) fields[field] = error;
  }
  if (!body) fields.body ??= 'Write the message.';
  if (Object.keys(fields).length) throw badRequest('Check the highlighted fields.', fields);
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const previous = await tx
        .selectFrom('notificationTemplates')
        .select(['subject', 'body'])
        .where('clinicId', '=', clinicId)
        .where('template', '=', input.template)
        .where('channel', '=', input.channel)
        .forUpdate()
        .executeTakeFirst();
      await tx
        .insertInto('notificationTemplates')
        .values({
          clinicId,
          template: input.template,
          channel: input.channel,
          subject,
          body,
          updatedBy: userIdOf(principal),
          updatedAt: now(),
        })
        .onConflict((oc) =>
          oc.columns(['clinicId', 'template', 'channel']).doUpdateSet({
            subject,
            body,
            updatedBy: userIdOf(principal),
            updatedAt: now(),
          })
        )
        .execute();
      await audit(tx, principal, {
        clinicId,
        action: 'notification_template.updated',
        subjectType: 'notification_template',
        subjectId: `${input.template}:${input.channel}`,
        detail: {
          template: input.template,
          channel: input.channel,
          before: previous ?? null,
          after: { subject, body },
        },
      });
    });
}

/** Removes the clinic's wording of one message, so the default applies again. */
export async function resetClinicTemplate(principal: Principal, input: { template: NotificationTemplate; channel: NotificationChannel }): Promise<void> {
  const clinicId = clinicScope(principal);
  requireEditor(principal);
  await getDb()
    .transaction()
    .execute(async (tx) => {
      const removed = await tx
        .deleteFrom('notificationTemplates')
        .where('clinicId', '=', clinicId)
        .where('template', '=', input.template)
        .where('channel', '=', input.channel)
        .returning(['subject', 'body'])
        .executeTakeFirst();
      if (!removed) return;
      await audit(tx, principal, {
        clinicId,
        action: 'notification_template.reset',
        subjectType: 'notification_template',
        subjectId: `${input.template}:${input.channel}`,
        detail: {
          template: input.template,
          channel: input.channel,
          before: removed,
        },
      });
    });
}
