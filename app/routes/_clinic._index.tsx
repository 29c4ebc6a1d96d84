import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/page-header';
import { requireUser } from '~/services/auth.server';
import { getClinic } from '~/services/clinics.server';

export const meta: MetaFunction = () => [{ title: 'Home — vialcart' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const clinic = await getClinic(user);
  return json({ clinicName: clinic.name, userName: user.name });
}

// The clinic's home: the dashboard (today's refill day, queues, orders in flight) grows here.
export default function Home() {
  const { clinicName, userName } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <PageHeader title={`Good to see you, ${userName.split(' ')[0]}`} description={clinicName} />
      <p>
        <Link to="/refill-day">Open today’s refill day</Link>
      </p>
    </div>
  );
}
