import { createHash, timingSafeEqual } from 'node:crypto';
import type { Credential, SecureStore } from '../runtime/services.ts';
import { DEFAULT_SENDER_ROLE } from './roles.ts';

export interface MemoryUser {
  password: string;
  /** Default: `ESBMessaging.send`. */
  roles?: string[];
}

/**
 * A secure store held in memory, for tests of adapters and the runtime. Same behaviour as the file
 * store (constant-time password checks, copies out) without disk, key handling or scrypt.
 */
export class MemorySecureStore implements SecureStore {
  readonly #credentials: Map<string, Credential>;
  readonly #users: Map<string, { digest: Buffer; roles: string[] }>;

  constructor(init: { credentials?: Record<string, Credential>; users?: Record<string, MemoryUser> } = {}) {
    this.#credentials = new Map(Object.entries(init.credentials ?? {}));
    this.#users = new Map(
      Object.entries(init.users ?? {}).map(([name, user]) => [
        name,
        { digest: digest(user.password), roles: user.roles ?? [DEFAULT_SENDER_ROLE] },
      ]),
    );
  }

  credential(name: string): Credential | undefined {
    const found = this.#credentials.get(name);
    return found ? { ...found } : undefined;
  }

  /** A SHA-256 comparison is cheap, so every answer is known at once. */
  knownPassword(user: string, password: string): string[] | null {
    const entry = this.#users.get(user);
    if (!entry) return null;
    return timingSafeEqual(entry.digest, digest(password)) ? [...entry.roles] : null;
  }

  async authenticate(user: string, password: string): Promise<string[] | undefined> {
    return this.knownPassword(user, password) ?? undefined;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
