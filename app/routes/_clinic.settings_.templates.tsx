import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { Toaster } from '~/components/toast';
import { DateTimeText } from '~/components/date';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { formAction, readForm } from '~/http/forms.server';
import { renderTemplate, SAMPLE_VALUES, type NotificationChannel, type NotificationTemplate } from '~/lib/notification-templates';
import { notificationTemplateSchema, templateActionSchema } from '~/schemas/notification-template';
import { requireUser } from '~/services/identity/auth.server';
import { canEditTemplates, listClinicTemplates, resetClinicTemplate, saveClinicTemplate } from '~/services/owners/template-settings.server';

export const meta: MetaFunction = () => [{ title: 'Message templates — Settings — vialcart' }];

const LABELS: Record<NotificationTemplate, string> = {
  'request.acknowledged': 'Request received',
  'request.approved': 'Request approved',
  'request.denied': 'Request denied',
  'request.exam_needed': 'Exam needed',
  'order.shipped': 'Order shipped',
  'order.ready_for_pickup': 'Ready for pickup',
  'order.delivered': 'Order delivered',
  'refill.reminder': 'Refill reminder',
};
const CHANNEL_LABELS: Record<NotificationChannel, string> = {
  email: 'Email',
  sms: 'SMS',
};

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const templates = await listClinicTemplates(user);
  const url = new URL(request.url);
  const selected = templates.find((t) => t.template === url.searchParams.get('template') && t.channel === (url.searchParams.get('channel') ?? 'email')) ?? null;
  return json({ templates, selected, canEdit: canEditTemplates(user) });
}

type Result = FormErrors & { saved?: 'saved' | 'reset' };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(
    async (): Promise<Result> => {
      const input = readForm(form, templateActionSchema);
      if (input.intent === 'reset') {
        await resetClinicTemplate(user, { template: input.template, channel: input.channel });
        return { saved: 'reset' };
      }
      const { intent: _intent, ...wording } = input;
      await saveClinicTemplate(user, { ...wording, subject: wording.subject || null });
      return { saved: 'saved' };
    },
    { values: form },
  );
}

function editHref(template: string, channel: string): string {
  return `?template=${encodeURIComponent(template)}&channel=${channel}`;
}

