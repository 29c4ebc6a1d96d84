import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AuthPage } from '~/components/auth-page';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { NewPasswordFields, type NewPasswordFieldsProps } from '~/components/new-password-fields';
import { formAction, readForm } from '~/http/forms.server';
import { formatRole } from '~/lib/format';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { acceptInvitationSchema } from '~/schemas/identity';
import { acceptInvitation, createUserSession, homeFor, INVITATION_PROBLEMS, readInvitation } from '~/services/identity/index.server';

export const meta: MetaFunction = () => [{ title: 'Join vialcart' }];
// The URL holds a secret: keep the page out of every cache.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' });

export async function loader({ params }: LoaderFunctionArgs) {
  const state = await readInvitation(params.token);
  if (state.status !== 'valid') return json({ problem: INVITATION_PROBLEMS[state.status], invitation: null }, { status: state.status === 'invalid' ? 404 : 410 });
  return json({ problem: null, invitation: { email: state.email, name: state.name, role: state.role, organisation: state.organisation } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  return formAction(
    async () => {
      const user = await acceptInvitation(params.token, readForm(form, acceptInvitationSchema));
      return createUserSession(user, homeFor(user), request);
    },
    // The name is typed back; a password never travels back to the page.
    { extra: (): Pick<FormErrors, 'values'> => ({ values: { name: String(form.get('name') ?? '') } }) },
  );
}

export default function AcceptInvitation() {
  const { problem, invitation } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const typedName = actionData?.values?.name;
  const { register, onSubmit, errorOf } = useRemixForm(acceptInvitationSchema, {
    defaultValues: { name: typeof typedName === 'string' ? typedName : (invitation?.name ?? ''), password: '', confirmPassword: '' },
    actionData,
  });
  if (problem || !invitation) {
    return <AuthPage title="This invitation does not work" formError={problem ?? undefined} footer={<Link to="/login">Go to sign in</Link>} />;
  }
  return (
    <AuthPage
      title={`Join ${invitation.organisation}`}
      lead={`You are invited as ${formatRole(invitation.role).toLowerCase()}, signing in as ${invitation.email}. Choose your name as colleagues will see it, and a password.`}
      formError={actionData?.fieldErrors?.token ?? actionData?.formError}
    >
      <Form method="post" noValidate onSubmit={onSubmit} className="stack">
        <input type="text" name="username" autoComplete="username" value={invitation.email} readOnly hidden />
        <FormField label="Your name" autoComplete="name" required error={errorOf('name')} {...register('name')} />
        <NewPasswordFields register={register as NewPasswordFieldsProps['register']} errorOf={errorOf} />
        <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
          Join and sign in
        </Button>
      </Form>
    </AuthPage>
  );
}
