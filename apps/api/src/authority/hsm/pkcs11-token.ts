import type * as Pkcs11js from 'pkcs11js';

/** Where the token is and how to log in to it (ENROLL_PKCS11_*). */
export interface Pkcs11TokenOptions {
  /** Path of the PKCS#11 module (.so). */
  readonly module: string;
  /** The token's label; or `slot`. */
  readonly tokenLabel?: string | undefined;
  /** The slot id; or `tokenLabel`. */
  readonly slot?: number | undefined;
  /** The user PIN. */
  readonly pin: string;
}

/** A refusal of the token that an operator must fix (module, token, PIN, key): the API does not start. */
export class Pkcs11Error extends Error {
  override readonly name = 'Pkcs11Error';
}

type Pkcs11Module = typeof Pkcs11js;

let binding: Pkcs11Module | undefined;

/**
 * pkcs11js, loaded on first use: a deployment with software keys never loads the native addon,
 * so a machine where it did not build still runs the API.
 */
export function pkcs11js(): Pkcs11Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  binding ??= require('pkcs11js') as Pkcs11Module;
  return binding;
}

/** One library instance per module per process: C_Initialize runs once, with OS locking. */
const modules = new Map<string, Pkcs11js.PKCS11>();

function moduleAt(path: string): Pkcs11js.PKCS11 {
  const known = modules.get(path);
  if (known) {
    return known;
  }
  const p = pkcs11js();
  const library = new p.PKCS11();
  try {
    library.load(path);
  } catch (error) {
    throw new Pkcs11Error(`Cannot load the PKCS#11 module ${path} (ENROLL_PKCS11_MODULE): ${messageOf(error)}`);
  }
  try {
    // Without CKF_OS_LOCKING_OK, two sessions used at once from libuv's threads crashed Node (SoftHSM).
    library.C_Initialize({ flags: p.CKF_OS_LOCKING_OK });
  } catch (error) {
    if (codeOf(error) !== p.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw new Pkcs11Error(`The PKCS#11 module ${path} refused to initialise: ${messageOf(error)}`);
    }
  }
  modules.set(path, library);
  return library;
}

const tokens = new Map<string, Pkcs11Token>();

/** A logged-in token: one session that holds the login, and a pool of sessions for signatures. */
export class Pkcs11Token {
  /** The label read from the token. */
  readonly label: string;
  private readonly main: Buffer;
  private readonly idle: Buffer[] = [];
  private readonly waiting: { resolve: (session: Buffer) => void; reject: (error: unknown) => void }[] = [];
  private open = 0;

  private constructor(
    private readonly library: Pkcs11js.PKCS11,
    private readonly slot: Buffer,
    label: string,
    readonly options: Pkcs11TokenOptions,
    private readonly maxSessions: number,
  ) {
    this.label = label;
    const p = pkcs11js();
    this.main = library.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
    try {
      library.C_Login(this.main, p.CKU_USER, options.pin);
    } catch (error) {
      if (codeOf(error) !== p.CKR_USER_ALREADY_LOGGED_IN) {
        library.C_CloseSession(this.main);
        throw new Pkcs11Error(
          `Cannot log in to the PKCS#11 token "${label}" with ENROLL_PKCS11_PIN: ${messageOf(error)}`,
        );
      }
    }
  }

  /**
   * The token the options name, opened and logged in once per process (the login belongs to the
   * application, not the session: it lasts while the main session stays open). Throws a
   * Pkcs11Error naming what is missing: the module, the token or the PIN.
   */
  static open(options: Pkcs11TokenOptions, maxSessions = 8): Pkcs11Token {
    const key = JSON.stringify([options.module, options.tokenLabel, options.slot, options.pin]);
    let token = tokens.get(key);
    if (!token) {
      const library = moduleAt(options.module);
      const { slot, label } = findSlot(library, options);
      token = new Pkcs11Token(library, slot, label, options, maxSessions);
      tokens.set(key, token);
    }
    return token;
  }

  /** Object handles matching the template (on the main session, synchronously: nothing interleaves). */
  find(template: Pkcs11js.Template): Buffer[] {
    this.library.C_FindObjectsInit(this.main, template);
    try {
      const found: Buffer[] = [];
      for (
        let batch = this.library.C_FindObjects(this.main, 16);
        batch.length > 0;
        batch = this.library.C_FindObjects(this.main, 16)
      ) {
        found.push(...batch);
      }
      return found;
    } finally {
      this.library.C_FindObjectsFinal(this.main);
    }
  }

