import type { ActionFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { parseFormData, type FormErrors } from '~/lib/forms';
import { weightFormSchema } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import { DomainError } from '~/services/platform/errors';
import { recordWeight } from '~/services/records/index.server';

type Answer = FormErrors & { ok?: boolean; needsOverride?: boolean; range?: { min: number; max: number } | null };

/** "Record weight" on the patient page (posted by its fetcher). Outside the species' range the form asks for the override. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const parsed = parseFormData(await request.formData(), weightFormSchema);
  if (!parsed.ok) return json<Answer>(parsed.errors, { status: 400 });
  try {
    await recordWeight(user, params.id ?? '', parsed.data);
    return json<Answer>({ ok: true });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // The service names the stored kilograms; the form's field is the typed value.
    const fieldErrors = error.fields ? Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k === 'kg' ? 'value' : k, v])) : undefined;
    const details = error.details as { needsOverride?: boolean; range?: { min: number; max: number } | null } | undefined;
    return json<Answer>(
      { formError: error.message, fieldErrors, needsOverride: details?.needsOverride ?? false, range: details?.range ?? null },
      { status: error.code === 'not_found' ? 404 : 400 },
    );
  }
}