export default function TemplateSettingsPage() {
  const { templates, selected, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const toast = actionData?.saved
    ? {
        id: String(Date.now()),
        text: actionData.saved === 'reset' ? 'Template reset: owners get the default wording.' : 'Template saved. New messages use it.',
        tone: 'success' as const,
      }
    : null;
  return (
    <div className="stack-lg">
      <PageHeader
        title="Message templates"
        description="The wording of the messages owners get from the clinic, per channel. Placeholders like {{petName}} are filled for each owner and pet."
        actions={<ButtonLink to="/settings">Back to settings</ButtonLink>}
      />
      <Toaster message={toast} />
      {selected ? <TemplateEditor key={`${selected.template}:${selected.channel}`} template={selected} canEdit={canEdit} /> : null}
      <section aria-labelledby="templates-heading" className="card">
        <div className="card__header">
          <h2 id="templates-heading">Templates</h2>
          {canEdit ? null : <p className="muted">Only a manager can change these.</p>}
        </div>
        <div className="data-table-wrap" role="region" aria-labelledby="templates-caption" tabIndex={0}>
          <table className="data-table">
            <caption id="templates-caption">Owner message templates</caption>
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">Channel</th>
                <th scope="col">Default wording</th>
                <th scope="col">This clinic</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {templates.map((t) => (
                <tr key={`${t.template}:${t.channel}`}>
                  <th scope="row">
                    {LABELS[t.template]}
                    <div className="muted text-sm mono">{t.template}</div>
                  </th>
                  <td>{CHANNEL_LABELS[t.channel]}</td>
                  <td className="text-sm">
                    {t.defaults.subject ? (
                      <div>
                        <strong>{t.defaults.subject}</strong>
                      </div>
                    ) : null}
                    <div style={{ whiteSpace: 'pre-line' }}>{t.defaults.body}</div>
                  </td>
                  <td>{t.override ? <Badge tone="info">Custom wording</Badge> : <Badge>Default</Badge>}</td>
                  <td>
                    <Link to={editHref(t.template, t.channel)} aria-label={`${canEdit ? 'Edit' : 'View'} ${LABELS[t.template]} (${CHANNEL_LABELS[t.channel]})`}>
                      {canEdit ? 'Edit' : 'View'}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

type Selected = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['selected']>;

function TemplateEditor({ template: t, canEdit }: { template: Selected; canEdit: boolean }) {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const current = t.override ?? t.defaults;
  const typed = actionData?.values as { subject?: string; body?: string } | undefined;
  const { register, onSubmit, errorOf, watch } = useRemixForm(notificationTemplateSchema, {
    defaultValues: {
      template: t.template,
      channel: t.channel,
      subject: typed?.subject ?? current.subject ?? '',
      body: typed?.body ?? current.body,
    },
    actionData,
  });
  const subject = watch('subject') ?? '';
  const body = watch('body') ?? '';
  const sample = { ...SAMPLE_VALUES };
  const previewSubject = t.channel === 'email' ? renderTemplate(subject || (t.defaults.subject ?? ''), sample).split('\n')[0] : null;
  const previewBody = renderTemplate(body, sample);
  const busy = navigation.state !== 'idle';
  const title = `${LABELS[t.template]} · ${CHANNEL_LABELS[t.channel]}`;
  return (
    <section aria-labelledby="editor-heading" className="card card--padded stack">
      <div className="split">
        <h2 id="editor-heading">{title}</h2>
        {t.override ? <Badge tone="info">Custom wording</Badge> : <Badge>Default wording</Badge>}
      </div>
      {t.override ? (
        <p className="muted text-sm">
          Changed {t.override.updatedBy ? `by ${t.override.updatedBy} ` : ''}
          <DateTimeText value={t.override.updatedAt} />.
        </p>
      ) : null}
      {actionData?.formError ? (
        <p role="alert" className="form-error">
          {actionData.formError}
        </p>
      ) : null}
      <div className="with-sidebar">
        <div className="stack">
          <Form method="post" noValidate onSubmit={onSubmit} className="stack">
            <input type="hidden" {...register('template')} />
            <input type="hidden" {...register('channel')} />
            <fieldset className="stack-sm" disabled={!canEdit}>
              <legend className="visually-hidden">Wording</legend>
              {t.channel === 'email' ? <FormField label="Subject" hint="Leave empty to keep the default subject." error={errorOf('subject')} {...register('subject')} /> : null}
              <FormField
                as="textarea"
                rows={t.channel === 'email' ? 10 : 4}
                label="Message"
                hint={`Placeholders: ${t.placeholders.map((p) => `{{${p}}}`).join(' ')}. A line whose placeholder has no value is left out.`}
                error={errorOf('body')}
                {...register('body')}
              />
            </fieldset>
            {canEdit ? (
              <div>
                <Button type="submit" variant="primary" name="intent" value="save" loading={busy}>
                  Save template
                </Button>
              </div>
            ) : (
              <p className="muted">Only a manager can change this template.</p>
            )}
          </Form>
          {canEdit && t.override ? (
            <Form method="post">
              <input type="hidden" name="template" value={t.template} />
              <input type="hidden" name="channel" value={t.channel} />
              <Button type="submit" variant="secondary" name="intent" value="reset" loading={busy}>
                Reset to default
              </Button>
            </Form>
          ) : null}
        </div>
        <aside className="stack-sm" aria-labelledby="preview-heading">
          <h3 id="preview-heading">Preview</h3>
          <p className="muted text-sm">
            With a sample owner ({SAMPLE_VALUES.ownerName}), pet ({SAMPLE_VALUES.petName}) and medication ({SAMPLE_VALUES.medicationName}).
          </p>
          <div className="card card--padded stack-sm" aria-live="polite">
            {previewSubject ? <strong>{previewSubject}</strong> : null}
            <div style={{ whiteSpace: 'pre-line' }}>{previewBody || <span className="muted">Nothing to show yet.</span>}</div>
          </div>
        </aside>
      </div>
    </section>
  );
}
