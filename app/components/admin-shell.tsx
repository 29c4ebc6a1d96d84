import { useRouteLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import { AppShell, type NavItem } from './app-shell';

/** The vialcart admin area's navigation. */
export const ADMIN_NAV: readonly NavItem[] = [
  { label: 'Clinics', to: '/admin/clinics' },
  { label: 'Pharmacies', to: '/admin/pharmacies' },
  { label: 'Catalog imports', to: '/admin/imports' },
  { label: 'Order deliveries', to: '/admin/deliveries' },
  { label: 'Money', to: '/admin/money' },
  { label: 'Mailbox', to: '/admin/mailbox' },
];

/**
 * The frame of an admin page: the app shell with the admin navigation and the signed-in admin
 * (from the `routes/admin` layout's loader).
 */
export function AdminShell({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<{ user: { name: string; role: string } }>('routes/admin');
  return (
    <AppShell clinicName="vialcart admin" user={data?.user ?? { name: '', role: 'admin' }} nav={ADMIN_NAV} homeTo="/admin">
      {children}
    </AppShell>
  );
}
