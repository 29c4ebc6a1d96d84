import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect } from 'react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { DataTable } from '~/components/data-table';
import { DateTimeText } from '~/components/date';
import { FormAlert } from '~/components/form-alert';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { Toaster } from '~/components/toast';
import { formAction, readForm } from '~/http/forms.server';
import { formatRole } from '~/lib/format';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { inviteStaffSchema, staffIntentSchema } from '~/schemas/identity';
import { changeStaffRole, deactivateStaff, inviteStaff, listStaff, reactivateStaff, requireUser, resendStaffInvitation } from '~/services/identity/index.server';
import { CLINIC_ROLES } from '../../validators/vocabulary';

export const meta: MetaFunction = () => [{ title: 'Staff — Settings — vialcart' }];

const MANAGERS = ['manager', 'admin'] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic', roles: [...MANAGERS] });
  return json({ staff: await listStaff(user) });
}

type Answer = FormErrors & { intent?: string; done?: string };

const DONE: Record<string, string> = {
  invite: 'Invitation sent. The link works for 72 hours.',
  change_role: 'Role changed.',
  deactivate: 'Deactivated: their sessions and the API keys they made stopped working.',
  reactivate: 'Reactivated.',
  resend: 'A new invitation was sent; the earlier link no longer works.',
};

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic', roles: [...MANAGERS] });
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  return formAction(
    async (): Promise<Answer> => {
      const d = readForm(form, staffIntentSchema);
      if (d.intent === 'invite') await inviteStaff(user, d);
      else if (d.intent === 'change_role') await changeStaffRole(user, d.userId, d.role);
      else if (d.intent === 'deactivate') await deactivateStaff(user, d.userId);
      else if (d.intent === 'resend') await resendStaffInvitation(user, d.userId);
      else {
        const { invited } = await reactivateStaff(user, d.userId);
        return { intent, done: invited ? 'Reactivated: they never chose a password, so a new invitation was sent.' : DONE.reactivate };
      }
      return { intent, done: DONE[intent] };
    },
    { values: form, extra: { intent } },
  );
}

const STATUS_LOOK = { active: { tone: 'success', label: 'Active' }, invited: { tone: 'info', label: 'Invited' }, deactivated: { tone: 'neutral', label: 'Deactivated' } } as const;

