import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { ApiKeysPanel } from '~/components/api-keys-panel';
import { ButtonLink } from '~/components/button';
import { PageHeader } from '~/components/page-header';
import { apiKeysAction, type ApiKeysAnswer } from '~/http/api-keys.server';
import { listApiKeys, requireUser } from '~/services/identity/index.server';

export const meta: MetaFunction = () => [{ title: 'API keys — Settings — vialcart' }];

const MANAGERS: ['manager', 'admin'] = ['manager', 'admin'];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic', roles: MANAGERS });
  return json({ keys: await listApiKeys(user) });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic', roles: MANAGERS });
  return apiKeysAction(user, request);
}

export default function ClinicApiKeysPage() {
  const { keys } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as ApiKeysAnswer | undefined;
  return (
    <div className="stack-lg">
      <PageHeader
        title="API keys"
        description="Keys let your PIMS, SMS gateway or scripts use the clinic API (/api/v1) for this clinic. A read key only reads."
        actions={<ButtonLink to="/settings">Back to settings</ButtonLink>}
      />
      <ApiKeysPanel keys={keys} answer={answer} apiBase="/api/v1" />
    </div>
  );
}
