import { join } from 'node:path';
import { ensureDir, PRIVATE_DIR, PUBLIC_FILE, readTextIfExists, writeFileAtomic } from './fs-util';
import { requestsFolder, type ClientPaths } from './paths';

const FILE = 'reported.json';

/**
 * The state in which `enroll get` last reported each request that needed attention (rejected,
 * cancelled, revoked), by request id. It is what lets `get` say such news once (and exit 4 once)
 * for every request, those submitted from another device included, which have no record here.
 */
export async function readReported(paths: ClientPaths, packageId: string): Promise<Map<number, string>> {
  const text = await readTextIfExists(join(requestsFolder(paths, packageId), FILE));
  const reported = new Map<number, string>();
  if (text === undefined) {
    return reported;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) {
      for (const [id, status] of Object.entries(value)) {
        if (/^\d+$/.test(id) && typeof status === 'string') {
          reported.set(Number(id), status);
        }
      }
    }
  } catch {
    // A damaged file only means that the news are said once more.
  }
  return reported;
}

export async function saveReported(
  paths: ClientPaths,
  packageId: string,
  reported: Map<number, string>,
): Promise<void> {
  const folder = requestsFolder(paths, packageId);
  await ensureDir(folder, PRIVATE_DIR);
  const value = Object.fromEntries([...reported].sort(([a], [b]) => a - b).map(([id, status]) => [String(id), status]));
  await writeFileAtomic(join(folder, FILE), `${JSON.stringify(value, null, 2)}\n`, PUBLIC_FILE);
}
