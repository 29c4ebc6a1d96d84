import { useId, useState, type CSSProperties, type ReactNode } from 'react';

/** Which way a column is sorted. */
export type SortDirection = 'ascending' | 'descending';

/** The table's sort: a column key and a direction. */
export interface SortState {
  key: string;
  direction: SortDirection;
}

/** One column of a {@link DataTable}. */
export interface Column<Row> {
  /** Stable id of the column; also the sort key. */
  key: string;
  /** Header content. */
  header: ReactNode;
  /** Cell content for a row. */
  cell: (row: Row) => ReactNode;
  /** "end" for numbers and money, so digits line up. Default "start". */
  align?: 'start' | 'center' | 'end';
  /** The header becomes a button that sorts by this column. */
  sortable?: boolean;
  /**
   * What to sort by when the table sorts itself (no `onSortChange`). Default: the row's
   * property named `key`, when it is a string, number or boolean.
   */
  sortValue?: (row: Row) => string | number | boolean | null | undefined;
  /** Render this column's cells as row headers (`<th scope="row">`): the patient, the medication. */
  rowHeader?: boolean;
  /** CSS width of the column, e.g. "8rem". */
  width?: string;
}

/** A group of rows under a header row (rows grouped by patient, by pharmacy). */
export interface RowGroup<Row> {
  key: string;
  rows: Row[];
}

/** Props of {@link DataTable}. */
export interface DataTableProps<Row> {
  /** What the table lists; every table has one. Hide it visually with `captionHidden`. */
  caption: ReactNode;
  /** Keep the caption for screen readers only (when a heading above already says it). */
  captionHidden?: boolean;
  columns: Array<Column<Row>>;
  rows: Row[];
  /** A stable key per row (its id). */
  getRowKey: (row: Row) => string;
  /** Group rows by this key, groups in order of first appearance; sorting applies within groups. */
  groupBy?: (row: Row) => string;
  /** Content of a group's header row. Default: the group key. */
  groupHeader?: (group: RowGroup<Row>) => ReactNode;
  /** Cells of a row after each group (subtotals); return `<td>`/`<th>` elements. */
  groupFooter?: (group: RowGroup<Row>) => ReactNode;
  /** Rows of the `<tfoot>` (grand totals); return `<tr>` elements. */
  footer?: ReactNode;
  /** Shown in place of rows when there are none. */
  empty?: ReactNode;
  /**
   * The current sort. With `onSortChange` the table is controlled (sort on the server, in the
   * URL); without it, this is the initial sort and the table sorts its rows itself.
   */
  sort?: SortState;
  /** Called with the requested sort when a sortable header is pressed. */
  onSortChange?: (sort: SortState) => void;
  /** Class for a row, e.g. to mark rows with errors. */
  rowClassName?: (row: Row) => string | undefined;
  /** Highlights selected rows (their checkbox carries the state for assistive technology). */
  isRowSelected?: (row: Row) => boolean;
  /** Tighter padding for long lists. */
  compact?: boolean;
  /**
   * Maximum height of the scrolling pane, in which the header sticks. Default: the viewport
   * less the page chrome; "none" lets the table grow with the page.
   */
  maxHeight?: string;
}

function defaultSortValue<Row>(row: Row, key: string): string | number | boolean | null | undefined {
  const value = (row as Record<string, unknown>)[key];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
}

function compareValues(a: string | number | boolean | null | undefined, b: typeof a): number {
  // Missing values sort last whatever the direction is applied on top (see sortRows).
  if (a == null || b == null) return a == null ? (b == null ? 0 : 1) : -1;
  if (typeof a === 'string' && typeof b === 'string') {
    return a.localeCompare(b, 'en-US', { numeric: true, sensitivity: 'base' });
  }
  return Number(a) - Number(b);
}

function sortRows<Row>(rows: Row[], column: Column<Row> | undefined, direction: SortDirection): Row[] {
  if (!column) return rows;
  const valueOf = column.sortValue ?? ((row: Row) => defaultSortValue(row, column.key));
  const sign = direction === 'ascending' ? 1 : -1;
  // Array.prototype.sort is stable, so equal rows keep their loader order.
  return [...rows].sort((left, right) => {
    const a = valueOf(left);
    const b = valueOf(right);
    if (a == null || b == null) return compareValues(a, b);
    return sign * compareValues(a, b);
  });
}

