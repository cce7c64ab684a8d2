import { getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { DataTable } from './DataTable';
import { ProblemAlert } from './ProblemAlert';

/** A whole list (no paging) as a TanStack table: the administration pages' lists. */
export function ListTable<T>({
  caption,
  data,
  columns,
  rowId,
  loading,
  error,
  empty,
}: {
  caption: string;
  data: T[] | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TanStack's own column type: each column's value type differs
  columns: ColumnDef<T, any>[];
  rowId: (row: T) => string;
  loading: boolean;
  error: unknown;
  empty: string;
}) {
  const table = useReactTable({ data: data ?? NONE, columns, getRowId: rowId, getCoreRowModel: getCoreRowModel() });
  return (
    <>
      <ProblemAlert error={error} />
      <DataTable table={table} caption={caption} loading={loading} empty={empty} />
    </>
  );
}

const NONE: never[] = [];
