/** One column of a text table. */
export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Numbers read better right-aligned. Default left. */
  readonly align?: 'left' | 'right';
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// Graphemes, not UTF-16 units, so that accented names line up.
const width = (text: string): number => Array.from(segmenter.segment(text)).length;

const pad = (text: string, size: number, align: 'left' | 'right'): string => {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? fill + text : text + fill;
};

// A value with a line break or tab would tear the table apart.
const oneLine = (text: string): string => text.replace(/[\r\n\t]+/g, ' ');

/**
 * Renders rows as a plain-text table: a header, a dashed rule, one line per row, columns two
 * spaces apart, no trailing spaces. Readable in any terminal and easy to grep.
 */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => oneLine(column.value(row))));
  const widths = columns.map((column, i) =>
    Math.max(width(column.header), ...cells.map((line) => width(line[i] ?? ''))),
  );
  const render = (line: readonly string[]): string =>
    line
      .map((cell, i) => pad(cell, widths[i] ?? 0, columns[i]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [
    render(columns.map((column) => column.header)),
    render(widths.map((size) => '-'.repeat(size))),
    ...cells.map(render),
  ].join('\n');
}

/** Renders label/value pairs, labels padded to one width: for `enroll info` and CSR details. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const size = Math.max(0, ...fields.map(([label]) => width(label)));
  return fields.map(([label, value]) => `${pad(label, size, 'left')}  ${oneLine(value)}`.trimEnd()).join('\n');
}

/** An ISO 8601 timestamp as `YYYY-MM-DD HH:MM` UTC; empty for no date, the input for garbage. */
export function formatDate(value: string | null | undefined): string {
  if (!value) {
    return '';
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return value;
  }
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)}`;
}
