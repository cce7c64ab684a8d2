import { QueryFailedError } from 'typeorm';
import { databaseUnavailable, dataException, loggableDatabaseError } from './database-errors';

const pgError = (fields: Record<string, unknown>): Error =>
  Object.assign(new Error(typeof fields.message === 'string' ? fields.message : 'failed'), fields);

describe('database errors', () => {
  it('are logged without the bound parameters, the detail or quoted values', () => {
    const driver = pgError({
      message: 'duplicate key value violates unique constraint "uq_users_username"',
      code: '23505',
      severity: 'ERROR',
      detail: 'Key (username)=(secret-name) already exists.',
      constraint: 'uq_users_username',
    });
    const error = new QueryFailedError(
      'INSERT INTO users (username, password_hash) VALUES ($1, $2)',
      ['secret-name', '$argon2id$hash'],
      driver,
    );
    const logged = JSON.stringify(loggableDatabaseError(error));
    expect(logged).toContain('INSERT INTO users');
    expect(logged).toContain('23505');
    expect(logged).not.toContain('secret-name');
    expect(logged).not.toContain('argon2id');
  });

  it('tell an unreachable database from a bad statement or a bad value', () => {
    expect(databaseUnavailable(pgError({ code: 'ECONNREFUSED' }))).toBe(true);
    expect(databaseUnavailable(pgError({ message: 'Connection terminated unexpectedly' }))).toBe(true);
    expect(
      databaseUnavailable(new QueryFailedError('SELECT 1', [], pgError({ code: '57P01', severity: 'FATAL' }))),
    ).toBe(true);
    expect(databaseUnavailable(new AggregateError([pgError({ code: 'ECONNREFUSED' })]))).toBe(true);
    expect(databaseUnavailable(pgError({ code: '23505' }))).toBe(false);
    expect(dataException(new QueryFailedError('SELECT $1::int', ['1e400'], pgError({ code: '22003' })))).toBe(true);
    expect(dataException(pgError({ code: '42P01' }))).toBe(false);
  });
});
