import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { requireUser } from '~/services/auth.server';

export const meta: MetaFunction = () => [{ title: 'Orders — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'clinic' });
  return null;
}

export default function OrdersPage() {
  return (
    <div className="stack-lg">
      <PageHeader title="Orders" description="Each refill day’s orders, one per pharmacy, with status and tracking." />
      <EmptyState title="Nothing here yet" description="This part of vialcart is being built." />
    </div>
  );
}
