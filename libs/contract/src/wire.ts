/** What `JSON.stringify` makes of a value: a `Date` becomes its ISO 8601 string, recursively. */
export type Wire<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** A keyset page: `nextCursor` goes back as `cursor` for the next one; null on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** An RFC 9457 problem as this API writes it: `code` is stable, `detail` is for people. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly currentStatus?: string;
  readonly errors?: { readonly field: string; readonly problems: string[] }[];
}
