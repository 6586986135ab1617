import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { errorMessage, OperationalError, UnexpectedError } from '../errors.ts';
import type { MessageLogSink } from '../runtime/services.ts';
import { DEFAULT_RETENTION_MS } from './mpl.store.ts';
import type { MplEntry } from './mpl.types.ts';
import type { FromMplWorker, MplCrashPlan, MplWorkerData } from './mpl.worker.ts';

export interface MplWriterOptions {
  /** The store lives in `<dataDir>/mpl.sqlite`. */
  dataDir: string;
  /** Longest an entry waits in memory before its batch is sent (default 50 ms). */
  flushIntervalMs?: number;
  /** A batch is sent as soon as this many entries wait (default 500). */
  maxBatch?: number;
  /** Entries buffered or unacknowledged beyond this are dropped and counted (default 100 000). */
  maxPending?: number;
  /** Entries older than this are deleted at start and every `retentionIntervalMs` (default 30 days, 1 h). */
  retentionMs?: number;
  retentionIntervalMs?: number;
  /** Told about worker restarts, failed batches and dropped entries; default: one line on stderr. */
  onError?: (error: Error) => void;
  /** Crash tests only: makes the first worker thread end abruptly. */
  crash?: MplCrashPlan;
}

export interface MplWriterStats {
  written: number;
  committed: number;
  dropped: number;
  restarts: number;
  pending: number;
}

const POST_WINDOW = 4;

interface Batch {
  seq: number;
  entries: MplEntry[];
  /** The worker generation it was posted to; a new worker gets every batch not posted to it. */
  postedTo: number;
}

/**
 * The runtime's MessageLogSink. `write` only appends to an array; a timer (or a full batch) posts the
 * buffer to a worker thread that inserts it (mpl.worker.ts). A batch stays here until the worker acks its
 * commit; if the worker dies, a new one gets every unacknowledged batch again, in order. Entries are keyed
 * by message guid (INSERT OR REPLACE), so a resent batch that was in fact committed duplicates nothing.
 */
export class MplWriter implements MessageLogSink {
  readonly #o: Required<Omit<MplWriterOptions, 'crash'>> & Pick<MplWriterOptions, 'crash'>;
  #buffer: MplEntry[] = [];
  #timer?: NodeJS.Timeout;
  #immediate?: NodeJS.Immediate;
  readonly #inflight = new Map<number, Batch>();
  #pending = 0;
  #seq = 0;
  #worker?: Worker;
  #generation = 0;
  #ready = false;
  /** Batches posted to the current worker and not yet acknowledged. */
  #posted = 0;
  #failures = 0;
  #lastFailure = '';
  #waiters: Array<{ seq: number; resolve: () => void }> = [];
  #closed = false;
  #stopped = false;
  #closing?: Promise<void>;
  #overflowReported = false;
  readonly #stats = { written: 0, committed: 0, dropped: 0, restarts: 0 };

