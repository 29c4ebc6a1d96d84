import { Link, type LinkProps } from '@remix-run/react';
import { forwardRef, type ButtonHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/** Visual weight: one primary action per view; danger for destructive ones. */
export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';
/** Control height: sm for table rows and toolbars, md by default, lg for a page's main call. */
export type ButtonSize = 'sm' | 'md' | 'lg';

interface ButtonLook {
  /** Default "secondary". */
  variant?: ButtonVariant;
  /** Default "md". */
  size?: ButtonSize;
}

function buttonClass({ variant = 'secondary', size = 'md' }: ButtonLook, extra?: string): string {
  return ['button', `button--${variant}`, size === 'md' ? '' : `button--${size}`, extra ?? '']
    .filter(Boolean)
    .join(' ');
}

/** Props of {@link Button}: every `<button>` attribute, plus the look and a loading state. */
export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement>, ButtonLook {
  /**
   * Work is under way (a submission in flight): shows a spinner, sets aria-busy and
   * aria-disabled and swallows clicks. The button stays focusable, so focus is not lost.
   */
  loading?: boolean;
  children: ReactNode;
}

/**
 * A button. `type` keeps the HTML default ("submit" inside a form), so
 * `<Button variant="primary">Save</Button>` submits its form like a `<button>` would.
 */
export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant, size, loading = false, className, children, onClick, disabled, ...rest },
  ref,
) {
  function handleClick(event: MouseEvent<HTMLButtonElement>) {
    if (loading) {
      event.preventDefault();
      return;
    }
    onClick?.(event);
  }
  return (
    <button
      ref={ref}
      className={buttonClass({ variant, size }, className)}
      disabled={disabled}
      aria-busy={loading || undefined}
      aria-disabled={loading || undefined}
      onClick={handleClick}
      {...rest}
    >
      {loading ? <span className="button__spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
});

/** Props of {@link ButtonLink}: a Remix `<Link>` with a button's look. */
export interface ButtonLinkProps extends LinkProps, ButtonLook {
  children: ReactNode;
}

/** A link that looks like a button: navigation ("New request", "View order"), not actions. */
export const ButtonLink = forwardRef<HTMLAnchorElement, ButtonLinkProps>(function ButtonLink(
  { variant, size, className, children, ...rest },
  ref,
) {
  return (
    <Link ref={ref} className={buttonClass({ variant, size }, className)} {...rest}>
      {children}
    </Link>
  );
});
