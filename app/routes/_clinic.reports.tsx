import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { requireUser } from '~/services/auth.server';

export const meta: MetaFunction = () => [{ title: 'Reports — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'clinic' });
  return null;
}

export default function ReportsPage() {
  return (
    <div className="stack-lg">
      <PageHeader title="Reports" description="Requests, turnaround, SLA breaches and spend by pharmacy." />
      <EmptyState title="Nothing here yet" description="This part of vialcart is being built." />
    </div>
  );
}
