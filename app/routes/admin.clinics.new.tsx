import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, useActionData, useNavigation } from '@remix-run/react';
import { Button, ButtonLink } from '~/components/button';
import { ClinicFields, type ClinicFieldsProps } from '~/components/clinic-fields';
import { FormAlert } from '~/components/form-alert';
import { FormField } from '~/components/form-field';
import { PageHeader } from '~/components/page-header';
import { formAction, readForm } from '~/http/forms.server';
import { useRemixForm } from '~/lib/forms';
import { clinicInputOf, createClinicSchema, type CreateClinicForm } from '~/schemas/clinics';
import { requireUser } from '~/services/identity/index.server';
import { createClinic } from '~/services/platform-admin/index.server';

export const meta: MetaFunction = () => [{ title: 'New clinic — vialcart admin' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'admin' });
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  const form = await request.formData();
  return formAction(
    async () => {
      const { managerEmail, managerName, intent: _intent, ...fields } = readForm(form, createClinicSchema);
      const { clinicId } = await createClinic(user, clinicInputOf(fields), managerEmail ? { email: managerEmail, name: managerName } : null);
      return redirect(`/admin/clinics/${clinicId}?created=1`);
    },
    { values: form },
  );
}

const DEFAULTS: CreateClinicForm = {
  intent: 'create',
  name: '',
  slug: '',
  addressLine1: '',
  addressLine2: '',
  city: '',
  state: '',
  postalCode: '',
  phone: '',
  email: '',
  timezone: 'America/Chicago',
  rxExpiryMonths: '12',
  wellnessWindowMonths: '12',
  tech_urgent: '120',
  tech_standard: '240',
  vet_review: '120',
  exception_exam: '1440',
  front_desk: '60',
  managerEmail: '',
  managerName: '',
};

export default function NewClinic() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(createClinicSchema, {
    defaultValues: { ...DEFAULTS, ...(actionData?.values as Partial<CreateClinicForm> | undefined) },
    actionData,
  });
  return (
    <div className="stack-lg">
      <PageHeader title="New clinic" description="The clinic, its address and time zone, the policies it starts with, and its first manager." actions={<ButtonLink to="/admin/clinics">Back to clinics</ButtonLink>} />
      <FormAlert message={actionData?.formError && !actionData.fieldErrors ? actionData.formError : undefined} />
      <Form method="post" noValidate onSubmit={onSubmit} className="card card--padded stack">
        <input type="hidden" {...register('intent')} />
        <ClinicFields register={register as unknown as ClinicFieldsProps['register']} errorOf={errorOf} />
        <fieldset className="stack-sm">
          <legend>First manager</legend>
          <p className="muted text-sm">Optional: they get an invitation by email to choose their password, then invite the rest of the staff.</p>
          <div className="grid">
            <FormField label="Manager's email" type="email" autoComplete="off" error={errorOf('managerEmail')} {...register('managerEmail')} />
            <FormField label="Manager's name" autoComplete="off" error={errorOf('managerName')} {...register('managerName')} />
          </div>
        </fieldset>
        <div>
          <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
            Create clinic
          </Button>
        </div>
      </Form>
    </div>
  );
}
