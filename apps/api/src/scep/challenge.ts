import { randomBytes } from 'node:crypto';

/**
 * A package's SCEP challenge password: 192 bits from the CSPRNG, in the characters a
 * PrintableString (the challengePassword's usual type) can carry, so that every client sends it
 * unchanged. Stored as SHA-256 only (hashToken), like the package token.
 */
export const newScepChallenge = (): string => `scep-${randomBytes(24).toString('hex')}`;
