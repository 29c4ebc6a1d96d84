import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Outlet, useLoaderData } from '@remix-run/react';
import { PharmacyShell } from '~/components/app-shell';
import { requireUser } from '~/services/identity/auth.server';
import { getPharmacyName } from '~/services/records/clinics.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'pharmacy' });
  return json({ user: { name: user.name, role: user.role }, pharmacyName: await getPharmacyName(user.pharmacyId!) });
}

export default function PharmacyLayout() {
  const { user, pharmacyName } = useLoaderData<typeof loader>();
  return (
    <PharmacyShell pharmacyName={pharmacyName} user={user}>
      <Outlet />
    </PharmacyShell>
  );
}
