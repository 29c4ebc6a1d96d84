import type { ActionFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { parseFormData } from '~/lib/forms';
import { mergeFormSchema } from '~/schemas/patients';
import { requireUser } from '~/services/identity/auth.server';
import { DomainError } from '~/services/platform/errors';
import { mergePatients } from '~/services/records/index.server';

const STATUS = { forbidden: 403, not_found: 404, conflict: 409 } as Record<string, number>;

/** A manager merges another patient into this one (posted by the patient page's fetcher). */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const parsed = parseFormData(await request.formData(), mergeFormSchema);
  if (!parsed.ok) return json({ ok: false, message: Object.values(parsed.errors.fieldErrors ?? {})[0] ?? 'Check the form.' }, { status: 400 });
  try {
    const { moved } = await mergePatients(user, params.id ?? '', parsed.data.mergedId);
    const orders = moved.order_lines ?? 0;
    return json({ ok: true, message: `Merged: ${orders} order ${orders === 1 ? 'line' : 'lines'}, ${moved.prescriptions ?? 0} prescriptions and the rest of the history moved here.` });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return json({ ok: false, message: error.message }, { status: STATUS[error.code] ?? 400 });
  }
}
