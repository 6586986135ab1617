import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, OperationalError } from '../errors.ts';
import type { MessageLogSink } from '../runtime/services.ts';
import { applyLogLevel } from './log-level.ts';
import { BlockBuilder, type MplBlock } from './mpl.block.ts';
import { WalCheckpointer } from './mpl.checkpoint.ts';
import { DEFAULT_RETENTION_MS, MplStore } from './mpl.store.ts';
import type { MplEntry } from './mpl.types.ts';

export interface MplWriterOptions {
  /** The store lives in `<dataDir>/mpl.sqlite`. */
  dataDir: string;
  /** Longest an entry waits in memory before it is written (default 50 ms). */
  flushIntervalMs?: number;
  /**
   * The most entries with rows of their own per transaction (default 300: a commit of more can take
   * over a millisecond); a transaction holds at most PLAIN_PER_ROW times as many entries in all.
   */
  maxBatch?: number;
  /** Main-thread time one turn of the event loop may spend writing before it yields (default 1 ms). */
  sliceMs?: number;
  /** Entries waiting beyond this are dropped and counted (default 100 000). */
  maxPending?: number;
  /**
   * A WAL grown past this many bytes is copied whole by the next checkpoint cycle, so that SQLite
   * starts it over and cuts it back (default 64 MiB). Starting over costs one fsync on the main
   * thread, a few ms, so it is done seldom: every 25-50 s at full load.
   */
  walRestartBytes?: number;
  /** Entries older than this are deleted at start and every `retentionIntervalMs` (default 30 days, 1 h). */
  retentionMs?: number;
  retentionIntervalMs?: number;
  /** Told about failed writes, dropped entries and retention failures; default: one line on stderr. */
  onError?: (error: Error) => void;
}

export interface MplWriterStats {
  written: number;
  committed: number;
  dropped: number;
  pending: number;
  /** The longest the writer held the event loop in one turn (ms): what the message path may wait behind it. */
  longestTurnMs: number;
}

/**
 * Entries handled per turn of the event loop while messages come in: a turn stays short (a plain
 * entry joins a block in well under a µs, an entry with its own row is a SQLite insert of a few µs,
 * and the slice limit holds in any case), so the log is written evenly, not in bursts.
 */
export const ENTRIES_PER_TURN = 64;
/**
 * Plain entries take a few bytes each in a block, so a transaction may hold this many times `maxBatch`
 * entries in all: fewer commits, fewer and fuller blocks.
 */
const PLAIN_PER_ROW = 5;
/** Retention deletes this many rows per turn (a few µs each), between the writes. */
const RETENTION_ROWS_PER_TURN = 100;
/**
 * A WAL checkpoint cycle starts after this many commits (each writes a few pages to the WAL)... Each
 * cycle costs two fsyncs, whose kernel time (not the event loop's) was a third of the writer's CPU
 * at 500 entries per cycle.
 */
const CHECKPOINT_COMMITS = 32;
/**
 * ...or once this much was written, counted in plain entries (a few hundred bytes of a block each); an
 * entry with its own row, with its index entries, writes about as many pages as ROW_WEIGHT plain ones.
 * The copy, one turn of the event loop, then takes about a millisecond (`mpl.checkpoint.bench.ts`: 0.9 ms for
 * 3 000 plain entries, 0.8 ms for 1 000 rows; 4.6 ms, up to 12, for 15 000 plain entries).
 */
const CHECKPOINT_WORK = 3000;
const ROW_WEIGHT = 3;
/** SQLite result codes worth a retry (busy, locked, I/O, disk full, ...): anything else is the entry's fault. */
const TRANSIENT = new Set([5, 6, 7, 8, 10, 11, 13, 14, 15]);

/**
 * The runtime's MessageLogSink, on the main thread. `write` only appends to an array. Each chunk of
 * ENTRIES_PER_TURN entries is handled on the next turn of the event loop: plain entries join a block
 * (mpl.block.ts: a few hundred ns each), the others are inserted as rows; a turn never works longer
 * than about `sliceMs`. A transaction spans turns and commits when it is full (`maxBatch`), or when the
 * flush interval has passed (then the rest of a chunk goes too), with the blocks filled so far: few
 * commits, and a killed process leaves a committed prefix. A failed commit keeps its entries queued
 * and is retried after a backoff; an entry SQLite refuses is dropped and reported, the others go on.
 */
