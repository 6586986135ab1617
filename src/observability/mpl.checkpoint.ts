import { open } from 'node:fs/promises';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { errorMessage, OperationalError } from '../errors.ts';
import type { MplStore } from './mpl.store.ts';

type State = 'idle' | 'syncing-wal' | 'copy-due' | 'syncing-db';

/**
 * WAL checkpoints for the writer on the main thread, with the two fsyncs of a checkpoint on libuv's
 * thread pool. SQLite's own checkpoint (synchronous=NORMAL) runs both on the calling thread: 5-15 ms
 * on a virtual disk, the longest stall the message log would cause. A cycle here keeps SQLite's order:
 * 1. a read transaction on a second connection pins the WAL at its current end S: no checkpoint copies
 *    frames beyond S, and the WAL cannot restart (be overwritten) while the pin holds;
 * 2. fsync the WAL (async): frames up to S are durable;
 * 3. copy frames up to S into the database with syncs off (the writer's turn, between its transactions);
 * 4. fsync the database file (async), then release the pin: only now may the WAL be reused.
 * A power cut at any point leaves the WAL frames that the database file may lack, so SQLite's recovery
 * replays them; a killed process loses nothing committed, as before.
 */
export class WalCheckpointer {
  readonly #store: MplStore;
  readonly #pin: DatabaseSync;
  readonly #snapshot: StatementSync;
  readonly #wake: () => void;
  readonly #onError: (error: Error) => void;
  #state: State = 'idle';
  #cycle?: Promise<void>;
  #copied?: () => void;
  #copyError: unknown;
  #closed = false;
  #failing = false;

  /**
   * `wake` is called when the copy is due (the writer then calls `copy` at a turn with no open
   * transaction) and when the cycle ends.
   */
  constructor(store: MplStore, wake: () => void, onError: (error: Error) => void) {
    this.#store = store;
    this.#wake = wake;
    this.#onError = onError;
    this.#pin = new DatabaseSync(store.file, { readOnly: true });
    // A read takes the snapshot that pins the WAL; BEGIN alone does not.
    this.#snapshot = this.#pin.prepare('SELECT 1 FROM message_log LIMIT 1');
  }

  get idle(): boolean {
    return this.#state === 'idle';
  }

  get copyDue(): boolean {
    return this.#state === 'copy-due';
  }

  /** Starts a cycle unless one runs. */
  start(): void {
    if (this.#state !== 'idle' || this.#closed) return;
    this.#cycle = this.#run().finally(() => {
      this.#state = 'idle';
      this.#cycle = undefined;
      if (!this.#closed) this.#wake();
    });
  }

  /** Step 3; the caller makes sure the writer's connection has no open transaction. */
  copy(): void {
    if (this.#state !== 'copy-due') return;
    try {
      this.#store.checkpointWithoutSync();
    } catch (error) {
      this.#copyError = error;
    } finally {
      this.#state = 'syncing-db';
      this.#copied?.();
    }
  }

  /** Waits for a running cycle (its copy is done at once), then closes the pin. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#state === 'copy-due') this.copy();
    await this.#cycle;
    this.#pin.close();
  }

  async #run(): Promise<void> {
    try {
      this.#pin.exec('BEGIN');
      this.#snapshot.get();
      this.#state = 'syncing-wal';
      await fsync(`${this.#store.file}-wal`);
      const copied = new Promise<void>((resolve) => {
        this.#copied = resolve;
      });
      this.#state = 'copy-due';
      if (this.#closed) this.copy();
      else this.#wake();
      await copied;
      if (this.#copyError !== undefined) throw this.#copyError;
      await fsync(this.#store.file);
      this.#failing = false;
    } catch (error) {
      // Reported once per run of failures: the writer goes on, SQLite checkpoints again on close.
      if (!this.#failing) {
        this.#onError(
          new OperationalError('CW_ERR_MPL_STORE', `Message log checkpoint failed: ${errorMessage(error)}`, {
            cause: error,
            hint: 'Check that the data directory is writable and the disk is not full.',
          }),
        );
      }
      this.#failing = true;
    } finally {
      this.#copyError = undefined;
      if (this.#pin.isTransaction) this.#pin.exec('COMMIT');
    }
  }
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
