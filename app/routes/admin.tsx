import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Outlet } from '@remix-run/react';
import { AdminShell } from '~/components/admin-shell';
import { IMPORTS_REFUSAL, requireUser } from '~/services/identity/auth.server';

// The admin area (vialcart's own staff, role admin): the guard runs once here for every page
// below, and the frame (AdminShell) is drawn here once.
export async function loader({ request }: LoaderFunctionArgs) {
  // Catalog imports sound like a clinic manager's job: they are told the page is not theirs.
  const refusal = new URL(request.url).pathname.startsWith('/admin/imports') ? IMPORTS_REFUSAL : undefined;
  const user = await requireUser(request, { area: 'admin', roles: ['admin'], refusal });
  return json({ user: { name: user.name, role: user.role } });
}

export default function AdminLayout() {
  return (
    <AdminShell>
      <Outlet />
    </AdminShell>
  );
}