  constructor(options: MplWriterOptions) {
    this.#o = {
      flushIntervalMs: 50,
      maxBatch: 500,
      maxPending: 100_000,
      retentionMs: DEFAULT_RETENTION_MS,
      retentionIntervalMs: 60 * 60 * 1000,
      ...options,
      onError: options.onError ?? ((error) => console.error(`causeway: ${error.message}`)),
    };
    // Fail here, on the caller's stack, when the directory cannot exist; the worker opens the file.
    mkdirSync(options.dataDir, { recursive: true });
    this.#start();
  }

  get stats(): MplWriterStats {
    return { ...this.#stats, pending: this.#pending };
  }

  write(entry: MplEntry): void {
    if (entry.logLevel === 'NONE') return;
    if (this.#closed || this.#pending >= this.#o.maxPending) {
      this.#drop();
      return;
    }
    this.#buffer.push(entry);
    this.#pending++;
    this.#stats.written++;
    if (this.#buffer.length >= this.#o.maxBatch) {
      this.#immediate ??= setImmediate(() => this.#send());
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.#send(), this.#o.flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Resolves once everything written before the call is committed. */
  flush(): Promise<void> {
    this.#send();
    if (this.#inflight.size === 0) return Promise.resolve();
    const seq = this.#seq;
    return new Promise((resolve) => this.#waiters.push({ seq, resolve }));
  }

  /** Flushes (waiting at most `timeoutMs`) and stops the worker; later writes are dropped. */
  close(timeoutMs = 10_000): Promise<void> {
    this.#closing ??= this.#shutdown(timeoutMs);
    return this.#closing;
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    this.#closed = true;
    const abort = new AbortController();
    const flushed = await Promise.race([
      this.flush().then(() => true),
      sleep(timeoutMs, false, { signal: abort.signal }).catch(() => false),
    ]);
    abort.abort();
    this.#stopped = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined && flushed && this.#ready) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref();
      worker.postMessage({ type: 'close' });
      await exited;
    } else {
      await worker?.terminate();
    }
    if (!flushed) {
      const lost = this.#pending;
      this.#stats.dropped += lost;
      throw new OperationalError(
        'CW_ERR_MPL_STORE',
        `${lost} message log entries were not written within ${timeoutMs} ms.`,
        {
          hint: `Last failure: ${this.#lastFailure || 'none'}. Check that the data directory is writable.`,
        },
      );
    }
  }

  /** Posts the buffer as batches of at most maxBatch entries. */
  #send(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    if (this.#buffer.length === 0) return;
    const all = this.#buffer;
    this.#buffer = [];
    for (let i = 0; i < all.length; i += this.#o.maxBatch) {
      const batch: Batch = { seq: ++this.#seq, entries: all.slice(i, i + this.#o.maxBatch), postedTo: -1 };
      this.#inflight.set(batch.seq, batch);
    }
    this.#pump();
    this.#holdProcess();
  }

  /**
   * Posts waiting batches in order, at most POST_WINDOW at a time: cloning a batch costs the main thread a
   * few ms, so a backlog (or a resend after a restart) is spread over many turns instead of one long one.
   */
  #pump(): void {
    if (!this.#ready) return;
    for (const batch of this.#inflight.values()) {
      if (this.#posted >= POST_WINDOW) return;
      if (batch.postedTo !== this.#generation) this.#post(batch);
    }
  }

  #post(batch: Batch): void {
    try {
      this.#worker!.postMessage({ type: 'batch', seq: batch.seq, entries: batch.entries });
      batch.postedTo = this.#generation;
      this.#posted++;
    } catch (error) {
      // Only a DataCloneError gets here: an entry holding something that is not plain data.
      this.#inflight.delete(batch.seq);
      this.#pending -= batch.entries.length;
      this.#stats.dropped += batch.entries.length;
      this.#o.onError(
        new UnexpectedError(`Dropped ${batch.entries.length} message log entries: ${errorMessage(error)}`, {
          cause: error,
        }),
      );
      this.#settle();
    }
  }

  #start(): void {
    if (this.#stopped) return;
    const generation = ++this.#generation;
    const data: MplWorkerData = {
      dataDir: this.#o.dataDir,
      retentionMs: this.#o.retentionMs,
      retentionIntervalMs: this.#o.retentionIntervalMs,
      crash: generation === 1 ? this.#o.crash : undefined,
    };
    const worker = new Worker(new URL('./mpl.worker.ts', import.meta.url), { workerData: data });
    this.#worker = worker;
    this.#ready = false;
    worker.on('message', (message: FromMplWorker) => this.#onMessage(message));
    worker.on('error', (error) => {
      this.#lastFailure = errorMessage(error);
    });
    worker.once('exit', (code) => this.#onExit(worker, code));
    this.#holdProcess();
  }

  #onMessage(message: FromMplWorker): void {
    switch (message.type) {
      case 'ready':
        this.#ready = true;
        this.#posted = 0;
        this.#pump();
        return;
      case 'ack': {
        const batch = this.#inflight.get(message.seq);
        if (batch === undefined) return;
        this.#inflight.delete(message.seq);
        this.#posted--;
        this.#pending -= batch.entries.length;
        this.#stats.committed += batch.entries.length - message.dropped;
        this.#stats.dropped += message.dropped;
        this.#failures = 0;
        this.#lastFailure = '';
        this.#overflowReported = false;
        this.#settle();
        this.#pump();
        this.#holdProcess();
        return;
      }
      case 'failed':
        this.#lastFailure = message.message;
        return;
      case 'warning':
        this.#o.onError(new OperationalError('CW_ERR_MPL_STORE', message.message));
    }
  }

  /** The worker ended without being asked to: start another after a backoff and resend what is unacked. */
  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker || this.#stopped) return;
    this.#worker = undefined;
    this.#ready = false;
    this.#stats.restarts++;
    const delay = this.#failures === 0 ? 0 : Math.min(100 * 2 ** (this.#failures - 1), 5000);
    this.#failures++;
    this.#o.onError(
      new OperationalError(
        'CW_ERR_MPL_STORE',
        `The message log writer stopped (exit code ${code}${this.#lastFailure ? `: ${this.#lastFailure}` : ''}); ` +
          `restarting it in ${delay} ms and resending ${this.#inflight.size} batches.`,
      ),
    );
    const timer = setTimeout(() => this.#start(), delay);
    if (this.#inflight.size === 0) timer.unref();
  }

  #settle(): void {
    const lowest = this.#inflight.size === 0 ? Number.POSITIVE_INFINITY : this.#inflight.keys().next().value!;
    if (this.#waiters.length === 0 || this.#waiters[0].seq >= lowest) return;
    const waiting = this.#waiters;
    this.#waiters = waiting.filter((w) => w.seq >= lowest);
    for (const w of waiting) if (w.seq < lowest) w.resolve();
  }

  /** Keeps the process alive only while batches await their commit; an idle writer never holds it open. */
  #holdProcess(): void {
    if (this.#inflight.size > 0) this.#worker?.ref();
    else this.#worker?.unref();
  }

  #drop(): void {
    this.#stats.dropped++;
    if (this.#closed || this.#overflowReported) return;
    this.#overflowReported = true;
    this.#o.onError(
      new OperationalError(
        'CW_ERR_MPL_STORE',
        `Message log backlog above ${this.#o.maxPending} entries: dropping new ones.`,
        {
          hint: 'The store cannot keep up; check disk speed and space, or lower flow log levels.',
        },
      ),
    );
  }
}
