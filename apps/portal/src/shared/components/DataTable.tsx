import { flexRender, type RowData, type Table } from '@tanstack/react-table';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** A fixed column width (CSS); the others share the rest. */
    width?: string;
  }
}

/**
 * A TanStack table rendered as a plain, accessible HTML table. While a page loads, the previous
 * rows stay in place (dimmed) so nothing jumps.
 */
export function DataTable<T>({ table, caption, loading, empty }: { table: Table<T>; caption: string; loading?: boolean; empty: string }) {
  const rows = table.getRowModel().rows;
  const columns = table.getVisibleLeafColumns().length;
  return (
    <div className="table-wrap" aria-busy={loading ?? false}>
      <table className={loading ? 'loading' : undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" style={header.column.columnDef.meta?.width ? { width: header.column.columnDef.meta.width } : undefined}>
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className={row.getIsSelected() ? 'selected' : undefined}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns} className="empty">
                {loading ? 'Loading…' : empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
