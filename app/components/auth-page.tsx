import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { FormAlert } from './form-alert';

/** Props of {@link AuthPage}. */
export interface AuthPageProps {
  /** The page's one `<h1>`. */
  title: string;
  /** A sentence under the title. */
  lead?: ReactNode;
  /** A message for the whole form (an error: announced at once). */
  formError?: string | undefined;
  /** Links under the card, e.g. back to sign in. */
  footer?: ReactNode;
  children?: ReactNode;
}

/**
 * The frame of the signed-out pages (sign in, first-run setup, invitation, forgot and reset
 * password): the product name, one centred card, and `<main id="main">`.
 */
export function AuthPage({ title, lead, formError, footer, children }: AuthPageProps) {
  return (
    <main id="main" className="auth-page" tabIndex={-1}>
      <p className="auth-page__brand">
        <Link to="/">vialcart</Link>
      </p>
      <div className="auth-card card card--padded stack">
        <h1>{title}</h1>
        {lead ? <p className="muted">{lead}</p> : null}
        <FormAlert message={formError} />
        {children}
      </div>
      {footer ? <div className="auth-page__footer">{footer}</div> : null}
    </main>
  );
}
