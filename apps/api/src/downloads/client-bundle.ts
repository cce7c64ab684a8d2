import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';

/** The client as one file, read once (about 1 MB) and kept with its digest. */
export interface ClientBundle {
  readonly body: Buffer;
  /** Hex SHA-256, for the ETag and for people who check what they install. */
  readonly sha256: string;
  readonly modified: Date;
}

/**
 * Finds `apps/client/dist/enroll.cjs`, which `npm run build` makes with esbuild (the client's
 * build script): through the workspace's package link when it resolves, else beside the API's own
 * build. A rebuild of the client is picked up without restarting the API (the file's mtime).
 */
@Injectable()
export class ClientBundleStore {
  private cached: (ClientBundle & { readonly path: string }) | undefined;

  async bundle(): Promise<ClientBundle> {
    const path = await this.locate();
    const info = await stat(path);
    if (this.cached?.path !== path || this.cached.modified.getTime() !== info.mtime.getTime()) {
      const body = await readFile(path);
      this.cached = { path, body, sha256: createHash('sha256').update(body).digest('hex'), modified: info.mtime };
    }
    return this.cached;
  }

  private async locate(): Promise<string> {
    const candidates: string[] = [];
    try {
      candidates.push(join(dirname(require.resolve('@enroll/client/package.json')), 'dist', 'enroll.cjs'));
    } catch {
      // Not installed as a package here (a deployment without the workspace): look beside the API.
    }
    // apps/api/dist/downloads/ → apps/client/dist/enroll.cjs
    candidates.push(join(__dirname, '..', '..', '..', 'client', 'dist', 'enroll.cjs'));
    for (const candidate of candidates) {
      if (
        await stat(candidate).then(
          (s) => s.isFile(),
          () => false,
        )
      ) {
        return candidate;
      }
    }
    throw new AppError(
      'NOT_FOUND',
      'The client bundle enroll.cjs was not found: it is made by `npm run build` (apps/client).',
    );
  }
}
