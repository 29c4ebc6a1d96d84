import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { ADMIN_NAV } from '~/components/admin-shell';
import { AppShell, CLINIC_NAV, PHARMACY_NAV } from '~/components/app-shell';
import { Button } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateTimeText } from '~/components/date';
import { FormAlert } from '~/components/form-alert';
import { FormField } from '~/components/form-field';
import { NewPasswordFields, type NewPasswordFieldsProps } from '~/components/new-password-fields';
import { PageHeader } from '~/components/page-header';
import { Toaster } from '~/components/toast';
import { formAction, readForm } from '~/http/forms.server';
import { formatRole } from '~/lib/format';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { accountIntentSchema, changePasswordSchema } from '~/schemas/identity';
import { accountSessions, changePassword, currentSessionId, requireUser, signOutOtherSessions } from '~/services/identity/index.server';
import { getClinic, getPharmacyName } from '~/services/records/clinics.server';

export const meta: MetaFunction = () => [{ title: 'Your account — vialcart' }];

// One's own account, from any portal: change the password, see where one is signed in, sign
// out everywhere else.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const area: 'clinic' | 'pharmacy' | 'admin' = user.clinicId ? 'clinic' : user.pharmacyId ? 'pharmacy' : 'admin';
  const organisation = user.clinicId ? (await getClinic(user)).name : user.pharmacyId ? await getPharmacyName(user.pharmacyId) : 'vialcart admin';
  const sessions = await accountSessions(user, await currentSessionId(request));
  return json({ user: { name: user.name, email: user.email, role: user.role }, area, organisation, sessions });
}

type Answer = FormErrors & { intent?: string; done?: string };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await request.formData();
  const sessionId = await currentSessionId(request);
  const others = (n: number) => `Signed out of ${n} other session${n === 1 ? '' : 's'}.`;
  return formAction(
    async (): Promise<Answer> => {
      const input = readForm(form, accountIntentSchema);
      if (input.intent === 'change_password') {
        const { sessionsEnded } = await changePassword(user, input, sessionId);
        return { intent: input.intent, done: `Password changed.${sessionsEnded ? ` ${others(sessionsEnded)}` : ''}` };
      }
      const { sessionsEnded } = await signOutOtherSessions(user, sessionId);
      return { intent: input.intent, done: sessionsEnded ? others(sessionsEnded) : 'No other session was open.' };
    },
    // Passwords never travel back to the page.
    { extra: { intent: String(form.get('intent') ?? ''), values: {} } },
  );
}

/** "Chrome on Linux" from a User-Agent header: enough to recognise one's own devices. */
function deviceOf(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : 'A browser';
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  return system ? `${browser} on ${system}` : browser;
}

const NAV = { clinic: CLINIC_NAV, pharmacy: PHARMACY_NAV, admin: ADMIN_NAV } as const;
const HOME = { clinic: '/', pharmacy: '/pharmacy', admin: '/admin' } as const;

export default function AccountPage() {
  const { user, area, organisation, sessions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const passwordAnswer = actionData?.intent === 'change_password' ? actionData : undefined;
  const { register, onSubmit, errorOf } = useRemixForm(changePasswordSchema, {
    defaultValues: { intent: 'change_password', currentPassword: '', password: '', confirmPassword: '' },
    actionData: passwordAnswer,
  });
  const busy = (intent: string) => navigation.state !== 'idle' && navigation.formData?.get('intent') === intent;
  const others = sessions.filter((s) => !s.current).length;
  return (
    <AppShell clinicName={organisation} user={user} nav={NAV[area]} homeTo={HOME[area]}>
      <div className="stack-lg">
        <PageHeader title="Your account" description={`${user.name} · ${user.email} · ${formatRole(user.role)}`} />
        <Toaster message={actionData?.done ? { id: `${actionData.intent}-${actionData.done}`, text: actionData.done, tone: 'success' } : null} />
        <section aria-labelledby="password-heading" className="card card--padded stack">
          <h2 id="password-heading">Change your password</h2>
          <FormAlert message={passwordAnswer?.formError && !passwordAnswer.fieldErrors ? passwordAnswer.formError : undefined} />
          <Form method="post" noValidate onSubmit={onSubmit} className="stack" style={{ maxWidth: '28rem' }}>
            <input type="hidden" {...register('intent')} />
            <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
            <FormField label="Current password" type="password" autoComplete="current-password" required error={errorOf('currentPassword')} {...register('currentPassword')} />
            <NewPasswordFields register={register as NewPasswordFieldsProps['register']} errorOf={errorOf} label="New password" note="Your other sessions will be signed out." />
            <div>
              <Button type="submit" variant="primary" loading={busy('change_password')}>
                Change password
              </Button>
            </div>
          </Form>
        </section>
        <section aria-labelledby="sessions-heading" className="card stack">
          <div className="card__header split">
            <h2 id="sessions-heading">Where you are signed in</h2>
            <Form method="post">
              <input type="hidden" name="intent" value="sign_out_others" />
              <Button type="submit" variant="danger" size="sm" loading={busy('sign_out_others')} disabled={others === 0}>
                Sign out all other sessions
              </Button>
            </Form>
          </div>
          <DataTable
            caption="Your open sessions"
            captionHidden
            maxHeight="none"
            rows={sessions}
            getRowKey={(s) => s.key}
            columns={[
              { key: 'device', header: 'Device', rowHeader: true, cell: (s) => `${deviceOf(s.userAgent)}${s.current ? ' (this one)' : ''}` },
              { key: 'createdAt', header: 'Signed in', cell: (s) => <DateTimeText value={s.createdAt} /> },
              { key: 'lastSeenAt', header: 'Last active', cell: (s) => <DateTimeText value={s.lastSeenAt} /> },
              { key: 'expiresAt', header: 'Ends', cell: (s) => <DateTimeText value={s.expiresAt} /> },
            ]}
          />
        </section>
      </div>
    </AppShell>
  );
}
