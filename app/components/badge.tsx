import type { ReactNode } from 'react';
import type { Tone } from '~/lib/status';

/** Props of {@link Badge}. */
export interface BadgeProps {
  /** Colour by meaning; the text must carry the meaning on its own too. Default "neutral". */
  tone?: Tone;
  /** Short text: a status, role, finding, species. */
  children: ReactNode;
  className?: string;
  /** Extra words for screen readers only, e.g. "Order status:" before "Shipped". */
  srPrefix?: string;
}

/** A small label with a tone: statuses, roles, findings, species. */
export function Badge({ tone = 'neutral', children, className, srPrefix }: BadgeProps) {
  return (
    <span className={`badge badge--${tone}${className ? ` ${className}` : ''}`}>
      {srPrefix ? <span className="visually-hidden">{srPrefix} </span> : null}
      {children}
    </span>
  );
}
