import { Link, NavLink } from '@remix-run/react';
import type { ReactNode } from 'react';
import { formatRole } from '~/lib/format';
import { Badge } from './badge';

/** One entry of the primary navigation. */
export interface NavItem {
  label: string;
  /** Path it links to. */
  to: string;
  /** Current only on this exact path, not below it (needed for "/"). */
  end?: boolean;
}

/** The signed-in user as the shell shows them. */
export interface ShellUser {
  name: string;
  /** Role code: technician, veterinarian, manager, front_desk, pharmacist, admin. */
  role: string;
}

/** The clinic portal's navigation, in this order. */
export const CLINIC_NAV: readonly NavItem[] = [
  { label: 'Refill day', to: '/refill-day' },
  { label: 'Catalog', to: '/catalog' },
  { label: 'Patients', to: '/patients' },
  { label: 'Prescriptions', to: '/prescriptions' },
  { label: 'Requests', to: '/requests' },
  { label: 'Orders', to: '/orders' },
  { label: 'Reports', to: '/reports' },
  { label: 'Settings', to: '/settings' },
];

/** The pharmacy portal's navigation. */
export const PHARMACY_NAV: readonly NavItem[] = [
  { label: 'Orders', to: '/pharmacy', end: true },
  { label: 'API keys', to: '/pharmacy/api-keys' },
];

/** Props of {@link AppShell}. */
export interface AppShellProps {
  /** Name of the signed-in user's clinic, shown in the top bar. */
  clinicName: string;
  user: ShellUser;
  /** Navigation items; default {@link CLINIC_NAV}. */
  nav?: readonly NavItem[];
  /** Where the product name links to. Default "/". */
  homeTo?: string;
  /** The page. */
  children: ReactNode;
}

/**
 * The frame of every signed-in clinic page: skip link, top bar (product, clinic, the user —
 * linking to their account page — and role, sign out), primary navigation with the current page marked, and `<main id="main">`.
 */
export function AppShell({ clinicName, user, nav = CLINIC_NAV, homeTo = '/', children }: AppShellProps) {
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-shell__top">
        <Link to={homeTo} className="app-shell__brand">
          vialcart
        </Link>
        <span className="app-shell__org">{clinicName}</span>
        <div className="app-shell__user">
          <Link to="/account" title="Your account: password and sessions">
            {user.name}
          </Link>
          <Badge tone="info" srPrefix="Role:">
            {formatRole(user.role)}
          </Badge>
          {/*
            A plain form on purpose: signing out should be a full document load, which drops
            every cached loader result of the previous user; it also needs no router context.
          */}
          <form method="post" action="/logout">
            <button type="submit" className="button button--ghost button--sm">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <nav className="app-shell__nav" aria-label="Primary">
        <ul>
          {nav.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.end} prefetch="intent">
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="app-shell__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** Props of {@link PharmacyShell}. */
export interface PharmacyShellProps {
  /** Name of the signed-in user's pharmacy, shown in the top bar. */
  pharmacyName: string;
  user: ShellUser;
  children: ReactNode;
}

/** The frame of the pharmacy portal: the same shell with the pharmacy's navigation. */
export function PharmacyShell({ pharmacyName, user, children }: PharmacyShellProps) {
  return (
    <AppShell clinicName={pharmacyName} user={user} nav={PHARMACY_NAV} homeTo="/pharmacy">
      {children}
    </AppShell>
  );
}
