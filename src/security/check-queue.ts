import { OperationalError } from '../errors.ts';

export interface CheckQueueLimits {
  /** Hashes running at once. libuv's pool has 4 threads by default, shared with file I/O, DNS and zlib. */
  inFlight: number;
  /** Hashes waiting for a slot; beyond this new checks are refused at once. */
  queued: number;
  /** Hashes pending (running or waiting) for one user name, so one account cannot fill the queue. */
  perUser: number;
}

/** 2 × ~40 ms slots drain 64 waiting checks in about 1.3 s: longer waits help no client, so refuse instead. */
export const DEFAULT_CHECK_LIMITS: CheckQueueLimits = { inFlight: 2, queued: 64, perUser: 8 };

/**
 * Admits password hashing into the thread pool a few at a time. A flood of wrong passwords (each costs
 * scrypt, as the answer cannot be cached ahead) would otherwise take every pool thread and stall file and
 * DNS work for all flows. Checks beyond the limits fail fast with CW_ERR_AUTH_BUSY, which the HTTPS sender
 * answers with 503 and Retry-After; clients whose password was verified before never reach this queue.
 * The per-user limit applies to unknown names alike, so refusals reveal nothing about which users exist.
 */
export class CheckQueue {
  readonly #limits: CheckQueueLimits;
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #pending = new Map<string, number>();

  constructor(limits: Partial<CheckQueueLimits> = {}) {
    this.#limits = { ...DEFAULT_CHECK_LIMITS, ...limits };
  }

  /** Runs `task` when a slot is free; throws CW_ERR_AUTH_BUSY at once when the limits are reached. */
  async run<T>(user: string, task: () => Promise<T>): Promise<T> {
    const pending = this.#pending.get(user) ?? 0;
    if (pending >= this.#limits.perUser)
      throw busy(
        `Too many authentication attempts for one user at once (${this.#limits.perUser}); retry in a second.`,
      );
    const full = this.#running >= this.#limits.inFlight;
    if (full && this.#waiting.length >= this.#limits.queued)
      throw busy(`Too many authentication attempts are waiting (${this.#limits.queued}); retry in a second.`);
    this.#pending.set(user, pending + 1);
    try {
      // A finishing task hands its slot to the next waiter directly, so `#running` counts slots held.
      if (full) await new Promise<void>((resolve) => this.#waiting.push(resolve));
      else this.#running++;
      try {
        return await task();
      } finally {
        const next = this.#waiting.shift();
        if (next) next();
        else this.#running--;
      }
    } finally {
      const left = (this.#pending.get(user) ?? 1) - 1;
      if (left === 0) this.#pending.delete(user);
      else this.#pending.set(user, left);
    }
  }

  /** Checks running and waiting, for tests and health output. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }
}

function busy(message: string): OperationalError {
  return new OperationalError('CW_ERR_AUTH_BUSY', message, {
    hint: 'Many wrong or new passwords arrived at once (a misconfigured client or an attack); retry shortly.',
  });
}