function groupRows<Row>(rows: Row[], groupBy: ((row: Row) => string) | undefined): Array<RowGroup<Row>> {
  if (!groupBy) return [{ key: '', rows }];
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = groupBy(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups].map(([key, groupRows]) => ({ key, rows: groupRows }));
}

const alignClass = { start: undefined, center: 'align-center', end: 'align-end' } as const;

/**
 * A table of typed rows: caption, sticky header, keyboard-sortable columns (buttons in the
 * headers, aria-sort on the sorted one), optional groups with header and footer rows, an
 * empty state. Scrolls in its own focusable pane on narrow screens.
 */
export function DataTable<Row>({
  caption,
  captionHidden = false,
  columns,
  rows,
  getRowKey,
  groupBy,
  groupHeader,
  groupFooter,
  footer,
  empty,
  sort,
  onSortChange,
  rowClassName,
  isRowSelected,
  compact = false,
  maxHeight,
}: DataTableProps<Row>) {
  const captionId = useId();
  const [ownSort, setOwnSort] = useState<SortState | undefined>(sort);
  const controlled = onSortChange !== undefined;
  const activeSort = controlled ? sort : ownSort;

  const sortedColumn = activeSort ? columns.find((c) => c.key === activeSort.key && c.sortable) : undefined;
  const visibleRows =
    controlled || !activeSort ? rows : sortRows(rows, sortedColumn, activeSort.direction);
  const groups = groupRows(visibleRows, groupBy);

  function requestSort(key: string) {
    const direction: SortDirection =
      activeSort?.key === key && activeSort.direction === 'ascending' ? 'descending' : 'ascending';
    if (controlled) onSortChange({ key, direction });
    else setOwnSort({ key, direction });
  }

  const style = maxHeight ? ({ '--table-max-height': maxHeight } as CSSProperties) : undefined;

  function renderCell(column: Column<Row>, row: Row) {
    const props = { className: alignClass[column.align ?? 'start'] };
    return column.rowHeader ? (
      <th key={column.key} scope="row" {...props}>
        {column.cell(row)}
      </th>
    ) : (
      <td key={column.key} {...props}>
        {column.cell(row)}
      </td>
    );
  }

  return (
    <div
      className="data-table-wrap"
      style={style}
      role="region"
      aria-labelledby={captionId}
      // A scrolling pane must be reachable by keyboard to be scrolled (WCAG 2.1.1).
      tabIndex={0}
    >
      <table className={compact ? 'data-table data-table--compact' : 'data-table'}>
        <caption id={captionId} className={captionHidden ? 'visually-hidden' : undefined}>
          {caption}
        </caption>
        <colgroup>
          {columns.map((column) => (
            <col key={column.key} style={column.width ? { width: column.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {columns.map((column) => {
              const sorted = activeSort?.key === column.key && column.sortable ? activeSort.direction : undefined;
              return (
                <th key={column.key} scope="col" className={alignClass[column.align ?? 'start']} aria-sort={sorted}>
                  {column.sortable ? (
                    <button type="button" className="data-table__sort" onClick={() => requestSort(column.key)}>
                      {column.header}
                      <span className="data-table__sort-icon" aria-hidden="true">
                        {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '↕'}
                      </span>
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        {rows.length === 0 ? (
          <tbody>
            <tr>
              <td colSpan={columns.length} className="data-table__empty">
                {empty ?? <p className="muted">Nothing to show.</p>}
              </td>
            </tr>
          </tbody>
        ) : (
          groups.map((group) => (
            <tbody key={group.key}>
              {groupBy ? (
                <tr className="data-table__group">
                  <th colSpan={columns.length} scope="rowgroup">
                    {groupHeader ? groupHeader(group) : group.key}
                  </th>
                </tr>
              ) : null}
              {group.rows.map((row) => (
                <tr
                  key={getRowKey(row)}
                  className={rowClassName?.(row)}
                  // aria-selected is for grids; in a table the row's checkbox says it, this styles it.
                  data-selected={isRowSelected?.(row) ? '' : undefined}
                >
                  {columns.map((column) => renderCell(column, row))}
                </tr>
              ))}
              {groupFooter ? <tr className="data-table__group-footer">{groupFooter(group)}</tr> : null}
            </tbody>
          ))
        )}
        {footer ? <tfoot>{footer}</tfoot> : null}
      </table>
    </div>
  );
}