  /** The values of the attributes asked for, by type. */
  attributes(object: Buffer, types: readonly number[]): Map<number, Buffer> {
    const values = this.library.C_GetAttributeValue(
      this.main,
      object,
      types.map((type) => ({ type })),
    );
    return new Map(values.map((attribute) => [attribute.type, attribute.value]));
  }

  /** Generates a key pair in a read-write session of its own, off the event loop. */
  async generateKeyPair(
    mechanism: Pkcs11js.Mechanism,
    publicTemplate: Pkcs11js.Template,
    privateTemplate: Pkcs11js.Template,
  ): Promise<Pkcs11js.KeyPair> {
    const p = pkcs11js();
    const session = this.library.C_OpenSession(this.slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
    try {
      return await this.library.C_GenerateKeyPairAsync(session, mechanism, publicTemplate, privateTemplate);
    } finally {
      this.library.C_CloseSession(session);
    }
  }

  /**
   * One signature on a pooled session (at most maxSessions at once; more wait their turn). The
   * module signs on libuv's thread pool, so concurrent signatures use several cores. A session that
   * failed is closed rather than reused.
   */
  async sign(mechanism: Pkcs11js.Mechanism, key: Buffer, data: Buffer, maxLength: number): Promise<Buffer> {
    const session = await this.acquire();
    let healthy = false;
    try {
      this.library.C_SignInit(session, mechanism, key);
      const signature = await this.library.C_SignAsync(session, data, Buffer.alloc(maxLength));
      healthy = true;
      return signature;
    } finally {
      this.release(session, healthy);
    }
  }

  private acquire(): Promise<Buffer> {
    const session = this.idle.pop();
    if (session) {
      return Promise.resolve(session);
    }
    if (this.open < this.maxSessions) {
      return Promise.resolve(this.openSession());
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private openSession(): Buffer {
    const session = this.library.C_OpenSession(this.slot, pkcs11js().CKF_SERIAL_SESSION);
    this.open++;
    return session;
  }

  private release(session: Buffer, healthy: boolean): void {
    if (!healthy) {
      this.open--;
      try {
        this.library.C_CloseSession(session);
      } catch {
        // already gone with the error that broke it
      }
    }
    const next = this.waiting.shift();
    if (!next) {
      if (healthy) {
        this.idle.push(session);
      }
      return;
    }
    try {
      next.resolve(healthy ? session : this.openSession());
    } catch (error) {
      next.reject(error);
    }
  }
}

function findSlot(library: Pkcs11js.PKCS11, options: Pkcs11TokenOptions): { slot: Buffer; label: string } {
  const present = library.C_GetSlotList(true).map((slot) => ({
    slot,
    id: slotId(slot),
    label: library.C_GetTokenInfo(slot).label.trimEnd(),
  }));
  const listed = present.map((s) => `"${s.label}" (slot ${s.id})`).join(', ') || 'none';
  const matches = present.filter(
    (s) =>
      (options.slot === undefined || s.id === BigInt(options.slot)) &&
      (options.tokenLabel === undefined || s.label === options.tokenLabel),
  );
  const wanted = [
    options.tokenLabel === undefined ? '' : `labelled "${options.tokenLabel}"`,
    options.slot === undefined ? '' : `in slot ${options.slot}`,
  ]
    .filter(Boolean)
    .join(' ');
  const [match, ...others] = matches;
  if (!match) {
    throw new Pkcs11Error(`No PKCS#11 token ${wanted} in ${options.module}. Tokens present: ${listed}.`);
  }
  if (others.length > 0) {
    throw new Pkcs11Error(
      `Several PKCS#11 tokens ${wanted} in ${options.module} (${listed}): set ENROLL_PKCS11_SLOT to choose one.`,
    );
  }
  return { slot: match.slot, label: match.label };
}

/** A slot handle (a CK_ULONG in the module's byte order) as a number. */
function slotId(handle: Buffer): bigint {
  return handle.length >= 8 ? handle.readBigUInt64LE(0) : BigInt(handle.readUInt32LE(0));
}

function codeOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number'
    ? error.code
    : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
