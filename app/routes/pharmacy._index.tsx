import type { MetaFunction } from '@remix-run/node';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';

export const meta: MetaFunction = () => [{ title: 'Orders — vialcart pharmacy portal' }];

export default function PharmacyOrders() {
  return (
    <div className="stack-lg">
      <PageHeader title="Orders" description="Orders routed to your pharmacy by vialcart clinics." />
      <EmptyState title="No orders routed yet" description="Paid refill-day orders for your pharmacy appear here." />
    </div>
  );
}
