import type { ActionFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { parseFormData, type FormErrors } from '~/lib/forms';
import { examFormSchema } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import { DomainError } from '~/services/platform/errors';
import { recordExam } from '~/services/records/index.server';

type Answer = FormErrors & { ok?: boolean };

/** "Record exam" on the patient page (posted by its fetcher). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const parsed = parseFormData(await request.formData(), examFormSchema);
  if (!parsed.ok) return json<Answer>(parsed.errors, { status: 400 });
  try {
    await recordExam(user, params.id ?? '', parsed.data);
    return json<Answer>({ ok: true });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return json<Answer>({ formError: error.message, fieldErrors: error.fields }, { status: error.code === 'not_found' ? 404 : 400 });
  }
}
