import { existsSync, mkdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

/** The API's whole configuration, read once from the environment and checked (fail fast). */
export interface AppConfig {
  /** PostgreSQL URL; undefined runs the embedded PGlite under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly mtlsPort: number;
  readonly publicUrl: string;
  readonly adminPassword: string | undefined;
  /** Passphrase of the CA keys; undefined means generate one into dataDir (with a warning). */
  readonly caPassphrase: string | undefined;
  readonly caKeyAlgorithm: 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'EC-P256' | 'EC-P384';
  /**
   * The root CA's key file: written at bootstrap, read only by ceremonies (`npm run ca`), never by
   * the running API. Default under dataDir, with a warning: production moves it offline.
   */
  readonly rootKeyFile: string;
  /** Passphrase of the root key file; undefined means the CA passphrase (with a warning). */
  readonly rootPassphrase: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Folder of the built portal served at `/`, if it exists. */
  readonly portalDir: string | undefined;
  readonly sessionHours: number;
  /**
   * Proxies whose X-Forwarded-For is believed (addresses, CIDRs, or proxy-addr's `loopback`,
   * `linklocal`, `uniquelocal`); empty: none, the socket's address is the client's.
   */
  readonly trustProxy: readonly string[];
  /**
   * How managers sign in: `password` (or their certificate, on the mTLS port),
   * `certificate-and-password` (their certificate on the mTLS port plus their password), or
   * `certificate` (their certificate alone). Administrators may always use their password.
   */
  readonly managerSignIn: ManagerSignIn;
  /** The issuing key in a PKCS#11 token (ENROLL_PKCS11_*); undefined: in software, encrypted in the database. */
  readonly pkcs11: Pkcs11Config | undefined;
  /** ENROLL_SMTP_URL: the SMTP server of notification mails; undefined: nothing is mailed. */
  readonly smtpUrl: string | undefined;
  /** ENROLL_MAIL_FROM: their sender (default enroll@<host of ENROLL_PUBLIC_URL>). */
  readonly mailFrom: string;
  /** ENROLL_MAIL_DIGEST_HOUR: the hour (UTC, 0-23) of the daily digest of those who chose one (default 7). */
  readonly mailDigestHour: number;
}

/** Where the issuing key lives when it is in a hardware module (see authority/hsm). */
export interface Pkcs11Config {
  /** ENROLL_PKCS11_MODULE: path of the PKCS#11 module (.so). */
  readonly module: string;
  /** ENROLL_PKCS11_TOKEN_LABEL, or ENROLL_PKCS11_SLOT: which token. */
  readonly tokenLabel: string | undefined;
  readonly slot: number | undefined;
  /** ENROLL_PKCS11_PIN: the token's user PIN. */
  readonly pin: string;
  /** ENROLL_PKCS11_KEY_LABEL: CKA_LABEL of the issuing key made at bootstrap. */
  readonly keyLabel: string;
}

export const MANAGER_SIGN_IN = ['password', 'certificate-and-password', 'certificate'] as const;
export type ManagerSignIn = (typeof MANAGER_SIGN_IN)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name} must be a TCP port number (0-65535), not ${JSON.stringify(raw)}.`);
  }
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (!allowed.includes(raw as T)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(raw)}.`);
  }
  return raw as T;
}

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** ENROLL_TRUST_PROXY: `none` (the default) or a comma-separated list of addresses and CIDRs. */
function trustProxy(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'none') {
    return [];
  }
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const validPrefix =
      prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (!PROXY_KEYWORDS.has(entry) && (family === 0 || !validPrefix || rest.length > 0)) {
      throw new ConfigError(
        `ENROLL_TRUST_PROXY must be "none" or a comma-separated list of addresses or CIDRs (or loopback, linklocal, uniquelocal), not ${JSON.stringify(entry)}.`,
      );
    }
  }
  return entries;
}

/** ENROLL_PKCS11_*: unset ENROLL_PKCS11_MODULE keeps the issuing key in software. */
function pkcs11(env: NodeJS.ProcessEnv): Pkcs11Config | undefined {
  const modulePath = env.ENROLL_PKCS11_MODULE;
  if (modulePath === undefined || modulePath === '') {
    return undefined;
  }
  if (modulePath.includes('/') && !existsSync(modulePath)) {
    throw new ConfigError(`ENROLL_PKCS11_MODULE names no file: ${JSON.stringify(modulePath)}.`);
  }
  const tokenLabel = env.ENROLL_PKCS11_TOKEN_LABEL === '' ? undefined : env.ENROLL_PKCS11_TOKEN_LABEL;
  const rawSlot = env.ENROLL_PKCS11_SLOT === '' ? undefined : env.ENROLL_PKCS11_SLOT;
  const slot = rawSlot === undefined ? undefined : Number(rawSlot);
  if (slot !== undefined && (!/^(\d+|0x[0-9a-fA-F]+)$/.test(rawSlot ?? '') || !Number.isSafeInteger(slot))) {
    throw new ConfigError(`ENROLL_PKCS11_SLOT must be a slot id (a number), not ${JSON.stringify(rawSlot)}.`);
  }
  if (tokenLabel === undefined && slot === undefined) {
    throw new ConfigError(
      'ENROLL_PKCS11_MODULE is set: set ENROLL_PKCS11_TOKEN_LABEL (or ENROLL_PKCS11_SLOT) to name the token.',
    );
  }
  const pin = env.ENROLL_PKCS11_PIN;
  if (pin === undefined || pin === '') {
    throw new ConfigError("ENROLL_PKCS11_MODULE is set: set ENROLL_PKCS11_PIN, the token's user PIN.");
  }
  return { module: modulePath, tokenLabel, slot, pin, keyLabel: env.ENROLL_PKCS11_KEY_LABEL || 'enroll-issuing' };
}

