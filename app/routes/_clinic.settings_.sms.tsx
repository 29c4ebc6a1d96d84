import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { DateTimeText } from '~/components/date';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { Toaster } from '~/components/toast';
import { formAction, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { smsSettingsSchema } from '~/schemas/sms';
import { requireUser } from '~/services/identity/auth.server';
import { getSmsSettings, updateSmsSettings } from '~/services/sms/index.server';

export const meta: MetaFunction = () => [{ title: 'Text messages — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  return json({ settings: await getSmsSettings(user), canEdit: user.role === 'manager' || user.role === 'admin' });
}

type Saved = FormErrors & { saved?: boolean };

/** Secrets are never sent back to the page, not even when the form is shown again with errors. */
function withoutSecrets(errors: FormErrors): FormErrors {
  const values = Object.fromEntries(Object.entries(errors.values ?? {}).filter(([k]) => k !== 'authToken' && k !== 'apiKeySecret'));
  return { ...errors, values };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  const answer = await formAction(
    async (): Promise<Saved> => {
      await updateSmsSettings(user, readForm(form, smsSettingsSchema));
      return { saved: true };
    },
    { values: form },
  );
  if (answer.status === 200) return answer;
  return json<Saved>(withoutSecrets((await answer.json()) as FormErrors), { status: answer.status, headers: answer.headers });
}

const SENDING = {
  clinic: { label: 'Texts go out through the clinic’s own Twilio account.', tone: 'success' },
  platform: { label: 'Texts go out through vialcart’s Twilio account.', tone: 'success' },
  outbox: { label: 'No Twilio account: texts stay in the outbox (Mailbox).', tone: 'warning' },
} as const;

// A clinic's texting setup: its Twilio number, whose account sends, quiet hours for reminders,
// the webhook URLs to paste into Twilio, and the latest opt-ins and opt-outs (docs/sms.md).
export default function SmsSettingsPage() {
  const { settings, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const typed = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const { register, onSubmit, errorOf } = useRemixForm(smsSettingsSchema, {
    defaultValues: {
      phoneNumber: typed.phoneNumber ?? settings.phoneNumber ?? '',
      messagingServiceSid: typed.messagingServiceSid ?? settings.messagingServiceSid ?? '',
      accountSid: typed.accountSid ?? settings.accountSid ?? '',
      authToken: '',
      apiKeySid: typed.apiKeySid ?? settings.apiKeySid ?? '',
      apiKeySecret: '',
      quietStart: typed.quietStart ?? settings.quietStart,
      quietEnd: typed.quietEnd ?? settings.quietEnd,
    },
    actionData,
  });
  const readOnly = !canEdit;
  const sending = SENDING[settings.sending];
  return (
    <div className="stack-lg">
      <PageHeader title="Text messages" description={`How ${settings.clinicName} texts owners through Twilio, and hears back from them.`} />
      <Toaster message={actionData?.saved ? { id: String(Date.now()), text: 'Texting settings saved.', tone: 'success' } : null} />
      <section aria-labelledby="sms-status-heading" className="card card--padded stack-sm">
        <h2 id="sms-status-heading">Now</h2>
        <p className="cluster">
          <Badge tone={sending.tone}>{settings.sending === 'outbox' ? 'Outbox only' : 'Sending'}</Badge> {sending.label}
        </p>
        <p className="muted text-sm">
          In Twilio, set the number’s “A message comes in” webhook (HTTP POST) to <code>{settings.incomingUrl}</code>. Each text vialcart sends asks Twilio to report its delivery to{' '}
          <code>{settings.statusCallbackUrl}</code>. Both are checked against Twilio’s signature with the account’s auth token.
        </p>
        {Object.keys(settings.delivery).length > 0 ? (
          <p className="text-sm">
            Texts so far:{' '}
            {Object.entries(settings.delivery)
              .map(([status, n]) => `${n} ${status}`)
              .join(', ')}
            . See them in the <Link to="/mailbox">mailbox</Link>.
          </p>
        ) : null}
      </section>
      <section aria-labelledby="sms-settings-heading" className="card card--padded stack">
        <div className="stack-sm">
          <h2 id="sms-settings-heading">Twilio</h2>
          <p className="muted">
            Leave the account empty to use vialcart’s. Secrets are stored sealed and never shown again; leave a secret empty to keep the stored one.
            {readOnly ? ' Only a manager can change these.' : ''}
          </p>
        </div>
        {actionData?.formError ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <Form method="post" noValidate onSubmit={onSubmit} className="stack" autoComplete="off">
          <fieldset className="stack-sm" disabled={readOnly}>
            <legend>The clinic’s number</legend>
            <div className="grid">
              <FormField label="Twilio phone number" type="tel" hint="Owners text this number; texts come from it. E.g. +19165550100." error={errorOf('phoneNumber')} {...register('phoneNumber')} />
              <FormField label="Messaging Service SID" hint="Optional (MG…): send through a Messaging Service instead of the number." error={errorOf('messagingServiceSid')} {...register('messagingServiceSid')} />
            </div>
          </fieldset>
          <fieldset className="stack-sm" disabled={readOnly}>
            <legend>The clinic’s own Twilio account (optional)</legend>
            <div className="grid">
              <FormField label="Account SID" hint="AC… from the Twilio console." error={errorOf('accountSid')} {...register('accountSid')} />
              <FormField
                label="Auth token"
                type="password"
                autoComplete="new-password"
                hint={settings.authTokenHint ? `Stored: ${settings.authTokenHint}. Twilio signs its webhooks with it.` : 'Twilio signs its webhooks with it.'}
                error={errorOf('authToken')}
                {...register('authToken')}
              />
              <FormField label="API key SID" hint="Optional (SK…): send with an API key instead of the auth token." error={errorOf('apiKeySid')} {...register('apiKeySid')} />
              <FormField
                label="API key secret"
                type="password"
                autoComplete="new-password"
                hint={settings.apiKeySecretHint ? `Stored: ${settings.apiKeySecretHint}.` : undefined}
                error={errorOf('apiKeySecret')}
                {...register('apiKeySecret')}
              />
            </div>
          </fieldset>
          <fieldset className="stack-sm" disabled={readOnly}>
            <legend>Quiet hours for reminders ({settings.timezone})</legend>
            <p className="muted text-sm">Refill reminders by text wait until the quiet hours end; answers to an owner’s own request are sent at once.</p>
            <div className="grid">
              <FormField label="Quiet from" type="time" error={errorOf('quietStart')} {...register('quietStart')} />
              <FormField label="Quiet until" type="time" error={errorOf('quietEnd')} {...register('quietEnd')} />
            </div>
          </fieldset>
          {canEdit ? (
            <div>
              <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
                Save texting settings
              </Button>
            </div>
          ) : null}
        </Form>
      </section>
      <section aria-labelledby="sms-consent-heading" className="card card--padded stack-sm">
        <h2 id="sms-consent-heading">Latest opt-ins and opt-outs</h2>
        <p className="muted text-sm">Owners opt out by texting STOP (or UNSUBSCRIBE, CANCEL, END, QUIT) and back in with START; HELP answers with the clinic’s name and phone.</p>
        {settings.consents.length === 0 ? (
          <p className="text-sm">None yet.</p>
        ) : (
          <ul className="stack-sm plain-list" aria-label="Consent events, newest first">
            {settings.consents.map((c, i) => (
              <li key={i} className="text-sm">
                <Badge tone={c.action === 'opt_out' ? 'warning' : 'success'}>{c.action === 'opt_out' ? 'Opted out' : 'Opted in'}</Badge> {c.phone} ·{' '}
                {c.source === 'keyword' ? `texted ${c.keyword}` : c.source === 'web_form' ? 'ticked “Text me updates”' : c.source} · <DateTimeText value={c.createdAt} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
