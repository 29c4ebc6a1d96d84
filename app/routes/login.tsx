import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { formAction, readForm } from '~/http/forms.server';
import { loginSchema } from '~/schemas/login';
import { authenticate, clientAddress, createUserSession, getUser, homeFor } from '~/services/identity/auth.server';

export const meta: MetaFunction = () => [{ title: 'Sign in — vialcart' }];

function safeRedirect(to: string | undefined, fallback: string): string {
  // Only same-site paths: an open redirect would let a phishing link bounce through us.
  return to && to.startsWith('/') && !to.startsWith('//') ? to : fallback;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  if (user) throw redirect(homeFor(user));
  const url = new URL(request.url);
  return json({ redirectTo: url.searchParams.get('redirectTo') ?? '' });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  return formAction(
    async () => {
      const input = readForm(form, loginSchema);
      const user = await authenticate(input.email, input.password, clientAddress(request));
      return createUserSession(user, safeRedirect(input.redirectTo, homeFor(user)));
    },
    // Only the email is typed back: a password never travels back to the page.
    { extra: (): Pick<FormErrors, 'values'> => ({ values: { email: String(form.get('email') ?? '') } }) },
  );
}

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(loginSchema, {
    defaultValues: { email: (actionData?.values?.email as string | undefined) ?? '', password: '', redirectTo },
    actionData,
  });
  return (
    <main id="main" className="auth-page">
      <div className="auth-card card stack">
        <h1>Sign in to vialcart</h1>
        <p className="muted">Refill day for your clinic, or the order queue for your pharmacy.</p>
        {actionData?.formError ? (
          <p role="alert" className="form-error">
            {actionData.formError}
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
      </div>
    </main>
  );
}
