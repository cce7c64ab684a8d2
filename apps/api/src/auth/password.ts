import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. Algorithm 2 is argon2id.
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

/** A hash to verify against when the user does not exist, so that timing does not tell. */
let dummy: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  dummy ??= hashPassword('enroll-timing-equalizer');
  try {
    return await verify(storedHash ?? (await dummy), password);
  } catch {
    return false;
  }
}
