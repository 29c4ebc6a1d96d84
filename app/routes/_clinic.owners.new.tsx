import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { PageHeader } from '~/components/page-header';
import type { Bind } from '~/components/records/bind';
import { PossibleDuplicates, type DuplicateCandidate } from '~/components/records/duplicates';
import { OwnerFields } from '~/components/records/owner-fields';
import { parseFormData, useRemixForm, type FormErrors } from '~/lib/forms';
import { ownerFormSchema, ownerFormValues, type OwnerForm } from '~/schemas/owners';
import { requireUser } from '~/services/identity/auth.server';
import { DomainError } from '~/services/platform/errors';
import { createOwner } from '~/services/records/index.server';

export const meta: MetaFunction = () => [{ title: 'New owner — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'clinic' });
  return null;
}

type Answer = FormErrors & { duplicates?: DuplicateCandidate[] };

/** Creates the owner and opens it; a possible duplicate comes back with the candidates until confirmed. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const parsed = parseFormData(await request.formData(), ownerFormSchema);
  if (!parsed.ok) return json<Answer>(parsed.errors, { status: 400 });
  try {
    const answer = await createOwner(user, parsed.data.owner, { allowDuplicate: parsed.data.allowDuplicate });
    const { owner } = answer.body as { owner: { id: string } };
    return redirect(`/owners/${owner.id}?created=owner`);
  } catch (error) {
    if (!(error instanceof DomainError) || !['bad_request', 'conflict'].includes(error.code)) throw error;
    const duplicates = error.details?.duplicates as DuplicateCandidate[] | undefined;
    return json<Answer>({ formError: error.message, ...(duplicates ? { duplicates } : { fieldErrors: error.fields }) }, { status: error.code === 'conflict' ? 409 : 400 });
  }
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
