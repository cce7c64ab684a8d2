/** The name of the unique constraint a PostgreSQL error violated, if it is one (SQLSTATE 23505). */
export function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } } | null;
  const source = e?.driverError ?? e;
  return source?.code === '23505' && typeof source.constraint === 'string' ? source.constraint : undefined;
}
