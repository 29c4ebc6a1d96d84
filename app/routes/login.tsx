import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { parseFormData, useRemixForm, type FormErrors } from '~/lib/forms';
import { loginSchema } from '~/schemas/login';
import { authenticate, clientAddress, createUserSession, getUser, homeFor } from '~/services/identity/auth.server';
import { DomainError } from '~/services/platform/errors';

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
  const parsed = parseFormData(await request.formData(), loginSchema);
  if (!parsed.ok) return json<FormErrors>(parsed.errors, { status: 400 });
  try {
    const user = await authenticate(parsed.data.email, parsed.data.password, clientAddress(request));
    return createUserSession(user, safeRedirect(parsed.data.redirectTo, homeFor(user)));
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'unauthorized' || error.code === 'rate_limited')) {
      return json<FormErrors>(
        { formError: error.message, values: { email: parsed.data.email } },
        { status: error.code === 'rate_limited' ? 429 : 400 },
      );
    }
    throw error;
  }
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
