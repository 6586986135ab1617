/**
 * The MPL writer thread: owns the one writer connection to mpl.sqlite, so that SQLite inserts (tens of ms
 * for a big batch) never run on the main event loop. MplWriter starts it, posts batches and waits for acks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import { applyLogLevel } from './log-level.ts';
import { MplStore } from './mpl.store.ts';
import type { MplEntry } from './mpl.types.ts';

export interface MplWorkerData {
  dataDir: string;
  retentionMs: number;
  retentionIntervalMs: number;
  /** Crash tests only: end this thread abruptly when batch number `batch` (1-based) is written. */
  crash?: MplCrashPlan;
}

export interface MplCrashPlan {
  batch: number;
  /** `before-commit`: inside the open transaction; `after-commit`: committed but not yet acknowledged. */
  when: 'before-commit' | 'after-commit';
}

export type ToMplWorker = { type: 'batch'; seq: number; entries: MplEntry[] } | { type: 'close' };

export type FromMplWorker =
  | { type: 'ready' }
  | { type: 'ack'; seq: number; dropped: number }
  | { type: 'failed'; seq: number; message: string }
  | { type: 'warning'; message: string };

if (parentPort !== null) run(parentPort, workerData as MplWorkerData);

function run(port: NonNullable<typeof parentPort>, data: MplWorkerData): void {
  const post = (message: FromMplWorker) => port.postMessage(message);
  const store = new MplStore(data.dataDir);
  let batches = 0;

  const purge = () => {
    try {
      store.deleteOlderThan(Date.now() - data.retentionMs);
    } catch (error) {
      post({ type: 'warning', message: `Message log retention failed: ${errorMessage(error)}` });
    }
  };
  purge();
  const retention = setInterval(purge, data.retentionIntervalMs);
  retention.unref();

  port.on('message', (message: ToMplWorker) => {
    if (message.type === 'close') {
      clearInterval(retention);
      store.close();
      port.close();
      return;
    }
    batches++;
    const crash = data.crash?.batch === batches ? data.crash.when : undefined;
    const stored: MplEntry[] = [];
    for (const entry of message.entries) {
      const kept = applyLogLevel(entry);
      if (kept !== undefined) stored.push(kept);
    }
    let dropped: string[];
    try {
      dropped = writeBatch(store, stored, crash === 'before-commit' ? () => process.exit(70) : undefined);
    } catch (error) {
      // Stop here: the writer restarts a fresh thread and resends this batch and every later one in
      // order, so a later batch can never be overtaken by an earlier one that failed.
      post({ type: 'failed', seq: message.seq, message: errorMessage(error) });
      store.close();
      process.exit(1);
    }
    if (crash === 'after-commit') process.exit(70);
    if (dropped.length > 0) {
      post({
        type: 'warning',
        message: `Dropped ${dropped.length} malformed message log entries: ${dropped[0]}`,
      });
    }
    post({ type: 'ack', seq: message.seq, dropped: dropped.length });
  });
  post({ type: 'ready' });
}

/** SQLite result codes worth a retry (busy, locked, I/O, disk full, ...): anything else is the entry's fault. */
const TRANSIENT = new Set([5, 6, 7, 8, 10, 11, 13, 14, 15]);

/**
 * Writes a batch in one transaction. When an entry cannot be stored as given (a NOT NULL field missing,
 * a value SQLite cannot bind), retrying would fail forever and block every later entry: the batch is
 * then written one entry at a time and the bad ones are dropped. Returns why each dropped entry went;
 * throws only errors a retry may cure.
 */
function writeBatch(store: MplStore, entries: MplEntry[], beforeCommit?: () => void): string[] {
  try {
    store.insertBatch(entries, beforeCommit);
    return [];
  } catch (error) {
    if (isTransient(error)) throw error;
  }
  const dropped: string[] = [];
  for (const entry of entries) {
    try {
      store.insertBatch([entry]);
    } catch (error) {
      if (isTransient(error)) throw error;
      dropped.push(`${String(entry?.messageGuid)}: ${errorMessage(error)}`);
    }
  }
  return dropped;
}

function isTransient(error: unknown): boolean {
  const { code, errcode } = error as { code?: string; errcode?: number };
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && TRANSIENT.has(errcode & 0xff);
}
