import type { EntityManager } from 'typeorm';

/** Something that runs SQL: the DataSource, or a transaction's EntityManager. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs SQL and returns its rows. TypeORM answers UPDATE and DELETE with `[rows, rowCount]`
 * instead of the rows; this undoes that so `... RETURNING` reads the same everywhere.
 */
export async function rows<T>(db: Queryable | EntityManager, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/** The first row, or undefined. */
export async function one<T>(db: Queryable | EntityManager, sql: string, parameters: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(db, sql, parameters))[0];
}
