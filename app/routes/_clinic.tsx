import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Outlet, useLoaderData } from '@remix-run/react';
import { AppShell } from '~/components/app-shell';
import { requireUser } from '~/services/identity/auth.server';
import { getClinic } from '~/services/records/clinics.server';

// Every clinic page sits in this layout: the guard runs once here and the shell shows the
// clinic, the user and their role.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const clinic = await getClinic(user);
  return json({ user: { name: user.name, role: user.role }, clinic: { name: clinic.name, state: clinic.state, slug: clinic.slug } });
}

export default function ClinicLayout() {
  const { user, clinic } = useLoaderData<typeof loader>();
  return (
    <AppShell clinicName={clinic.name} user={user}>
      <Outlet />
    </AppShell>
  );
}
