import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { requireUser } from '~/services/auth.server';

export const meta: MetaFunction = () => [{ title: 'Catalog — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'clinic' });
  return null;
}

export default function CatalogPage() {
  return (
    <div className="stack-lg">
      <PageHeader title="Catalog" description="Compare 503A partner pharmacies side by side, with the landed cost per vial." />
      <EmptyState title="Nothing here yet" description="This part of vialcart is being built." />
    </div>
  );
}
