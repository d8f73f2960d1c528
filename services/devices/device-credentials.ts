import { pbkdf2Sync, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/** Cryptographic randomness (tests may pass a deterministic one). */
export type RandomBytes = (size: number) => Buffer;

/** scrypt cost: N = 2^14, r = 8, p = 1 (~16 MiB, tens of ms), 16-byte salt, 32-byte key. */
const SCRYPT = { N: 16_384, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

/**
 * PBKDF2-SHA512 iterations of the Mosquitto hash. mosquitto_passwd writes 101; mosquitto 2 reads the
 * count from the hash (`$7$<iterations>$...`), so a stronger count costs only its own CONNECT check.
 */
export const MOSQUITTO_ITERATIONS = 10_000;

/** A fresh password and its two hashes: scrypt for Eddy, Mosquitto's `$7$` for an exported broker. */
export interface NewCredentials {
  /** Shown once, never stored. */
  readonly password: string;
  readonly passwordHash: string;
  readonly mosquittoHash: string;
}

/**
 * Generates a 32-character password (24 random bytes, base64url) and its hashes.
 *
 * @example
 * const { password, passwordHash } = generateCredentials();
 * await verifyPassword(password, passwordHash); // true
 */
export function generateCredentials(random: RandomBytes = randomBytes): NewCredentials {
  const password = random(24).toString('base64url');
  return {
    password,
    passwordHash: hashPassword(password, random),
    mosquittoHash: mosquittoHash(password, random),
  };
}

/**
 * `scrypt$N$r$p$<salt b64>$<key b64>`.
 *
 * @example
 * hashPassword('s3cret').startsWith('scrypt$16384$8$1$'); // true
 */
export function hashPassword(password: string, random: RandomBytes = randomBytes): string {
  const salt = random(SCRYPT.saltLength);
  const key = scryptSync(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** A hash of a password nobody has: verified against when the user is unknown, so timing tells nothing. */
const DECOY_HASH = hashPassword(randomBytes(24).toString('base64url'));

/**
 * Checks `password` against a {@link hashPassword} hash in constant time (scrypt off the main
 * thread, `timingSafeEqual`). A missing hash (unknown device) still costs one scrypt and fails.
 *
 * @example
 * await verifyPassword('s3cret', hashPassword('s3cret')); // true
 * await verifyPassword('guess', undefined);               // false, after as long as a real check
 */
export async function verifyPassword(
  password: string | Buffer,
  hash: string | null | undefined,
): Promise<boolean> {
  const parsed = parseScryptHash(hash ?? DECOY_HASH) ?? parseScryptHash(DECOY_HASH)!;
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password,
      parsed.salt,
      parsed.key.length,
      { N: parsed.N, r: parsed.r, p: parsed.p, maxmem: 64 * 1024 * 1024 },
      (error, derived) => (error ? reject(error) : resolve(derived)),
    ),
  );
  const equal = timingSafeEqual(key, parsed.key);
  return equal && typeof hash === 'string' && hash !== DECOY_HASH;
}

function parseScryptHash(
  hash: string,
): { N: number; r: number; p: number; salt: Buffer; key: Buffer } | undefined {
  const [scheme, n, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return undefined;
  const parsed = {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, 'base64'),
    key: Buffer.from(key, 'base64'),
  };
  if (!(Number.isInteger(parsed.N) && Number.isInteger(parsed.r) && Number.isInteger(parsed.p)))
    return undefined;
  if (parsed.key.length === 0) return undefined;
  return parsed;
}

/**
 * Mosquitto 2's password-file hash: `$7$<iterations>$<salt b64>$<PBKDF2-SHA512 b64>` (12-byte salt,
 * 64-byte key), the format `mosquitto_passwd` writes.
 *
 * @example
 * mosquittoHash('s3cret'); // '$7$10000$kJ3sH+jycnAVBb0T$8v+1...=='
 */
export function mosquittoHash(
  password: string,
  random: RandomBytes = randomBytes,
  iterations: number = MOSQUITTO_ITERATIONS,
): string {
  const salt = random(12);
  const key = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}
