import { json } from '@remix-run/node';
import { apiKeyIntentSchema } from '~/schemas/identity';
import { createApiKey, revokeApiKey, rotateApiKey } from '~/services/identity/index.server';
import type { UserPrincipal } from '~/services/identity/principal';
import { formAction, readForm } from '~/http/forms.server';
import type { FormErrors } from '~/lib/forms';

/** What the API keys pages' action answers: a new key's secret (shown once), a revocation, or errors. */
export type ApiKeysAnswer = FormErrors & { intent?: string; created?: { name: string; secret: string; scope: string }; revoked?: boolean; rotated?: { secret: string; previousWorksUntil: string | null } };

/** The action of the clinic's and the pharmacy's API keys pages (the service checks who may). */
export async function apiKeysAction(user: UserPrincipal, request: Request) {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  return formAction(
    async () => {
      const input = readForm(form, apiKeyIntentSchema);
      if (input.intent === 'create') {
        const { secret, key } = await createApiKey(user, input);
        // The secret leaves the server this once; the page never shows it again.
        return json<ApiKeysAnswer>({ intent, created: { name: key.name, secret, scope: key.scope } }, { headers: { 'Cache-Control': 'no-store' } });
      }
      if (input.intent === 'rotate') {
        const { secret, previousWorksUntil } = await rotateApiKey(user, input.keyId, input.overlapHours);
        return json<ApiKeysAnswer>({ intent, rotated: { secret, previousWorksUntil } }, { headers: { 'Cache-Control': 'no-store' } });
      }
      await revokeApiKey(user, input.keyId);
      return json<ApiKeysAnswer>({ intent, revoked: true });
    },
    { values: form, extra: { intent } },
  );
}
