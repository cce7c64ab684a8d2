import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Where the pg driver finds the embedded database: a unix socket folder and port. */
export interface EmbeddedDatabase {
  readonly socketDir: string;
  readonly port: number;
  close(): Promise<void>;
}

const SOCKET_PORT = 5432;

/**
 * Runs PGlite in this process and serves it on a unix socket in the data folder, so that the
 * same pg driver and migrations run on both databases (one code path). PGlite has a single
 * session, so the pool that uses it must hold one connection (see database-options.ts).
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const pgdata = join(dataDir, 'pgdata');
  const socketDir = join(dataDir, 'run');
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const socketPath = join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
  if (socketPath.length > 100) {
    throw new Error(
      `The data folder path is too long for a unix socket (${socketPath.length} characters): use a shorter ENROLL_DATA_DIR.`,
    );
  }
  if (existsSync(socketPath)) {
    // A live socket means another Enroll serves this folder: a second PGlite on the same files
    // would corrupt them, and removing the socket would cut the first process off its database.
    if (await accepts(socketPath)) {
      throw new EmbeddedDatabaseInUse(
        `Another Enroll process is using the data folder ${dataDir}: stop it, or set ENROLL_DATA_DIR to another folder.`,
      );
    }
    // A socket left by a process that died would make listen() fail.
    rmSync(socketPath);
  }
  // pg_trgm backs the queue's search by fragment (migration 1764000000020).
  const db = await PGlite.create(pgdata, { extensions: { pg_trgm } });
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 4 });
  await server.start();
  return {
    socketDir,
    port: SOCKET_PORT,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}

export class EmbeddedDatabaseInUse extends Error {
  override readonly name = 'EmbeddedDatabaseInUse';
}

/** Whether something accepts connections on the unix socket (a dead process's socket refuses them). */
function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