export class MplWriter implements MessageLogSink {
  readonly #o: Required<MplWriterOptions>;
  readonly #store: MplStore;
  readonly #checkpointer: WalCheckpointer;
  #commitsSinceCheckpoint = 0;
  /** The running checkpoint cycle is to copy the whole WAL: no transaction begins until it ends. */
  #walRestart = false;
  /** What was written since the last checkpoint cycle began, in plain entries (CHECKPOINT_WORK). */
  #workSinceCheckpoint = 0;
  /** Entries of the open transaction stored as rows of their own (not in blocks). */
  #rowsInTransaction = 0;
  /**
   * Entries not yet committed, in order: [#head, #cursor) are in the open transaction. A plain entry's
   * slot is emptied as soon as it joins a block, whose JSON is then all that a retry needs of it.
   */
  #queue: Array<MplEntry | undefined> = [];
  #head = 0;
  #cursor = 0;
  /** Plain entries of the open transaction, gathered into blocks that are stored before it commits. */
  readonly #blocks = new BlockBuilder();
  /** Blocks stored in the open transaction: stored again when it is retried after a rollback. */
  #storedBlocks: MplBlock[] = [];
  /** A rollback took back `#storedBlocks`: the retry stores them first. */
  #restoreBlocks = false;
  /**
   * What SQLite refused in the open transaction, dropped and reported when it commits. A refused row's
   * entry is still queued and is refused again on a retry; a refused block's entries are not.
   */
  #refused: Array<{ reason: string; entries: number; row: boolean }> = [];
  /** The flush interval's timer, or the backoff's after a failure. */
  #timer?: NodeJS.Timeout;
  #immediate?: NodeJS.Immediate;
  /**
   * A flush is due (the flush interval passed, or flush was called): the entries accepted until then,
   * `#flushUpTo` of them counted from the start, are to be committed now, not only full chunks.
   */
  #flushDue = false;
  #flushUpTo = 0;
  #retentionDue = true;
  readonly #retention: NodeJS.Timeout;
  #failures = 0;
  #lastFailure = '';
  /** Entries accepted so far, and how many of them are committed or dropped: flush waits on the second. */
  #accepted = 0;
  #settled = 0;
  #waiters: Array<{ upTo: number; resolve: () => void }> = [];
  #closed = false;
  #stopped = false;
  #closing?: Promise<void>;
  #overflowReported = false;
  readonly #stats = { written: 0, committed: 0, dropped: 0, longestTurnMs: 0 };

