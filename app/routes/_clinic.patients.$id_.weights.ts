import type { ActionFunctionArgs } from '@remix-run/node';
import { formAction, readForm, type FormErrors } from '~/http/forms.server';
import { weightFormSchema } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import type { DomainError } from '~/services/platform/errors';
import { recordWeight } from '~/services/records/index.server';

/** What the weight form needs besides its errors: whether to offer the override, and the species' range. */
function overrideOf(errors: FormErrors, error?: DomainError) {
  const details = error?.details as { needsOverride?: boolean; range?: { min: number; max: number } | null } | undefined;
  // The service names the stored kilograms; the form's field is the typed value.
  const fieldErrors = errors.fieldErrors ? Object.fromEntries(Object.entries(errors.fieldErrors).map(([k, v]) => [k === 'kg' ? 'value' : k, v])) : undefined;
  return { fieldErrors, needsOverride: details?.needsOverride ?? false, range: details?.range ?? null };
}

/** "Record weight" on the patient page (posted by its fetcher). Outside the species' range the form asks for the override. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(async () => {
    await recordWeight(user, params.id ?? '', readForm(form, weightFormSchema));
    return { ok: true };
  }, { extra: overrideOf });
}
