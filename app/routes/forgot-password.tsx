import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { AuthPage } from '~/components/auth-page';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { clientIpOf } from '~/http/client.server';
import { formAction, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { forgotPasswordSchema } from '~/schemas/identity';
import { requestPasswordReset, RESET_REQUESTED_MESSAGE } from '~/services/identity/index.server';

export const meta: MetaFunction = () => [{ title: 'Forgot password — vialcart' }];

type Answer = FormErrors & { sent?: string };

// The answer is the same whether or not the email has an account (docs/onboarding.md).
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  return formAction(
    async (): Promise<Answer> => {
      const { email } = readForm(form, forgotPasswordSchema);
      await requestPasswordReset(email, clientIpOf(context));
      return { sent: RESET_REQUESTED_MESSAGE };
    },
    { values: form },
  );
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>() as Answer | undefined;
  const navigation = useNavigation();
  const { register, onSubmit, errorOf } = useRemixForm(forgotPasswordSchema, {
    defaultValues: { email: (actionData?.values?.email as string | undefined) ?? '' },
    actionData,
  });
  return (
    <AuthPage
      title="Forgot your password?"
      lead="Enter the email you sign in with. We will send a link to choose a new password."
      formError={actionData?.formError}
      footer={<Link to="/login">Back to sign in</Link>}
    >
      {actionData?.sent ? (
        <p role="status" className="notice">
          {actionData.sent}
        </p>
      ) : null}
      <Form method="post" noValidate onSubmit={onSubmit} className="stack">
        <FormField label="Email" type="email" autoComplete="username" autoFocus required error={errorOf('email')} {...register('email')} />
        <Button type="submit" variant="primary" loading={navigation.state !== 'idle'}>
          Send the link
        </Button>
      </Form>
    </AuthPage>
  );
}
