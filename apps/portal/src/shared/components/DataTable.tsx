import { flexRender, type RowData, type Table } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** A fixed column width (CSS); the others share the rest. */
    width?: string;
    /** The API's sort for this column (ascending; descending is `-` + it). */
    sortKey?: string;
    /** A class for the cells (`nowrap`, `truncate`). */
    className?: string;
  }
}

/** The server-side order of a list: the API's sort value, and how to change it. */
export interface SortState {
  readonly value: string;
  readonly onChange: (value: string) => void;
}

/**
 * A TanStack table rendered as a plain, accessible HTML table. While a page loads, the previous
 * rows stay in place (dimmed) so nothing jumps. Columns with a `sortKey` sort on the server from
 * a button in their header (aria-sort says the order).
 */
export function DataTable<T>({
  table,
  caption,
  loading,
  empty,
  sort,
  currentRowId,
}: {
  table: Table<T>;
  caption: string;
  loading?: boolean;
  empty: string;
  sort?: SortState;
  currentRowId?: string | undefined;
}) {
  const { t } = useTranslation();
  const rows = table.getRowModel().rows;
  const columns = table.getVisibleLeafColumns().length;
  return (
    <div className="table-wrap" aria-busy={loading ?? false}>
      <table className={loading ? 'loading' : undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta;
                const label = header.isPlaceholder
                  ? null
                  : flexRender(header.column.columnDef.header, header.getContext());
                const key = meta?.sortKey;
                const direction =
                  sort && key
                    ? sort.value === key
                      ? 'ascending'
                      : sort.value === `-${key}`
                        ? 'descending'
                        : undefined
                    : undefined;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    style={meta?.width ? { width: meta.width } : undefined}
                    aria-sort={direction ?? (key && sort ? 'none' : undefined)}
                  >
                    {sort && key ? (
                      <button
                        type="button"
                        className="sort"
                        onClick={() => sort.onChange(direction === 'ascending' ? `-${key}` : key)}
                      >
                        {label}
                        <span aria-hidden="true">
                          {direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ' ↕'}
                        </span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr
              key={row.id}
              data-row-id={row.id}
              className={
                [row.getIsSelected() ? 'selected' : '', row.id === currentRowId ? 'current' : ''].join(' ').trim() ||
                undefined
              }
            >
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cell.column.columnDef.meta?.className}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns} className="empty">
                {loading ? t('table.loading') : empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