/** ENROLL_SMTP_URL: smtp:// or smtps://, or unset (notifications kept, not mailed). */
function smtpUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  if (!/^smtps?:\/\/[^/]/.test(raw)) {
    throw new ConfigError('ENROLL_SMTP_URL must be an smtp:// or smtps:// URL.');
  }
  return raw;
}

/** ENROLL_MAIL_DIGEST_HOUR: 0-23, default 7 (UTC). */
function hour(raw: string | undefined): number {
  if (raw === undefined || raw === '') {
    return 7;
  }
  const value = Number(raw);
  if (!/^\d{1,2}$/.test(raw) || value > 23) {
    throw new ConfigError(`ENROLL_MAIL_DIGEST_HOUR must be an hour from 0 to 23 (UTC), not ${JSON.stringify(raw)}.`);
  }
  return value;
}

/** Reads and validates the environment. This is the only place that reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL.');
  }
  const publicUrl = (env.ENROLL_PUBLIC_URL ?? `http://localhost:${port(env, 'PORT', 3000)}`).replace(/\/+$/, '');
  try {
    const parsed = new URL(publicUrl);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error('protocol');
    }
  } catch {
    throw new ConfigError(`ENROLL_PUBLIC_URL must be an http(s) URL, not ${JSON.stringify(publicUrl)}.`);
  }
  const caPassphrase = env.ENROLL_CA_PASSPHRASE === '' ? undefined : env.ENROLL_CA_PASSPHRASE;
  if (caPassphrase !== undefined && caPassphrase.length < 12) {
    throw new ConfigError('ENROLL_CA_PASSPHRASE must have at least 12 characters.');
  }
  const rootPassphrase = env.ENROLL_ROOT_PASSPHRASE === '' ? undefined : env.ENROLL_ROOT_PASSPHRASE;
  if (rootPassphrase !== undefined && rootPassphrase.length < 12) {
    throw new ConfigError('ENROLL_ROOT_PASSPHRASE must have at least 12 characters.');
  }
  const adminPassword = env.ENROLL_ADMIN_PASSWORD === '' ? undefined : env.ENROLL_ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword.length < 12) {
    throw new ConfigError('ENROLL_ADMIN_PASSWORD must have at least 12 characters.');
  }
  const portalDir = env.ENROLL_PORTAL_DIR ?? resolve(__dirname, '../../../portal/dist');
  const dataDir = resolve(env.ENROLL_DATA_DIR ?? './data');
  return {
    databaseUrl,
    dataDir,
    port: port(env, 'PORT', 3000),
    host: env.HOST ?? '0.0.0.0',
    mtlsPort: port(env, 'ENROLL_MTLS_PORT', 3443),
    publicUrl,
    adminPassword,
    caPassphrase,
    caKeyAlgorithm: oneOf(
      env,
      'ENROLL_CA_KEY_ALGORITHM',
      ['RSA-2048', 'RSA-3072', 'RSA-4096', 'EC-P256', 'EC-P384'] as const,
      'RSA-3072',
    ),
    rootKeyFile: resolve(env.ENROLL_ROOT_KEY_FILE || resolve(dataDir, 'root-ca', 'root-ca.key')),
    rootPassphrase,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    portalDir: existsSync(portalDir) ? portalDir : undefined,
    sessionHours: 12,
    trustProxy: trustProxy(env.ENROLL_TRUST_PROXY),
    managerSignIn: oneOf(env, 'ENROLL_MANAGER_SIGN_IN', MANAGER_SIGN_IN, 'password'),
    pkcs11: pkcs11(env),
    smtpUrl: smtpUrl(env.ENROLL_SMTP_URL),
    mailFrom: env.ENROLL_MAIL_FROM || `enroll@${new URL(publicUrl).hostname}`,
    mailDigestHour: hour(env.ENROLL_MAIL_DIGEST_HOUR),
  };
}

/** Creates the data folder (0700) if needed. */
export function ensureDataDir(config: AppConfig): void {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
}

/** Injection token of the configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
