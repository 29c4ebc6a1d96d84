import type { ReactNode } from 'react';

/** Props of {@link PageHeader}. */
export interface PageHeaderProps {
  /** The page's one `<h1>`. */
  title: ReactNode;
  /** A sentence under the title: what this page is for, or what is selected. */
  description?: ReactNode;
  /** Buttons and links for the page as a whole, right-aligned (hidden when printing). */
  actions?: ReactNode;
  /** Badges or small facts shown next to the title (status, counts). */
  meta?: ReactNode;
}

/** The top of every page: title, description, page-wide actions. */
export function PageHeader({ title, description, actions, meta }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div className="page-header__text">
        <div className="cluster">
          <h1>{title}</h1>
          {meta}
        </div>
        {description ? <p className="page-header__description">{description}</p> : null}
      </div>
      {actions ? <div className="page-header__actions">{actions}</div> : null}
    </header>
  );
}
