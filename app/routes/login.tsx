import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AuthPage } from '~/components/auth-page';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { formAction, readForm } from '~/http/forms.server';
import { loginSchema } from '~/schemas/login';
import { clientIpOf } from '~/http/client.server';
import { safeRedirect } from '~/http/redirect';
import { authenticate, createUserSession, getUser, homeFor, REFUSAL_MESSAGES } from '~/services/identity/auth.server';

export const meta: MetaFunction = () => [{ title: 'Sign in — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homeFor(user));
  const url = new URL(request.url);
  const reason = url.searchParams.get('reason');
  // Why the person was sent here: a suspended clinic, a changed password (a known key only).
  const notice = reason && Object.hasOwn(REFUSAL_MESSAGES, reason) ? REFUSAL_MESSAGES[reason as keyof typeof REFUSAL_MESSAGES] : null;
  return json({ redirectTo: safeRedirect(url.searchParams.get('redirectTo'), ''), notice });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  return formAction(
    async () => {
      const input = readForm(form, loginSchema);
      const user = await authenticate(input.email, input.password, clientIpOf(context));
      return createUserSession(user, safeRedirect(input.redirectTo, homeFor(user)), request);
    },
    // Only the email is typed back: a password never travels back to the page.
    { extra: (): Pick<FormErrors, 'values'> => ({ values: { email: String(form.get('email') ?? '') } }) },
  );
}

export default function Login() {
  const { redirectTo, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(loginSchema, {
    defaultValues: { email: (actionData?.values?.email as string | undefined) ?? '', password: '', redirectTo },
    actionData,
  });
  return (
    <AuthPage title="Sign in to vialcart" lead="Refill day for your clinic, or the order queue for your pharmacy." formError={actionData?.formError}>
      {notice && !actionData?.formError ? (
        <p role="status" className="notice">
          {notice}
        </p>
      ) : null}
      <Form method="post" noValidate onSubmit={onSubmit} className="stack">
        <input type="hidden" {...register('redirectTo')} />
        <FormField label="Email" type="email" autoComplete="username" autoFocus required error={errorOf('email')} {...register('email')} />
        <FormField label="Password" type="password" autoComplete="current-password" required error={errorOf('password')} {...register('password')} />
        <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
          Sign in
        </Button>
      </Form>
      <p>
        <Link to="/forgot-password">Forgot password?</Link>
      </p>
    </AuthPage>
  );
}
