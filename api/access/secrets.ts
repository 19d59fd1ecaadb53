/**
 * API key secrets: `atl_<prefix>_<secret>`, where the prefix (8 lowercase base32 characters) is
 * public and identifies the key in lists and the audit log, and the secret is 32 random bytes.
 *
 * Only SHA-256(key) is stored. Not bcrypt / scrypt / argon2: those slow hashes protect low-entropy
 * passwords against guessing; a key carries 256 bits of randomness, so no guessing attack exists to
 * slow down, and a slow hash would only add its latency to every request. A plain digest also lets
 * the lookup be one index probe (`where hash = $1`), which leaks nothing usable through timing.
 */
import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const KEY_FORMAT = /^atl_([a-z2-7]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewSecret {
  /** The whole key: shown once, never stored. */
  key: string;
  prefix: string;
  hash: Buffer;
}

export const keyDigest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** The 8-hex fingerprint logs and the banner show for any key (bootstrap keys included). */
export const keyFingerprint = (key: string): string => keyDigest(key).toString('hex').slice(0, 8);

export function newSecret(): NewSecret {
  const prefix = Array.from(randomBytes(8), (b) => BASE32[b & 31]).join('');
  const key = `atl_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: keyDigest(key) };
}

/** The public prefix of a key in the stored format, or null for anything else (a bootstrap key). */
export function storedKeyPrefix(key: string): string | null {
  return KEY_FORMAT.exec(key)?.[1] ?? null;
}
