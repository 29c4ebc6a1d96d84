import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { ApiKeysPanel } from '~/components/api-keys-panel';
import { PageHeader } from '~/components/page-header';
import { apiKeysAction, type ApiKeysAnswer } from '~/http/api-keys.server';
import { listApiKeys, requireUser } from '~/services/identity/index.server';

export const meta: MetaFunction = () => [{ title: 'API keys — vialcart pharmacy' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'pharmacy' });
  return json({ keys: await listApiKeys(user) });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'pharmacy' });
  return apiKeysAction(user, request);
}

export default function PharmacyApiKeysPage() {
  const { keys } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as ApiKeysAnswer | undefined;
  return (
    <div className="stack-lg">
      <PageHeader
        title="API keys"
        description="Keys let your pharmacy system read its orders and post their status through the pharmacy API (/api/pharmacy/v1). A read key only reads."
      />
      <ApiKeysPanel keys={keys} answer={answer} apiBase="/api/pharmacy/v1" />
    </div>
  );
}
