import { CheckQueue } from './check-queue.ts';
import { type PasswordHash, unmatchableHash, verifyPassword } from './password.ts';
import { VerifiedPasswords } from './verified-passwords.ts';

/** One queue per process: the thread pool it protects is per process, whatever the number of stores. */
const sharedQueue = new CheckQueue();

/**
 * Password checks for a user directory: answers from the cache when it can (synchronously), else runs
 * scrypt through the queue. Identical checks running at the same time share one hash, so twenty parallel
 * requests of a client that was not verified yet (after a restart) cost one scrypt, not twenty.
 */
export class PasswordChecker {
  readonly #queue: CheckQueue;
  readonly #verified = new VerifiedPasswords();
  readonly #running = new Map<string, Promise<boolean>>();
  /** Bumped when users change: a check that started before must not fill the cache afterwards. */
  #epoch = 0;
  /** Checked for unknown users, so that their answer takes as long as a wrong password of a known user. */
  readonly #unknownUser = unmatchableHash();

  constructor(queue: CheckQueue = sharedQueue) {
    this.#queue = queue;
  }

  /** The remembered outcome, or undefined when only `check` can tell. */
  known(user: string, password: string): boolean | undefined {
    return this.#verified.lookup(user, this.#verified.key(user, password));
  }

  /**
   * Checks `password` against `stored` (undefined for an unknown user). Rejects with CW_ERR_AUTH_BUSY when
   * the queue is full. A user changed while the check ran gets the answer for the data it started with.
   */
  check(user: string, password: string, stored: PasswordHash | undefined): Promise<boolean> {
    const key = this.#verified.key(user, password);
    const remembered = this.#verified.lookup(user, key);
    if (remembered !== undefined) return Promise.resolve(remembered);
    const running = this.#running.get(key);
    if (running) return running;
    const epoch = this.#epoch;
    const check = this.#queue
      .run(user, () => verifyPassword(password, stored ?? this.#unknownUser))
      .then((ok) => {
        if (epoch === this.#epoch) this.#verified.remember(user, key, ok);
        return ok;
      })
      .finally(() => {
        if (this.#running.get(key) === check) this.#running.delete(key);
      });
    this.#running.set(key, check);
    return check;
  }

  /** The user's password or existence changed. */
  forget(user: string): void {
    this.#epoch++;
    this.#verified.forget(user);
    this.#running.clear();
  }

  clear(): void {
    this.#epoch++;
    this.#verified.clear();
    this.#running.clear();
  }
}
