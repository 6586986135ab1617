import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/** A stored password: scrypt with its own salt and the cost it was hashed with (so cost can rise later). */
export interface PasswordHash {
  algorithm: 'scrypt';
  salt: string;
  hash: string;
  N: number;
  r: number;
  p: number;
}

// Node's default cost (16 MiB, a few tens of ms). Kept per hash, so raising it later keeps old hashes valid.
const COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** Hashes synchronously: used by the CLI (`causeway users add`), where nothing else waits on the event loop. */
export function hashPassword(password: string): PasswordHash {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return { algorithm: 'scrypt', salt: salt.toString('base64'), hash: hash.toString('base64'), ...COST };
}

/** Checks `password` against `stored` in libuv's thread pool, so the event loop keeps serving meanwhile. */
export function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const options = { N: stored.N, r: stored.r, p: stored.p, maxmem: 256 * stored.N * stored.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password, Buffer.from(stored.salt, 'base64'), expected.length, options, (error, actual) => {
      if (error) reject(error);
      else resolve(timingSafeEqual(actual, expected));
    });
  });
}

/**
 * A hash with the current cost that no password matches (random salt and random "hash"), checked for
 * unknown users so that their answer takes as long as a known user's with a wrong password.
 */
export function unmatchableHash(): PasswordHash {
  return {
    algorithm: 'scrypt',
    salt: randomBytes(16).toString('base64'),
    hash: randomBytes(KEY_LENGTH).toString('base64'),
    ...COST,
  };
}
