import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AuthPage } from '~/components/auth-page';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { NewPasswordFields, type NewPasswordFieldsProps } from '~/components/new-password-fields';
import { formAction, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { setupSchema } from '~/schemas/identity';
import { adminExists, completeSetup, createUserSession, SETUP_LINK_PROBLEM, setupTokenValid } from '~/services/identity/index.server';

export const meta: MetaFunction = () => [{ title: 'Set up vialcart' }];

// First run (docs/onboarding.md): reachable only while no administrator exists; the form
// appears only with the setup link the server printed to its log.
export async function loader({ request }: LoaderFunctionArgs) {
  if (await adminExists()) throw new Response('vialcart is set up already. Sign in instead.', { status: 404 });
  const token = new URL(request.url).searchParams.get('token');
  if (!token) return json({ state: 'needs_link' as const, token: '' });
  if (!(await setupTokenValid(token))) return json({ state: 'bad_link' as const, token: '' }, { status: 400 });
  return json({ state: 'ready' as const, token });
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  return formAction(
    async () => {
      const input = readForm(form, setupSchema);
      const admin = await completeSetup(input.token, input);
      return createUserSession(admin, '/admin/clinics', request);
    },
    // The name and email are typed back; a password never travels back to the page.
    { extra: (): Pick<FormErrors, 'values'> => ({ values: { name: String(form.get('name') ?? ''), email: String(form.get('email') ?? '') } }) },
  );
}

export default function Setup() {
  const { state, token } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const typed = actionData?.values as { name?: string; email?: string } | undefined;
  const { register, onSubmit, errorOf } = useRemixForm(setupSchema, {
    defaultValues: { token, name: typed?.name ?? '', email: typed?.email ?? '', password: '', confirmPassword: '' },
    actionData,
  });
  if (state !== 'ready') {
    return (
      <AuthPage title="Set up vialcart" lead="This vialcart has no administrator yet." formError={state === 'bad_link' ? SETUP_LINK_PROBLEM : undefined}>
        <p>
          When the server started, it printed a one-time setup link to its log, on a line that begins “No administrator yet”. Open that link to create
          the administrator.
        </p>
        <p className="muted text-sm">The link works for 24 hours and only until an administrator exists; restarting the server prints a new one.</p>
      </AuthPage>
    );
  }
  const tokenProblem = actionData?.fieldErrors?.token;
  return (
    <AuthPage
      title="Set up vialcart"
      lead="Create the platform administrator. You will then add clinics and invite their managers."
      formError={tokenProblem ?? actionData?.formError}
      footer={<Link to="/login">Already set up? Sign in</Link>}
    >
      <Form method="post" noValidate onSubmit={onSubmit} className="stack">
        <input type="hidden" {...register('token')} />
        <FormField label="Your name" autoComplete="name" required error={errorOf('name')} {...register('name')} />
        <FormField label="Email" type="email" autoComplete="username" required error={errorOf('email')} {...register('email')} />
        <NewPasswordFields register={register as NewPasswordFieldsProps['register']} errorOf={errorOf} />
        <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
          Create the administrator
        </Button>
      </Form>
    </AuthPage>
  );
}
