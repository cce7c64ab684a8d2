import { isAbsolute, join, resolve, win32 } from 'node:path';
import type { CertificateStore } from '@enroll/domain';

/** The environment as the client reads it (passed in, so that tests and e2e runs can set it). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where the client keeps its files. Every path is absolute. */
export interface ClientPaths {
  /** `$ENROLL_HOME`, else `~/.enroll`. */
  readonly home: string;
  /** The loaded package file (holds the token: mode 0600). */
  readonly configFile: string;
  /** The CA chain fetched from urls.caChain: the only trust anchors of the mTLS calls. */
  readonly caChainFile: string;
  readonly eventLog: string;
  /**
   * `$ENROLL_MACHINE_STORE`, else the system-wide place (issue 13: machine means the whole
   * computer, so services and every account find it): `/var/lib/enroll/machine-store`, or
   * `%ProgramData%\Enroll\machine-store` on Windows. Writing there takes root / an administrator.
   */
  readonly machineStore: string;
  /** Whether the machine store is the system-wide default (not ENROLL_MACHINE_STORE). */
  readonly machineStoreIsSystem: boolean;
  /** `$ENROLL_USER_STORE`, else `<home>/user-store`. */
  readonly userStore: string;
  /** The account's home folder (`$HOME`, else the system's idea of it): where the browsers keep their databases. */
  readonly userHome: string;
  /** The account's shared NSS database, which Chromium (and NSS tools) use on Linux: `$HOME/.pki/nssdb`. */
  readonly nssDatabase: string;
}

const fromEnv = (value: string | undefined, fallback: string): string =>
  value && value.trim() !== '' ? resolve(value) : fallback;

/** The system-wide machine store of a platform. */
export const systemMachineStore = (env: Env, platform: NodeJS.Platform): string =>
  platform === 'win32'
    ? win32.join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'Enroll', 'machine-store')
    : '/var/lib/enroll/machine-store';

/** Resolves the client's folders from the environment; `homedir` is the user's home folder. */
export function clientPaths(env: Env, homedir: string, platform: NodeJS.Platform = process.platform): ClientPaths {
  const home = fromEnv(env.ENROLL_HOME, join(homedir, '.enroll'));
  const userHome = env.HOME && env.HOME.trim() !== '' ? resolve(env.HOME) : homedir;
  const machineStoreSet = env.ENROLL_MACHINE_STORE !== undefined && env.ENROLL_MACHINE_STORE.trim() !== '';
  return {
    home,
    configFile: join(home, 'client.json'),
    caChainFile: join(home, 'ca.pem'),
    eventLog: join(home, 'events.log'),
    machineStore: fromEnv(env.ENROLL_MACHINE_STORE, systemMachineStore(env, platform)),
    machineStoreIsSystem: !machineStoreSet,
    userStore: fromEnv(env.ENROLL_USER_STORE, join(home, 'user-store')),
    userHome,
    nssDatabase: join(userHome, '.pki', 'nssdb'),
  };
}

/** The store folder a package installs into. */
export const storeFolder = (paths: ClientPaths, store: CertificateStore): string =>
  store === 'machine' ? paths.machineStore : paths.userStore;

/**
 * A request's own folder (key, CSR, certificate, record). Request ids are only unique within one
 * API deployment, so the folder is scoped by package: a client re-initialised against another
 * service never overwrites a key it still needs.
 */
export const requestFolder = (paths: ClientPaths, packageId: string, requestId: number): string =>
  join(paths.home, 'requests', packageId, String(requestId));

export const requestsFolder = (paths: ClientPaths, packageId: string): string =>
  join(paths.home, 'requests', packageId);

/** Where approved external certificates are saved: `<home>/config/<environment>/`. */
export const externalFolder = (paths: ClientPaths, environment: string): string =>
  join(paths.home, 'config', environment);

/** Where one installed certificate lives inside a store. */
export const installFolder = (storeDir: string, requestId: number): string => join(storeDir, `request-${requestId}`);

/** A file name safe on every platform for a DNS name or device id. */
export const safeFileName = (text: string): string => text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');

/** Resolves a path argument against the working directory the user typed it in. */
export const userPath = (cwd: string, path: string): string => (isAbsolute(path) ? path : resolve(cwd, path));
