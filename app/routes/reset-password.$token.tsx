import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AuthPage } from '~/components/auth-page';
import { Button } from '~/components/button';
import { NewPasswordFields, type NewPasswordFieldsProps } from '~/components/new-password-fields';
import { formAction, readForm } from '~/http/forms.server';
import { useRemixForm } from '~/lib/forms';
import { resetPasswordSchema } from '~/schemas/identity';
import { createUserSession, homeFor, readPasswordReset, resetPassword, RESET_PROBLEMS } from '~/services/identity/index.server';

export const meta: MetaFunction = () => [{ title: 'Choose a new password — vialcart' }];
// The URL holds a secret: keep the page out of every cache.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' });

export async function loader({ params }: LoaderFunctionArgs) {
  const state = await readPasswordReset(params.token);
  if (state.status !== 'valid') return json({ problem: RESET_PROBLEMS[state.status], email: null }, { status: state.status === 'invalid' ? 404 : 410 });
  return json({ problem: null, email: state.email });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  return formAction(
    async () => {
      const { password } = readForm(form, resetPasswordSchema);
      // Every session of the person ended; this one starts afresh.
      const user = await resetPassword(params.token, password);
      return createUserSession(user, homeFor(user), request);
    },
    // A password never travels back to the page.
    { extra: { values: {} } },
  );
}

export default function ResetPassword() {
  const { problem, email } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(resetPasswordSchema, { defaultValues: { password: '', confirmPassword: '' }, actionData });
  if (problem) {
    return (
      <AuthPage title="This link does not work" formError={problem} footer={<Link to="/login">Back to sign in</Link>}>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </AuthPage>
    );
  }
  return (
    <AuthPage
      title="Choose a new password"
      lead={`For ${email}. Every place you are signed in will be signed out.`}
      formError={actionData?.fieldErrors?.token ?? actionData?.formError}
      footer={<Link to="/login">Back to sign in</Link>}
    >
      <Form method="post" noValidate onSubmit={onSubmit} className="stack">
        <input type="text" name="username" autoComplete="username" value={email ?? ''} readOnly hidden />
        <NewPasswordFields register={register as NewPasswordFieldsProps['register']} errorOf={errorOf} label="New password" autoFocus />
        <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
          Save the new password
        </Button>
      </Form>
    </AuthPage>
  );
}
