import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/create-app';
import { AuthService } from '../../src/auth/auth.service';
import type { DatabaseTarget } from '../../src/database/database-options';
import { createTestDatabase } from './postgres';
import { testConfig } from './test-config';

export interface TestApp {
  readonly app: INestApplication;
  readonly server: Server;
  readonly db: DataSource;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real API on its own fresh PostgreSQL database (or a given target), with `admin` created. */
export async function startTestApp(
  options: { target?: DatabaseTarget; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = options.target ? undefined : await createTestDatabase();
  const target = options.target ?? { url: database?.url ?? '' };
  const app = await createApp(testConfig(options.env), target);
  await app.get(AuthService).ensureFirstAdmin();
  const server = app.getHttpServer() as Server;
  return {
    app,
    server,
    db: app.get(DataSource),
    http: () => request(server),
    close: async () => {
      await app.close();
      await database?.drop();
    },
  };
}

/** Row counts of the tables a refused request must leave untouched. */
export async function tableCounts(db: DataSource): Promise<Record<string, number>> {
  const [counts] = await db.query<Record<string, number>[]>(
    `SELECT (SELECT count(*) FROM requests)::int AS requests, (SELECT count(*) FROM request_history)::int AS history,
            (SELECT count(*) FROM certificates)::int AS certificates, (SELECT count(*) FROM audit_events)::int AS audit,
            (SELECT count(*) FROM revocations)::int AS revocations, (SELECT count(*) FROM organizations)::int AS organizations,
            (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM enrollment_packages)::int AS packages`,
  );
  return counts ?? {};
}
