import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { PageHeader } from '~/components/page-header';
import type { Bind } from '~/components/records/bind';
import { OwnerFields } from '~/components/records/owner-fields';
import { formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { useRemixForm } from '~/lib/forms';
import { ownerFormSchema, ownerFormValues, type OwnerForm } from '~/schemas/owners';
import { requireUser } from '~/services/identity/auth.server';
import { getOwner, updateOwner } from '~/services/records/index.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Edit ${data?.owner.name ?? 'owner'} — vialcart` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const owner = await getOwner(user, params.id ?? '').catch(orNotFoundPage('Owner not found.'));
  if (owner.mergedIntoId) throw redirect(`/owners/${owner.mergedIntoId}/edit`);
  return json({ owner });
}

/** Saves the owner and goes back to it. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(async () => {
    const owner = await updateOwner(user, params.id ?? '', readForm(form, ownerFormSchema).owner);
    return redirect(`/owners/${owner.id}?saved=1`);
  });
}

export default function EditOwnerPage() {
  const { owner } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(ownerFormSchema, { defaultValues: ownerFormValues(owner), actionData });
  const bind: Bind = (name) => ({ ...register(name as keyof OwnerForm), error: errorOf(name) });
  return (
    <div className="stack-lg">
      <PageHeader title={`Edit ${owner.name}`} description="Owner" />
      <Form method="post" noValidate onSubmit={onSubmit} className="stack card card--padded">
        {actionData?.formError ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <OwnerFields bind={bind} />
        <div className="cluster">
          <Button type="submit" variant="primary" loading={navigation.state === 'submitting'}>
            Save owner
          </Button>
          <Link to={`/owners/${owner.id}`}>Cancel</Link>
        </div>
      </Form>
    </div>
  );
}
