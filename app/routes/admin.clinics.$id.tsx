import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { Button, ButtonLink } from '~/components/button';
import { ClinicFields, type ClinicFieldsProps } from '~/components/clinic-fields';
import { DateText } from '~/components/date';
import { FormAlert } from '~/components/form-alert';
import { InvitePersonForm, PeopleTable } from '~/components/invite-person';
import { PageHeader } from '~/components/page-header';
import { Toaster } from '~/components/toast';
import { formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { clinicInputOf, clinicIntentSchema, updateClinicSchema, type UpdateClinicForm } from '~/schemas/clinics';
import { requireUser } from '~/services/identity/index.server';
import { getClinicForAdmin, inviteClinicManager, setClinicSuspended, updateClinic } from '~/services/platform-admin/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.clinic.name ?? 'Clinic'} — vialcart admin` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  return json({ clinic: await getClinicForAdmin(user, params.id ?? '').catch(orNotFoundPage('There is no such clinic.')) });
}

type Answer = FormErrors & { intent?: string; done?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const id = params.id ?? '';
  return formAction(
    async (): Promise<Answer> => {
      const d = readForm(form, clinicIntentSchema);
      if (d.intent === 'update') {
        const { intent: _intent, ...fields } = d;
        await updateClinic(user, id, clinicInputOf(fields));
        return { intent, done: 'Clinic saved.' };
      }
      if (d.intent === 'invite_manager') {
        await inviteClinicManager(user, id, d);
        return { intent, done: `Invitation sent to ${d.email}. Without a mail server it waits in the Mailbox.` };
      }
      await setClinicSuspended(user, id, d.intent === 'suspend');
      return { intent, done: d.intent === 'suspend' ? 'Clinic suspended: its people and API keys are refused from their next request.' : 'Clinic restored: its people sign in again.' };
    },
    { values: form, extra: { intent } },
  );
}

export default function AdminClinic() {
  const { clinic } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = (intent: string) => navigation.state !== 'idle' && navigation.formData?.get('intent') === intent;
  const updateAnswer = actionData?.intent === 'update' ? actionData : undefined;
  const inviteAnswer = actionData?.intent === 'invite_manager' ? actionData : undefined;
  const values: UpdateClinicForm = {
    intent: 'update',
    name: clinic.name,
    slug: clinic.slug,
    addressLine1: clinic.addressLine1,
    addressLine2: clinic.addressLine2 ?? '',
    city: clinic.city,
    state: clinic.state,
    postalCode: clinic.postalCode,
    phone: clinic.phone ?? '',
    email: clinic.email ?? '',
    timezone: clinic.timezone,
    rxExpiryMonths: String(clinic.rxExpiryMonths),
    wellnessWindowMonths: String(clinic.wellnessWindowMonths),
    ...Object.fromEntries(Object.entries(clinic.targetMinutes).map(([q, m]) => [q, String(m)])),
  } as UpdateClinicForm;
  const edit = useRemixForm(updateClinicSchema, { defaultValues: { ...values, ...(updateAnswer?.values as Partial<UpdateClinicForm> | undefined) }, actionData: updateAnswer });
  const toast = actionData?.done ?? (params.get('created') ? 'Clinic created.' : null);
  const otherError = actionData && actionData.intent !== 'update' && actionData.intent !== 'invite_manager' ? actionData.formError : undefined;
  return (
    <div className="stack-lg">
      <PageHeader
        title={clinic.name}
        meta={clinic.suspendedAt ? <Badge tone="danger">Suspended</Badge> : <Badge tone="success">Active</Badge>}
        description={
          <>
            {clinic.city}, {clinic.state} · public form /c/{clinic.slug}/refill · created <DateText value={clinic.createdAt} />
          </>
        }
        actions={<ButtonLink to="/admin/clinics">Back to clinics</ButtonLink>}
      />
      <Toaster message={toast ? { id: `${actionData?.intent ?? 'created'}-${toast}`, text: toast, tone: 'success' } : null} />
      <FormAlert message={otherError} />
      <section aria-labelledby="managers-heading" className="card card--padded stack">
        <h2 id="managers-heading">Managers</h2>
        <PeopleTable caption="Managers of this clinic" rows={clinic.managers} empty="No manager yet: invite one below." />
        <InvitePersonForm intent="invite_manager" who="Manager" answer={inviteAnswer} busy={busy('invite_manager')} />
        <p className="muted text-sm">
          Managers invite the rest of the staff from their Settings. Without a mail server, invitations wait in the <Link to="/admin/mailbox">Mailbox</Link>.
        </p>
      </section>
      <section aria-labelledby="details-heading" className="card card--padded stack">
        <h2 id="details-heading">Details and policies</h2>
        <FormAlert message={updateAnswer?.formError && !updateAnswer.fieldErrors ? updateAnswer.formError : undefined} />
        <Form method="post" noValidate onSubmit={edit.onSubmit} className="stack">
          <input type="hidden" {...edit.register('intent')} />
          <ClinicFields register={edit.register as unknown as ClinicFieldsProps['register']} errorOf={edit.errorOf} />
          <div>
            <Button type="submit" variant="primary" loading={busy('update')}>
              Save clinic
            </Button>
          </div>
        </Form>
      </section>
      <section aria-labelledby="suspend-heading" className="card card--padded stack-sm">
        <h2 id="suspend-heading">{clinic.suspendedAt ? 'Suspended' : 'Suspend'}</h2>
        {clinic.suspendedAt ? (
          <>
            <p>
              Suspended since <DateText value={clinic.suspendedAt} />. Its people cannot sign in and its API keys are refused; its data is kept.
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="unsuspend" />
              <Button type="submit" loading={busy('unsuspend')}>
                Restore the clinic
              </Button>
            </Form>
          </>
        ) : (
          <>
            <p>A suspended clinic's people and API keys are refused from their next request. Its data stays; restoring it lets them sign in again.</p>
            <Form method="post">
              <input type="hidden" name="intent" value="suspend" />
              <Button type="submit" variant="danger" loading={busy('suspend')}>
                Suspend the clinic
              </Button>
            </Form>
          </>
        )}
      </section>
    </div>
  );
}
