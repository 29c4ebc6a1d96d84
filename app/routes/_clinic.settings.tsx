import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { requireUser } from '~/services/auth.server';

export const meta: MetaFunction = () => [{ title: 'Settings — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'clinic' });
  return null;
}

export default function SettingsPage() {
  return (
    <div className="stack-lg">
      <PageHeader title="Settings" description="Clinic policy: wellness window, SLA targets, escalation contact, reminders." />
      <EmptyState title="Nothing here yet" description="This part of vialcart is being built." />
    </div>
  );
}
