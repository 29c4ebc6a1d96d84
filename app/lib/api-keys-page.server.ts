import { json } from '@remix-run/node';
import { apiKeyIntentSchema } from '~/schemas/identity';
import { createApiKey, revokeApiKey } from '~/services/identity/index.server';
import type { UserPrincipal } from '~/services/identity/principal';
import { formErrorAnswer } from './form-answers.server';
import { parseFormData, type FormErrors } from './forms';

/** What the API keys pages' action answers: a new key's secret (shown once), a revocation, or errors. */
export type ApiKeysAnswer = FormErrors & { intent?: string; created?: { name: string; secret: string; scope: string }; revoked?: boolean };

/** The action of the clinic's and the pharmacy's API keys pages (the service checks who may). */
export async function apiKeysAction(user: UserPrincipal, request: Request) {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const parsed = parseFormData(form, apiKeyIntentSchema);
  if (!parsed.ok) return json<ApiKeysAnswer>({ ...parsed.errors, intent }, { status: 400 });
  try {
    if (parsed.data.intent === 'create') {
      const { secret, key } = await createApiKey(user, parsed.data);
      // The secret leaves the server this once; the page never shows it again.
      return json<ApiKeysAnswer>({ intent, created: { name: key.name, secret, scope: key.scope } }, { headers: { 'Cache-Control': 'no-store' } });
    }
    await revokeApiKey(user, parsed.data.keyId);
    return json<ApiKeysAnswer>({ intent, revoked: true });
  } catch (error) {
    return formErrorAnswer(error, form, { intent });
  }
}