  constructor(options: MplWriterOptions) {
    this.#o = {
      flushIntervalMs: 50,
      maxBatch: 300,
      sliceMs: 1,
      maxPending: 100_000,
      walRestartBytes: 64 * 1024 * 1024,
      retentionMs: DEFAULT_RETENTION_MS,
      retentionIntervalMs: 60 * 60 * 1000,
      ...options,
      onError: options.onError ?? ((error) => console.error(`causeway: ${error.message}`)),
    };
    // Opened here, so a store that cannot be opened fails the runtime's start with its reason.
    this.#store = new MplStore(options.dataDir, { checkpoints: 'manual', busyTimeoutMs: 0 });
    this.#checkpointer = new WalCheckpointer(this.#store, () => this.#schedule(), this.#o.onError);
    this.#retention = setInterval(() => {
      this.#retentionDue = true;
      this.#schedule();
    }, this.#o.retentionIntervalMs);
    this.#retention.unref();
    this.#schedule();
  }

  get stats(): MplWriterStats {
    return { ...this.#stats, pending: this.#accepted - this.#settled };
  }

  write(entry: MplEntry): void {
    if (entry.logLevel === 'NONE') return;
    if (this.#closed || this.#accepted - this.#settled >= this.#o.maxPending) {
      this.#drop();
      return;
    }
    this.#queue.push(entry);
    this.#accepted++;
    this.#stats.written++;
    // While a drain is scheduled it takes this entry too; while a retry waits, its timer is left alone.
    if (this.#immediate !== undefined || this.#failures > 0) return;
    if (this.#queue.length - this.#cursor >= ENTRIES_PER_TURN) this.#schedule();
    else this.#timer ??= setTimeout(() => this.#flushNow(), this.#o.flushIntervalMs);
  }

  /** Resolves once everything written before the call is committed (or dropped). */
  flush(): Promise<void> {
    if (this.#settled === this.#accepted) return Promise.resolve();
    const upTo = this.#accepted;
    this.#flushNow();
    return new Promise((resolve) => this.#waiters.push({ upTo, resolve }));
  }

  /** Flushes (waiting at most `timeoutMs`) and closes the store; later writes are dropped. */
  close(timeoutMs = 10_000): Promise<void> {
    this.#closing ??= this.#shutdown(timeoutMs);
    return this.#closing;
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    this.#closed = true;
    clearInterval(this.#retention);
    this.#retentionDue = false;
    const abort = new AbortController();
    const flushed = await Promise.race([
      this.flush().then(() => true),
      sleep(timeoutMs, false, { signal: abort.signal }).catch(() => false),
    ]);
    abort.abort();
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    this.#store.rollback();
    await this.#checkpointer.close();
    // The last connection to close checkpoints the rest of the WAL, with SQLite's own syncs.
    this.#store.close();
    if (!flushed) {
      const lost = this.#accepted - this.#settled;
      this.#stats.dropped += lost;
      this.#settled = this.#accepted;
      this.#settle();
      throw new OperationalError(
        'CW_ERR_MPL_STORE',
        `${lost} message log entries were not written within ${timeoutMs} ms.`,
        {
          hint: `Last failure: ${this.#lastFailure || 'none'}. Check that the data directory is writable and the disk is not full.`,
        },
      );
    }
  }

  /** Runs the drain on the next turn (a referenced immediate: a process ending naturally writes its log). */
  #schedule(): void {
    if (this.#stopped) return;
    this.#immediate ??= setImmediate(() => this.#drain());
  }

  /** Everything queued goes to the store now, and is committed. */
  #flushNow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushDue = true;
    this.#flushUpTo = this.#accepted;
    this.#schedule();
  }

  /** One slice of work, then yield: a checkpoint copy, retention, a commit, or inserts for `sliceMs`. */
  #drain(): void {
    this.#immediate = undefined;
    const started = performance.now();
    this.#turn();
    const took = performance.now() - started;
    if (took > this.#stats.longestTurnMs) this.#stats.longestTurnMs = took;
  }

  /**
   * One kind of work per turn, each short: a checkpoint copy or retention (between transactions), a
   * commit (when the batch is full, or at a flush once all is inserted), or inserts of the full chunks
   * waiting (at a flush, also the rest it covers). Under load the inserts thus run a chunk at a time as entries come
   * in, a few dozen µs per turn, rather than in bursts that would hold up messages.
   */
  #turn(): void {
    const open = this.#cursor > this.#head;
    if (this.#pausedForCheckpoint(open)) return;
    const waiting = this.#queue.length - this.#cursor;
    const flushing = this.#flushWaiting();
    try {
      if (!open && this.#checkpointer.copyDue) this.#checkpointer.copy();
      else if (!open && this.#retentionDue) this.#purge();
      else if (open && this.#batchFull()) this.#commit();
      else if (this.#flushDue && flushing === 0) {
        // What was queued when the flush came is in: commit it. Later entries wait for a chunk or the timer.
        if (open) this.#commit();
        this.#flushDue = false;
      } else if (waiting >= ENTRIES_PER_TURN || flushing > 0) this.#insertSlice();
    } catch (error) {
      this.#failed(error);
      return;
    }
    this.#failures = 0;
    this.#next();
  }

  /**
   * A checkpoint cycle copies the WAL only up to where it began, and commits go on meanwhile, so under
   * steady load the WAL is never copied whole and SQLite keeps appending to it. Once it has grown past
   * `walRestartBytes`, no transaction begins during a cycle (entries wait in the queue, a few ms): with
   * nothing committed after its start, the cycle copies the whole WAL and the next transaction starts
   * it over. The cycle wakes the writer when its copy is due and when it ends.
   */
  #pausedForCheckpoint(open: boolean): boolean {
    return this.#walRestart && !open && !this.#checkpointer.idle && !this.#checkpointer.copyDue;
  }

  #batchFull(): boolean {
    return (
      this.#rowsInTransaction >= this.#o.maxBatch ||
      this.#cursor - this.#head >= this.#o.maxBatch * PLAIN_PER_ROW
    );
  }

  /** How many of the entries a due flush covers are not inserted yet (0 without a flush). */
  #flushWaiting(): number {
    if (!this.#flushDue) return 0;
    const inserted = this.#settled + (this.#cursor - this.#head);
    return Math.max(0, this.#flushUpTo - inserted);
  }

  /** After a turn: go on at once while there is work to do now, else let the flush interval run. */
  #next(): void {
    const open = this.#cursor > this.#head;
    if (this.#pausedForCheckpoint(open)) return;
    const waiting = this.#queue.length - this.#cursor;
    const now =
      (!open && (this.#checkpointer.copyDue || this.#retentionDue)) ||
      (open && this.#batchFull()) ||
      waiting >= ENTRIES_PER_TURN ||
      this.#flushDue;
    if (now) this.#schedule();
    else if (open || waiting > 0) this.#timer ??= setTimeout(() => this.#flushNow(), this.#o.flushIntervalMs);
  }

  /** Stores entries, in steps of ENTRIES_PER_TURN, until the batch is complete or the slice is used up. */
  #insertSlice(): void {
    const deadline = performance.now() + this.#o.sliceMs;
    const waiting = this.#queue.length - this.#cursor;
    // Full chunks, and at a flush the rest of what it covers.
    const ready = Math.max(waiting - (waiting % ENTRIES_PER_TURN), this.#flushWaiting());
    const end = Math.min(this.#cursor + ready, this.#head + this.#o.maxBatch * PLAIN_PER_ROW);
    if (this.#cursor === this.#head && end > this.#head) this.#beginTransaction();
    while (this.#cursor < end) {
      const upTo = Math.min(end, this.#cursor + ENTRIES_PER_TURN);
      for (; this.#cursor < upTo; this.#cursor++) {
        if (this.#batchFull()) return;
        const queued = this.#queue[this.#cursor];
        if (queued !== undefined) this.#add(queued);
      }
      if (performance.now() >= deadline) return;
    }
  }

  /** Begins a transaction; after a rollback, it first stores again the blocks the rollback took back. */
  #beginTransaction(): void {
    this.#store.begin();
    if (!this.#restoreBlocks) return;
    const blocks = this.#storedBlocks;
    this.#storedBlocks = [];
    try {
      for (const block of blocks) this.#insertBlock(block);
    } catch (error) {
      this.#storedBlocks = blocks; // all of them again at the next try
      throw error;
    }
    this.#restoreBlocks = false;
  }

  /** One entry into the open transaction: into a block when it is plain, else as a row of its own. */
  #add(queued: MplEntry): void {
    const entry = applyLogLevel(queued);
    if (entry === undefined) return;
    try {
      if (this.#store.fitsBlock(entry)) {
        const full = this.#blocks.add(entry);
        // Let the entry go: held until the commit, hundreds of them would be copied by every collection
        // of the young generation (most of its work under load). Its block holds what a retry needs.
        this.#queue[this.#cursor] = undefined;
        if (full !== undefined) this.#insertBlock(full);
      } else {
        this.#store.insert(entry);
        this.#rowsInTransaction++;
      }
    } catch (error) {
      if (isTransient(error)) throw error;
      // Retrying cannot help an entry SQLite refuses (a NOT NULL field missing, a value it cannot bind).
      this.#refused.push({
        reason: `${String(queued?.messageGuid)}: ${errorMessage(error)}`,
        entries: 1,
        row: true,
      });
    }
  }

  /** Stores a block in the open transaction; one SQLite refuses is dropped with its entries. */
  #insertBlock(block: MplBlock): void {
    // Kept before the insert: should it fail and the transaction roll back, the retry stores it.
    this.#storedBlocks.push(block);
    try {
      this.#store.insertBlock(block);
    } catch (error) {
      if (isTransient(error)) throw error;
      this.#storedBlocks.pop();
      this.#refused.push({
        reason: `a block of ${block.count} entries of flow ${block.flowId}: ${errorMessage(error)}`,
        entries: block.count,
        row: false,
      });
    }
  }

  #commit(): void {
    if (this.#cursor === this.#head) return;
    for (const block of this.#blocks.close()) this.#insertBlock(block);
    this.#store.commit();
    const n = this.#cursor - this.#head;
    // Let committed entries go now: kept until the array is cut below, they would live long enough to
    // be promoted to the old generation, and every collection of the young one would copy them first.
    this.#queue.fill(undefined, this.#head, this.#cursor);
    this.#storedBlocks = [];
    const refused = this.#refused;
    const refusedCount = refused.reduce((sum, r) => sum + r.entries, 0);
    this.#refused = [];
    this.#head = this.#cursor;
    this.#stats.committed += n - refusedCount;
    this.#stats.dropped += refusedCount;
    this.#settled += n;
    this.#workSinceCheckpoint += n - this.#rowsInTransaction + this.#rowsInTransaction * ROW_WEIGHT;
    this.#rowsInTransaction = 0;
    if (
      ++this.#commitsSinceCheckpoint >= CHECKPOINT_COMMITS ||
      this.#workSinceCheckpoint >= CHECKPOINT_WORK
    ) {
      if (this.#checkpointer.idle) {
        this.#commitsSinceCheckpoint = this.#workSinceCheckpoint = 0;
        this.#walRestart = this.#store.walBytes() > this.#o.walRestartBytes;
        this.#checkpointer.start();
      }
    }
    if (refused.length > 0) {
      this.#o.onError(
        new OperationalError(
          'CW_ERR_MPL_STORE',
          `Dropped ${refusedCount} malformed message log entries: ${refused.map((r) => r.reason).join('; ')}`,
          { hint: 'This is a bug in what produced the entry; the other entries were stored.' },
        ),
      );
    }
    this.#lastFailure = '';
    this.#overflowReported = false;
    // Shift the array only now and then: slicing on every commit would copy the backlog each time.
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = this.#cursor = 0;
    } else if (this.#head > 10_000) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = this.#cursor = 0;
    }
    this.#settle();
  }

  #purge(): void {
    try {
      const cutoff = Date.now() - this.#o.retentionMs;
      this.#store.deleteOlderThan(cutoff, RETENTION_ROWS_PER_TURN, RETENTION_ROWS_PER_TURN);
      this.#retentionDue = this.#store.hasOlderThan(cutoff);
    } catch (error) {
      this.#retentionDue = false;
      this.#o.onError(
        new OperationalError('CW_ERR_MPL_STORE', `Message log retention failed: ${errorMessage(error)}`),
      );
    }
  }

  /**
   * A transient failure: the open transaction goes back and is retried after a backoff. Its rows are
   * inserted again from the queue; its plain entries are in blocks, stored ones (kept in
   * `#storedBlocks`, stored again first) and open ones (kept by the builder).
   */
  #failed(error: unknown): void {
    this.#store.rollback();
    this.#restoreBlocks = this.#storedBlocks.length > 0;
    this.#rowsInTransaction = 0;
    this.#cursor = this.#head;
    this.#refused = this.#refused.filter((r) => !r.row);
    const delay = Math.min(100 * 2 ** this.#failures, 5000);
    this.#failures++;
    this.#lastFailure = errorMessage(error);
    if (this.#failures === 1 || this.#failures % 10 === 0) {
      this.#o.onError(
        new OperationalError(
          'CW_ERR_MPL_STORE',
          `Writing the message log failed (${this.#lastFailure}); retrying in ${delay} ms.`,
          { cause: error, hint: 'Check that the data directory is writable and the disk is not full.' },
        ),
      );
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#flushNow(), delay);
  }

  #settle(): void {
    if (this.#waiters.length === 0 || this.#waiters[0].upTo > this.#settled) return;
    const waiting = this.#waiters;
    this.#waiters = waiting.filter((w) => w.upTo > this.#settled);
    for (const w of waiting) if (w.upTo <= this.#settled) w.resolve();
  }

  #drop(): void {
    this.#stats.dropped++;
    if (this.#closed || this.#overflowReported) return;
    this.#overflowReported = true;
    this.#o.onError(
      new OperationalError(
        'CW_ERR_MPL_STORE',
        `Message log backlog above ${this.#o.maxPending} entries: dropping new ones.`,
        { hint: 'The store cannot keep up; check disk speed and space, or lower flow log levels.' },
      ),
    );
  }
}

function isTransient(error: unknown): boolean {
  const { code, errcode } = error as { code?: string; errcode?: number };
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && TRANSIENT.has(errcode & 0xff);
}
