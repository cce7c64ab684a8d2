/** One column of a text table. */
export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => string;
  /** Numbers read better right-aligned. Default left. */
  readonly align?: 'left' | 'right';
  /**
   * Free text (a name, a message) that is cut first when the table is wider than the terminal.
   * Default false: dates, ids and states are cut only if the free text cannot make room.
   */
  readonly cut?: boolean;
  /** Left out, the last such column first, when the table cannot fit even cut. Default false. */
  readonly optional?: boolean;
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

const ELLIPSIS = '…';
/** No column is cut narrower than this (nor than its own content). */
const MIN_COLUMN = 8;

/** Text cut to `size` graphemes, the last one an ellipsis when something was cut. */
function truncate(text: string, size: number): string {
  if (width(text) <= size) {
    return text;
  }
  const graphemes = Array.from(segmenter.segment(text), (s) => s.segment);
  return `${graphemes.slice(0, Math.max(0, size - 1)).join('')}${ELLIPSIS}`;
}

/**
 * Column widths within `maxWidth` (separators included). In turn, until the table fits: the
 * widest free-text column loses one character at a time (so the widest end up even); then
 * headers wider than their column's values are cut; then the widest of any column. No column
 * is cut below MIN_COLUMN: a table that cannot fit stops there.
 */
function fitWidths(
  natural: readonly number[],
  content: readonly number[],
  cut: readonly boolean[],
  maxWidth: number,
  freeTextOnly = false,
): number[] {
  const widths = [...natural];
  const total = (): number => widths.reduce((sum, w) => sum + w, 0) + 2 * Math.max(0, widths.length - 1);
  const floor = (i: number, limit: number): number => Math.min(natural[i] ?? 0, Math.max(MIN_COLUMN, limit));
  const phases: ((i: number) => number | undefined)[] = [
    (i) => (cut[i] ? floor(i, 0) : undefined),
    (i) => floor(i, content[i] ?? 0),
    (i) => floor(i, 0),
  ];
  for (const floorOf of freeTextOnly ? phases.slice(0, 1) : phases) {
    while (total() > maxWidth) {
      let widest = -1;
      widths.forEach((w, i) => {
        const least = floorOf(i);
        if (least !== undefined && w > least && (widest < 0 || w > (widths[widest] ?? 0))) {
          widest = i;
        }
      });
      if (widest < 0) {
        break;
      }
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
  }
  return widths;
}

/**
 * Renders rows as a plain-text table: a header, a dashed rule, one line per row, columns two
 * spaces apart, no trailing spaces. Readable in any terminal and easy to grep. With `maxWidth`
 * (the terminal's width), a table wider than that loses its columns that are empty in every row,
 * then its widest columns are cut, with an ellipsis, and its optional columns left out until it
 * fits.
 */
export function renderTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[], maxWidth?: number): string {
  const all = rows.map((row) => columns.map((column) => oneLine(column.value(row))));
  const contentOf = (i: number): number => Math.max(0, ...all.map((line) => width(line[i] ?? '')));
  const naturalOf = (i: number): number => Math.max(width(columns[i]?.header ?? ''), contentOf(i));
  const sum = (values: readonly number[]): number => values.reduce((total, w) => total + w + 2, -2);
  let kept = columns.map((_, i) => i);
  let widths = kept.map(naturalOf);
  if (maxWidth !== undefined && sum(widths) > maxWidth) {
    // Too wide: columns empty in every row (no download yet) go first, then the rest is cut, and
    // optional columns go, the last first, while even the cut table does not fit.
    kept = kept.filter((i) => rows.length === 0 || contentOf(i) > 0);
    const fit = (freeTextOnly: boolean): number[] =>
      fitWidths(
        kept.map(naturalOf),
        kept.map(contentOf),
        kept.map((i) => columns[i]?.cut === true),
        maxWidth,
        freeTextOnly,
      );
    for (;;) {
      const optional = kept.findLastIndex((i) => columns[i]?.optional === true);
      if (sum(fit(true)) <= maxWidth || optional < 0) {
        break;
      }
      kept = kept.filter((_, k) => k !== optional);
    }
    widths = fit(false);
  }
  const shown = kept.map((i) => columns[i] as Column<Row>);
  const cells = all.map((line) => kept.map((i) => line[i] ?? ''));
  const render = (line: readonly string[]): string =>
    line
      .map((cell, i) => pad(truncate(cell, widths[i] ?? 0), widths[i] ?? 0, shown[i]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [
    render(shown.map((column) => column.header)),
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
