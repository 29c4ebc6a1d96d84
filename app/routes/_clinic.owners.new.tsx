import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { PageHeader } from '~/components/page-header';
import type { Bind } from '~/components/records/bind';
import { PossibleDuplicates, type DuplicateCandidate } from '~/components/records/duplicates';
import { OwnerFields } from '~/components/records/owner-fields';
import { formAction, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { ownerFormSchema, ownerFormValues, type OwnerForm } from '~/schemas/owners';
import { requireUser } from '~/services/identity/auth.server';
import type { DomainError } from '~/services/platform/errors';
import { createOwner } from '~/services/records/index.server';

export const meta: MetaFunction = () => [{ title: 'New owner — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'clinic' });
  return null;
}

/** The candidates a possible duplicate answers with (409), for the form to show until confirmed. */
const duplicatesOf = (_errors: FormErrors, error?: DomainError) => ({ duplicates: error?.details?.duplicates as DuplicateCandidate[] | undefined });

/** Creates the owner and opens it; a possible duplicate comes back with the candidates until confirmed. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(async () => {
    const input = readForm(form, ownerFormSchema);
    const { value } = await createOwner(user, input.owner, { allowDuplicate: input.allowDuplicate });
    return redirect(`/owners/${value.owner.id}?created=owner`);
  }, { extra: duplicatesOf });
}

export default function NewOwnerPage() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(ownerFormSchema, { defaultValues: ownerFormValues(null), actionData });
  const bind: Bind = (name) => ({ ...register(name as keyof OwnerForm), error: errorOf(name) });
  return (
    <div className="stack-lg">
      <PageHeader title="New owner" description="Enter the owner first; add their pets on the next page." />
      <Form method="post" noValidate onSubmit={onSubmit} className="stack card card--padded">
        {actionData?.formError && !actionData.duplicates ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <OwnerFields bind={bind} />
        {actionData?.duplicates ? <PossibleDuplicates kind="owner" candidates={actionData.duplicates} confirm={register('allowDuplicate')} /> : null}
        <div className="cluster">
          <Button type="submit" variant="primary" loading={navigation.state === 'submitting'}>
            Create owner
          </Button>
          <Link to="/patients">Cancel</Link>
        </div>
      </Form>
    </div>
  );
}
