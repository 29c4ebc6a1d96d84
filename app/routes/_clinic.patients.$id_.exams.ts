import type { ActionFunctionArgs } from '@remix-run/node';
import { formAction, readForm } from '~/http/forms.server';
import { examFormSchema } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import { recordExam } from '~/services/records/index.server';

/** "Record exam" on the patient page (posted by its fetcher). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(async () => {
    await recordExam(user, params.id ?? '', readForm(form, examFormSchema));
    return { ok: true };
  });
}
