import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AppError } from './app-error';

/** `limit` and `cursor` of every list (keyset paging: fast on any page, stable under inserts). */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/)
  cursor?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** A cursor is the last row's sort key, opaque to clients. */
export const encodeCursor = (key: readonly (string | number)[]): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string | undefined, size: number): string[] | undefined {
  if (cursor === undefined) {
    return undefined;
  }
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === size &&
      key.every((part) => typeof part === 'string' || typeof part === 'number')
    ) {
      return key.map(String);
    }
  } catch {
    // fall through to the refusal below
  }
  throw new AppError('VALIDATION_FAILED', 'The cursor is not one this API gave out.');
}

/** Fetch limit + 1 rows, then cut: the extra row says whether a next page exists. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  key: (row: R) => (string | number)[],
): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}

export const DEFAULT_LIMIT = 50;
