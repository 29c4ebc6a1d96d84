import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { EmptyState } from '~/components/empty-state';
import { PageHeader } from '~/components/page-header';
import { requireUser } from '~/services/auth.server';
import { getClinic } from '~/services/clinics.server';

export const meta: MetaFunction = () => [{ title: 'Refill day — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const clinic = await getClinic(user);
  return json({ clinicName: clinic.name, userName: user.name });
}

export default function RefillDay() {
  const { clinicName, userName } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <PageHeader title="Refill day" description={`${clinicName} · signed in as ${userName}`} />
      <EmptyState
        title="Your refill-day cart is empty"
        description="Patients whose supply runs out soon, quickfills from history and approved owner requests will gather here."
      />
    </div>
  );
}
