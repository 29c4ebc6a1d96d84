import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useNavigation } from '@remix-run/react';
import { Button, ButtonLink } from '~/components/button';
import { FormAlert } from '~/components/form-alert';
import { PageHeader } from '~/components/page-header';
import { PharmacyFields, type PharmacyFieldsProps } from '~/components/pharmacy-fields';
import { ConnectionFields, SecretOnce } from '~/components/pharmacy-connection';
import { formAction, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { createPharmacySchema, pharmacyInputOf, type CreatePharmacyForm } from '~/schemas/pharmacies';
import { requireUser } from '~/services/identity/index.server';
import { createPharmacy } from '~/services/platform-admin/index.server';

export const meta: MetaFunction = () => [{ title: 'New pharmacy — vialcart admin' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'admin' });
  return null;
}

type Answer = FormErrors & { created?: { id: string; name: string; signingSecret: string } };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'admin' });
  const form = await request.formData();
  return formAction(
    async (): Promise<Answer> => {
      const { intent: _intent, connectionKind, endpoint, ...fields } = readForm(form, createPharmacySchema);
      const input = pharmacyInputOf(fields);
      const { pharmacyId, signingSecret } = await createPharmacy(user, input, connectionKind === 'rest' ? { kind: 'rest', endpoint: endpoint ?? '' } : { kind: 'portal' });
      // The secret is answered once, here; the pharmacy's page shows only its last characters.
      return { created: { id: pharmacyId, name: input.name, signingSecret } };
    },
    { values: form },
  );
}

const DEFAULTS: CreatePharmacyForm = {
  intent: 'create',
  name: '',
  slug: '',
  residentState: '',
  license503a: '',
  nabpNumber: '',
  npi: '',
  contactName: '',
  email: '',
  phone: '',
  addressLine1: '',
  city: '',
  postalCode: '',
  shipping: '0',
  coldChain: '0',
  turnaroundDays: '3',
  connectionKind: 'portal',
  endpoint: '',
};

export default function NewPharmacy() {
  const actionData = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const { register, onSubmit, errorOf, watch } = useRemixForm(createPharmacySchema, {
    defaultValues: { ...DEFAULTS, ...(actionData?.values as Partial<CreatePharmacyForm> | undefined) },
    actionData,
  });
  if (actionData?.created) {
    const { created } = actionData;
    return (
      <div className="stack-lg">
        <PageHeader title={`${created.name} created`} description="Next: its ship-to licences, a test order, its catalog and its pharmacists, then activate it." />
        <SecretOnce secret={created.signingSecret} what="signing secret" />
        <div>
          <ButtonLink to={`/admin/pharmacies/${created.id}`} variant="primary">
            Continue to {created.name}
          </ButtonLink>
        </div>
      </div>
    );
  }
  return (
    <div className="stack-lg">
      <PageHeader title="New pharmacy" description="The pharmacy, its licences' numbers, fees and turnaround, and how it receives orders." actions={<ButtonLink to="/admin/pharmacies">Back to pharmacies</ButtonLink>} />
      <FormAlert message={actionData?.formError && !actionData.fieldErrors ? actionData.formError : undefined} />
      <Form method="post" noValidate onSubmit={onSubmit} className="card card--padded stack">
        <input type="hidden" {...register('intent')} />
        <PharmacyFields register={register as unknown as PharmacyFieldsProps['register']} errorOf={errorOf} />
        <ConnectionFields register={register as unknown as PharmacyFieldsProps['register']} errorOf={errorOf} kind={String(watch('connectionKind') ?? 'portal')} />
        <div>
          <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
            Create pharmacy
          </Button>
        </div>
      </Form>
    </div>
  );
}
