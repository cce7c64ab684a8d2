import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

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

/**
 * The pg pool under TypeORM, for the hottest statements: a TypeORM QueryRunner per query costs
 * more than a short query itself (bench:api, bench:revocation). One statement each, so no
 * transaction object is needed: a statement is its own transaction, and the transition functions
 * (migration 1764000000008) do their several writes inside one.
 */
export function pool(db: DataSource): Queryable {
  const pg = (db.driver as PostgresDriver).master as {
    query: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>;
  };
  return { query: async (sql, parameters = []) => (await pg.query(sql, parameters)).rows };
}

/** bytea inside JSON for jsonb_populate_record (the transition functions): PostgreSQL's hex input format. */
export const byteaJson = (bytes: Buffer): string => `\\x${bytes.toString('hex')}`;

/** The first row, or undefined. */
export async function one<T>(
  db: Queryable | EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T | undefined> {
  return (await rows<T>(db, sql, parameters))[0];
}

/**
 * A query's optional filters: numbered parameters and the conditions written around them,
 * AND-ed. The first parameters (a LIMIT, an id) can be given up front.
 */
export class SqlFilter {
  readonly params: unknown[];
  private readonly conditions: string[] = [];

  constructor(...first: unknown[]) {
    this.params = [...first];
  }

  /** Binds a value and returns its placeholder, for conditions that use it more than once. */
  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Binds a value and adds the condition written around its placeholder. */
  add(condition: (placeholder: string) => string, value: unknown): this {
    this.conditions.push(condition(this.bind(value)));
    return this;
  }

  /** Adds a condition that binds nothing of its own (or bound through `bind`). */
  addCondition(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  get where(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/**
 * The organization of a row by code, written as a scalar subquery: the planner then knows the
 * id when it runs the query (an InitPlan) and walks the (organization_id, ..., id) indexes in
 * order. Filtering on the joined organizations.code hides it, and sorts thousands of rows instead.
 */
export const organizationIs =
  (column: string) =>
  (placeholder: string): string =>
    `${column} = (SELECT id FROM organizations WHERE code = ${placeholder})`;