export default function StaffPage() {
  const { staff } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const inviteAnswer = actionData?.intent === 'invite' ? actionData : undefined;
  const typed = inviteAnswer?.values as { email?: string; name?: string; role?: string } | undefined;
  const { register, onSubmit, errorOf, reset } = useRemixForm(inviteStaffSchema, {
    defaultValues: { intent: 'invite', email: typed?.email ?? '', name: typed?.name ?? '', role: (typed?.role as 'technician') ?? 'technician' },
    actionData: inviteAnswer,
  });
  const rowError = actionData && actionData.intent !== 'invite' && actionData.formError ? actionData.formError : null;
  const busy = (intent: string, userId?: string) =>
    navigation.state !== 'idle' && navigation.formData?.get('intent') === intent && (!userId || navigation.formData?.get('userId') === userId);
  const done = actionData?.done;
  useEffect(() => {
    // A sent invitation empties the form for the next one.
    if (actionData?.intent === 'invite' && actionData.done) reset({ intent: 'invite', email: '', name: '', role: 'technician' });
  }, [actionData, reset]);
  return (
    <div className="stack-lg">
      <PageHeader
        title="Staff"
        description="Who works at the clinic on vialcart. Invite people by email; they choose their own password. Veterinarians appear on the prescribers list as soon as they are invited."
        actions={<ButtonLink to="/settings">Back to settings</ButtonLink>}
      />
      <Toaster message={done ? { id: `${actionData?.intent}-${Date.now()}`, text: done, tone: 'success' } : null} />
      <section aria-labelledby="invite-heading" className="card card--padded stack">
        <h2 id="invite-heading">Invite someone</h2>
        <FormAlert message={inviteAnswer?.formError && !inviteAnswer.fieldErrors ? inviteAnswer.formError : undefined} />
        <Form method="post" noValidate onSubmit={onSubmit} className="stack">
          <input type="hidden" {...register('intent')} />
          <div className="grid">
            <FormField label="Email" type="email" autoComplete="off" required error={errorOf('email')} {...register('email')} />
            <FormField label="Name" hint="Optional: they can change it." autoComplete="off" error={errorOf('name')} {...register('name')} />
            <FormField label="Role" as="select" required error={errorOf('role')} {...register('role')}>
              {CLINIC_ROLES.map((r) => (
                <option key={r} value={r}>
                  {formatRole(r)}
                </option>
              ))}
            </FormField>
          </div>
          <div>
            <Button type="submit" variant="primary" loading={busy('invite')}>
              Send invitation
            </Button>
          </div>
        </Form>
      </section>
      <section aria-labelledby="people-heading" className="stack-sm">
        <h2 id="people-heading">People</h2>
        <FormAlert message={rowError} />
        <DataTable
          caption="Clinic staff"
          captionHidden
          maxHeight="none"
          rows={staff}
          getRowKey={(p) => p.id}
          columns={[
            { key: 'name', header: 'Name', rowHeader: true, cell: (p) => `${p.name}${p.isYou ? ' (you)' : ''}` },
            { key: 'email', header: 'Email', cell: (p) => p.email },
            {
              key: 'role',
              header: 'Role',
              cell: (p) =>
                p.isYou || p.status === 'deactivated' ? (
                  formatRole(p.role)
                ) : (
                  <Form method="post" className="cluster">
                    <input type="hidden" name="intent" value="change_role" />
                    <input type="hidden" name="userId" value={p.id} />
                    <label className="visually-hidden" htmlFor={`role-${p.id}`}>
                      Role of {p.name}
                    </label>
                    <select id={`role-${p.id}`} name="role" defaultValue={p.role} className="select">
                      {CLINIC_ROLES.map((r) => (
                        <option key={r} value={r}>
                          {formatRole(r)}
                        </option>
                      ))}
                    </select>
                    <Button type="submit" size="sm" loading={busy('change_role', p.id)}>
                      Save<span className="visually-hidden"> role of {p.name}</span>
                    </Button>
                  </Form>
                ),
            },
            {
              key: 'status',
              header: 'Status',
              cell: (p) => (
                <span className="stack-sm">
                  <Badge tone={STATUS_LOOK[p.status].tone}>{STATUS_LOOK[p.status].label}</Badge>
                  {p.invitationExpiresAt ? (
                    <span className="muted text-sm">
                      Link works until <DateTimeText value={p.invitationExpiresAt} />
                    </span>
                  ) : null}
                </span>
              ),
            },
            { key: 'lastLoginAt', header: 'Last sign-in', cell: (p) => <DateTimeText value={p.lastLoginAt} /> },
            {
              key: 'actions',
              header: <span className="visually-hidden">Actions</span>,
              cell: (p) =>
                p.isYou ? null : (
                  <span className="cluster">
                    {p.status === 'invited' ? <RowAction intent="resend" userId={p.id} label="Resend invitation" name={p.name} busy={busy('resend', p.id)} /> : null}
                    {p.status === 'deactivated' ? (
                      <RowAction intent="reactivate" userId={p.id} label="Reactivate" name={p.name} busy={busy('reactivate', p.id)} />
                    ) : (
                      <RowAction intent="deactivate" userId={p.id} label="Deactivate" name={p.name} busy={busy('deactivate', p.id)} danger />
                    )}
                  </span>
                ),
            },
          ]}
        />
      </section>
    </div>
  );
}

function RowAction({ intent, userId, label, name, busy, danger = false }: { intent: string; userId: string; label: string; name: string; busy: boolean; danger?: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="userId" value={userId} />
      <Button type="submit" size="sm" variant={danger ? 'danger' : 'secondary'} loading={busy}>
        {label}
        <span className="visually-hidden"> {name}</span>
      </Button>
    </Form>
  );
}
