import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import { FormField } from '~/components/form-field';
import { readUrlEncodedForm } from '~/http/body.server';
import { clientIpOf } from '~/http/client.server';
import { formAction, orNotFoundPage, readForm } from '~/http/forms.server';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { publicRefillFormSchema, SMS_CONSENT_TEXT } from '~/schemas/refill-request';
import { publicClinic, submitPublicRefillForm } from '~/services/requests/index.server';
import { refillPrefill } from '~/services/owners/owners.server';

/** Largest form post read (bytes): the form's fields fit in well under 4 KB. */
const MAX_FORM_BYTES = 16 * 1024;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Request a refill — ${data?.clinic.name ?? 'vialcart'}` }];

const clinicOr404 = (slug: string | undefined) => publicClinic(slug ?? '').catch(orNotFoundPage('There is no clinic at this address.'));

export async function loader({ params, request }: LoaderFunctionArgs) {
  const clinic = await clinicOr404(params.clinicSlug);
  // A refill reminder's signed link (?r=) prefills the owner, pet and medication (issue 9).
  const prefill = await refillPrefill(clinic.slug, new URL(request.url).searchParams.get('r'));
  return json({ clinic: { name: clinic.name, phone: clinic.phone, slug: clinic.slug }, prefill });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const clinic = await clinicOr404(params.clinicSlug);
  const read = await readUrlEncodedForm(request, MAX_FORM_BYTES);
  if (!read.ok && read.reason === 'unsupported') return json<FormErrors>({ formError: 'Send the form as a normal web form.' }, { status: 415 });
  if (!read.ok) return json<FormErrors>({ formError: 'That is far more than this form takes. Please shorten what you typed.' }, { status: 413 });
  const { form } = read;
  // The "website" field is hidden from people; only bots fill it in.
  if (String(form.get('website') ?? '') !== '') {
    return json<FormErrors>({ formError: 'Your request could not be accepted. Please call the clinic.' }, { status: 400 });
  }
  form.delete('website');
  return formAction(
    async () => {
      const created = await submitPublicRefillForm(clinic.slug, readForm(form, publicRefillFormSchema), clientIpOf(context));
      return redirect(`/c/${clinic.slug}/refill/${created.reference}`);
    },
    { values: form },
  );
}

const URGENCY_OPTIONS = [
  { value: 'routine', label: 'More than 2 days left' },
  { value: 'soon', label: 'Runs out in 1–2 days' },
  { value: 'today', label: 'Runs out today (or already out)' },
] as const;

export default function PublicRefillForm() {
  const { clinic, prefill } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const typed = (actionData?.values ?? {}) as Record<string, string | undefined>;
  const { register, onSubmit, errorOf } = useRemixForm(publicRefillFormSchema, {
    defaultValues: {
      ownerName: typed.ownerName ?? prefill?.ownerName ?? '',
      ownerPhone: typed.ownerPhone ?? prefill?.ownerPhone ?? '',
      ownerEmail: typed.ownerEmail ?? prefill?.ownerEmail ?? '',
      patientName: typed.patientName ?? prefill?.patientName ?? '',
      medication: typed.medication ?? prefill?.medication ?? '',
      dosesLeft: typed.dosesLeft ?? '',
      urgency: (typed.urgency as 'routine' | 'soon' | 'today' | undefined) ?? 'routine',
      smsConsent: typed.smsConsent ?? undefined,
    },
    actionData,
  });
  const urgencyError = errorOf('urgency');
  return (
    <main id="main" tabIndex={-1} className="public-page">
      <div className="public-page__card card card--padded stack">
        <header className="stack-sm">
          <p className="muted text-sm">{clinic.name}</p>
          <h1>Request a refill</h1>
          <p className="muted">
            Tell us who you are and what your pet needs. We check it against your pet’s record and let you know what happens next.
            {clinic.phone ? ` Questions? Call ${clinic.phone}.` : ''}
          </p>
        </header>
        {actionData?.formError ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <Form method="post" noValidate onSubmit={onSubmit} className="stack">
          <fieldset className="stack-sm public-page__group">
            <legend>You</legend>
            <FormField label="Your name" autoComplete="name" required error={errorOf('ownerName')} {...register('ownerName')} />
            <FormField
              label="Mobile phone"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              hint="The number on file at the clinic. A phone or an email is needed."
              error={errorOf('ownerPhone')}
              {...register('ownerPhone')}
            />
            <FormField label="Email" type="email" autoComplete="email" error={errorOf('ownerEmail')} {...register('ownerEmail')} />
          </fieldset>
          <fieldset className="stack-sm public-page__group">
            <legend>Your pet and the medication</legend>
            <FormField label="Pet’s name" required error={errorOf('patientName')} {...register('patientName')} />
            <FormField label="Medication" required hint="As on the label, e.g. “methimazole gel” or “Apoquel”." error={errorOf('medication')} {...register('medication')} />
            <FormField label="Doses left" type="text" inputMode="numeric" pattern="[0-9]*" hint="Optional." error={errorOf('dosesLeft')} {...register('dosesLeft')} />
            <fieldset className="stack-sm" aria-describedby={urgencyError ? 'urgency-error' : undefined}>
              <legend className="field__label">When does it run out?</legend>
              {URGENCY_OPTIONS.map((o) => (
                <label key={o.value} className="choice">
                  <input type="radio" value={o.value} aria-invalid={urgencyError ? true : undefined} {...register('urgency')} /> {o.label}
                </label>
              ))}
              {urgencyError ? (
                <p className="field__error" id="urgency-error">
                  {urgencyError}
                </p>
              ) : null}
            </fieldset>
          </fieldset>
          <label className="choice">
            <input type="checkbox" value="on" {...register('smsConsent')} /> {SMS_CONSENT_TEXT}
          </label>
          <div className="visually-hidden" aria-hidden="true">
            <label>
              Leave this empty
              <input type="text" name="website" tabIndex={-1} autoComplete="off" defaultValue="" />
            </label>
          </div>
          <Button type="submit" variant="primary" size="lg" loading={navigation.state !== 'idle'}>
            Send refill request
          </Button>
        </Form>
      </div>
    </main>
  );
}
