import { Link } from '@remix-run/react';

/** One tab of a {@link StatusTabs}: a status code (null for "all"), its label and how many there are. */
export interface StatusTab {
  code: string | null;
  label: string;
  count: number;
}

/** Props of {@link StatusTabs}. */
export interface StatusTabsProps {
  /** What the tabs filter, for screen readers ("Order status"). */
  label: string;
  tabs: StatusTab[];
  /** The code shown now (null: all). */
  current: string | null;
}

/**
 * A row of links that filter a list by status (`?status=…`), each with its count; the
 * current one carries `aria-current="page"`. Hidden when printing.
 */
export function StatusTabs({ label, tabs, current }: StatusTabsProps) {
  return (
    <nav aria-label={label} className="no-print">
      <ul className="cluster" role="list">
        {tabs.map((t) => (
          <li key={t.code ?? 'all'}>
            <Link
              to={t.code ? `?status=${t.code}` : '?'}
              className={`button button--sm ${t.code === current ? 'button--primary' : 'button--secondary'}`}
              aria-current={t.code === current ? 'page' : undefined}
            >
              {t.label} <span className="num">({t.count})</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
