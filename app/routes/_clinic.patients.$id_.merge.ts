import type { ActionFunctionArgs } from '@remix-run/node';
import { firstError, formAction, readForm } from '~/http/forms.server';
import { mergeFormSchema } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import { mergePatients } from '~/services/records/index.server';

/** A manager merges another patient into this one (posted by the patient page's fetcher; its toast reads `message`). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const form = await request.formData();
  return formAction(
    async () => {
      const { moved } = await mergePatients(user, params.id ?? '', readForm(form, mergeFormSchema).mergedId);
      const orders = moved.order_lines ?? 0;
      return { ok: true, message: `Merged: ${orders} order ${orders === 1 ? 'line' : 'lines'}, ${moved.prescriptions ?? 0} prescriptions and the rest of the history moved here.` };
    },
    { extra: (errors) => ({ ok: false, message: firstError(errors) }) },
  );
}
