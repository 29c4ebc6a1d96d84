import type { ReactNode } from 'react';

/** Props of {@link EmptyState}. */
export interface EmptyStateProps {
  /** What is empty, said plainly: "No requests waiting". */
  title: ReactNode;
  /** Why, or what to do next. */
  description?: ReactNode;
  /** The one next step (a ButtonLink or Button). */
  action?: ReactNode;
  /** Heading level of the title, to fit the page outline. Default 2. */
  headingLevel?: 2 | 3 | 4;
}

/** What a list, table or page shows when there is nothing in it yet. */
export function EmptyState({ title, description, action, headingLevel = 2 }: EmptyStateProps) {
  const Heading = `h${headingLevel}` as const;
  return (
    <div className="empty-state">
      <Heading className="empty-state__title">{title}</Heading>
      {description ? <p className="empty-state__description">{description}</p> : null}
      {action ? <div className="empty-state__action">{action}</div> : null}
    </div>
  );
}
