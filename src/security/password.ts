import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

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

export function hashPassword(password: string): PasswordHash {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return { algorithm: 'scrypt', salt: salt.toString('base64'), hash: hash.toString('base64'), ...COST };
}

export function verifyPassword(password: string, stored: PasswordHash): boolean {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = scryptSync(password, Buffer.from(stored.salt, 'base64'), expected.length, {
    N: stored.N,
    r: stored.r,
    p: stored.p,
    maxmem: 256 * stored.N * stored.r + 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

/**
 * Remembers passwords already checked, so that a client sending Basic auth on every request pays
 * scrypt once, not per request (the check is synchronous and would block the event loop). Entries
 * are keyed HMACs under a key that lives only in this process; a password change clears the user.
 */
export class VerifiedPasswords {
  readonly #key = randomBytes(32);
  readonly #good = new Map<string, Buffer>();
  /** Recent wrong passwords per user: a misconfigured client retrying should not cost scrypt each time. */
  readonly #bad = new Map<string, Buffer[]>();
  static readonly MAX_BAD = 8;

  /** true or false when the outcome is known, undefined when scrypt must decide. */
  lookup(user: string, password: string): boolean | undefined {
    const mac = this.#mac(user, password);
    const good = this.#good.get(user);
    if (good && timingSafeEqual(good, mac)) return true;
    if (this.#bad.get(user)?.some((b) => timingSafeEqual(b, mac))) return false;
    return undefined;
  }

  remember(user: string, password: string, ok: boolean): void {
    const mac = this.#mac(user, password);
    if (ok) {
      this.#good.set(user, mac);
      return;
    }
    const bad = this.#bad.get(user) ?? [];
    bad.unshift(mac);
    this.#bad.set(user, bad.slice(0, VerifiedPasswords.MAX_BAD));
  }

  forget(user: string): void {
    this.#good.delete(user);
    this.#bad.delete(user);
  }

  clear(): void {
    this.#good.clear();
    this.#bad.clear();
  }

  #mac(user: string, password: string): Buffer {
    return createHmac('sha256', this.#key).update(user).update('\0').update(password).digest();
  }
}
