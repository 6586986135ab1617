import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OperationalError } from '../errors.ts';
import { plainEntry, sampleEntry } from './mpl.fixtures.ts';
import { MplStore } from './mpl.store.ts';
import type { MplEntry } from './mpl.types.ts';
import { ENTRIES_PER_TURN, MplWriter } from './mpl.writer.ts';

/** The writer's chunk: entries handled per turn of the event loop under load. */
const CHUNK = ENTRIES_PER_TURN;
const CHILD = new URL('./testdata/mpl-writer-child.ts', import.meta.url).pathname;

describe('MplWriter', { timeout: 30_000 }, () => {
  let dir: string;
  let errors: Error[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-mplw-'));
    errors = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writer = (options: Partial<ConstructorParameters<typeof MplWriter>[0]> = {}) =>
    new MplWriter({ dataDir: dir, onError: (e) => errors.push(e), ...options });
  const stored = () => {
    const store = new MplStore(dir);
    try {
      const guids = store.query({ limit: 10_000 }).map((e) => e.messageGuid);
      return { count: store.count(), distinct: new Set(guids).size, integrity: store.integrityCheck() };
    } finally {
      store.close();
    }
  };
  const blocks = () => {
    const db = new DatabaseSync(join(dir, 'mpl.sqlite'));
    try {
      return (db.prepare('SELECT count(*) AS n FROM mpl_block').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const writeMany = (w: MplWriter, count: number, from = 0) => {
    for (let n = from; n < from + count; n++) w.write(sampleEntry(n));
  };

  test('write only buffers; flush commits everything written so far', async () => {
    const w = writer();
    writeMany(w, 1234);
    assert.equal(stored().count, 0, 'nothing reaches SQLite on the caller tick');
    await w.flush();
    assert.deepEqual(stored(), { count: 1234, distinct: 1234, integrity: 'ok' });
    const { longestTurnMs, ...counts } = w.stats;
    assert.deepEqual(counts, { written: 1234, committed: 1234, dropped: 0, pending: 0 });
    assert.ok(longestTurnMs > 0 && longestTurnMs < 1000, `longest turn ${longestTurnMs} ms`);
    await w.flush();
    await w.close();
    assert.deepEqual(errors, []);
  });

  test('the timer sends a partial batch without a flush', async () => {
    const w = writer({ flushIntervalMs: 20 });
    writeMany(w, 3);
    for (let i = 0; i < 100 && w.stats.committed < 3; i++) await sleep(10);
    assert.equal(stored().count, 3);
    await w.close();
  });

  test('applies the log level rules before storing', async () => {
    const w = writer();
    const step = { step: 's', kind: 'script', startedAt: 1, durationMs: 1, payload: 'body' };
    w.write(sampleEntry(1, { logLevel: 'NONE' }));
    w.write(sampleEntry(2, { logLevel: 'ERROR' }));
    w.write(sampleEntry(3, { logLevel: 'TRACE', steps: [step] }));
    w.write(sampleEntry(4, { logLevel: 'INFO', steps: [step] }));
    await w.close();
    const store = new MplStore(dir);
    assert.equal(store.get(sampleEntry(1).messageGuid), undefined);
    assert.deepEqual(store.get(sampleEntry(2).messageGuid)?.steps, []);
    assert.equal(store.get(sampleEntry(3).messageGuid)?.steps[0].payload, 'body');
    assert.equal(store.get(sampleEntry(4).messageGuid)?.steps[0].payload, undefined);
    store.close();
  });

  test('a transaction spans turns of the event loop and commits whole batches', async () => {
    const w = writer({ maxBatch: 100, sliceMs: 0.05 });
    writeMany(w, 1000);
    const reader = new MplStore(dir);
    const seen: number[] = [];
    let turns = 0;
    const flushed = w.flush().then(() => true);
    let done = false;
    void flushed.then(() => {
      done = true;
    });
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
      seen.push(reader.count());
    }
    reader.close();
    assert.ok(turns > 10, `the drain yielded ${turns} times`);
    assert.ok(
      seen.every((n) => n % 100 === 0),
      `readers see whole batches only: ${[...new Set(seen)].join(', ')}`,
    );
    assert.deepEqual(stored(), { count: 1000, distinct: 1000, integrity: 'ok' });
    await w.close();
  });

  test('a store locked by another connection: the writer backs off without waiting, then writes all', async () => {
    const w = writer();
    w.write(sampleEntry(100)); // the first drain also runs retention: done before the lock is taken
    await w.flush();
    const locker = new DatabaseSync(join(dir, 'mpl.sqlite'));
    locker.exec('BEGIN IMMEDIATE');
    writeMany(w, 10);
    const started = performance.now();
    const flushed = w.flush();
    for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(10);
    assert.ok(performance.now() - started < 1000, 'the event loop kept turning');
    assert.match(
      errors[0].message,
      /^Writing the message log failed \(database is locked\); retrying in 100 ms\.$/,
    );
    assert.equal(w.stats.pending, 10);
    locker.exec('COMMIT');
    locker.close();
    await flushed;
    assert.deepEqual(stored(), { count: 11, distinct: 11, integrity: 'ok' });
    assert.equal(w.stats.committed, 11);
    await w.close();
  });

  test('a malformed entry is dropped and reported; the rest of its batch is stored', async () => {
    const w = writer();
    writeMany(w, 10);
    w.write({ ...sampleEntry(10), flowId: null } as unknown as MplEntry);
    writeMany(w, 10, 11);
    await w.close();
    assert.equal(stored().count, 20);
    assert.equal(w.stats.dropped, 1);
    assert.match(
      errors[0].message,
      /Dropped 1 malformed message log entries: 0000000a-cafe-4000-8000-000000000010: NOT NULL/,
    );
  });

  test('plain entries go into blocks, the others into rows; each reads back whole', async () => {
    const w = writer();
    const total = CHUNK * 3 + 5;
    for (let n = 0; n < total; n++) w.write(n % 10 === 0 ? sampleEntry(n) : plainEntry(n));
    await w.close();
    assert.deepEqual(stored(), { count: total, distinct: total, integrity: 'ok' });
    assert.equal(blocks(), 2, 'one flow, starts over 2 s: two blocks of at most a second each');
    const store = new MplStore(dir);
    try {
      assert.deepEqual(store.get(plainEntry(21).messageGuid), plainEntry(21));
      assert.deepEqual(store.get(sampleEntry(20).messageGuid), sampleEntry(20));
    } finally {
      store.close();
    }
  });

  test('under load full chunks go in as they come and commit every maxBatch, before the flush interval', async () => {
    const w = writer({ flushIntervalMs: 60_000, maxBatch: 2 * CHUNK });
    writeMany(w, 2 * CHUNK + 5);
    for (let i = 0; i < 200 && w.stats.committed < 2 * CHUNK; i++) await sleep(5);
    await sleep(20);
    assert.equal(w.stats.committed, 2 * CHUNK, 'the last 5 wait for the flush interval');
    assert.equal(stored().count, 2 * CHUNK);
    await w.close();
    assert.equal(stored().count, 2 * CHUNK + 5);
  });

  test('a transaction holds maxBatch rows, or five times as many entries when they are plain', async () => {
    const w = writer({ flushIntervalMs: 60_000, maxBatch: 40 });
    // 199 plain entries and one row fill a transaction (5 × 40); the other 61 wait.
    for (let n = 0; n < 261; n++) w.write(n === 100 ? sampleEntry(n) : plainEntry(n));
    for (let i = 0; i < 200 && w.stats.committed < 200; i++) await sleep(5);
    await sleep(20);
    assert.equal(w.stats.committed, 200, 'five times maxBatch');
    assert.equal(stored().count, 200, 'the plain ones committed with their blocks');
    await w.close();
    assert.equal(stored().count, 261);
  });

  test('a commit that fails is retried whole: stored blocks, open blocks and rows, each entry once', async (t) => {
    // Plain entries leave the queue as they join a block; after a rollback, the blocks stored in the
    // transaction are stored again and the open ones go on.
    const commit = MplStore.prototype.commit;
    let failures = 1;
    t.after(() => {
      MplStore.prototype.commit = commit;
    });
    MplStore.prototype.commit = function (this: MplStore) {
      if (failures-- > 0) {
        throw Object.assign(new Error('disk I/O error'), { code: 'ERR_SQLITE_ERROR', errcode: 10 });
      }
      commit.call(this);
    };
    const w = writer({ flushIntervalMs: 60_000 });
    // 1 100 plain entries of two flows (two full blocks of 500, two open) and 10 rows.
    for (let n = 0; n < 1110; n++) {
      w.write(n % 111 === 0 ? sampleEntry(n) : plainEntry(n, { flowId: n % 2 ? 'odd' : 'even' }));
    }
    await w.flush();
    assert.match(
      errors[0].message,
      /^Writing the message log failed \(disk I\/O error\); retrying in 100 ms\.$/,
    );
    assert.equal(errors.length, 1);
    assert.deepEqual(stored(), { count: 1110, distinct: 1110, integrity: 'ok' });
    assert.equal(w.stats.committed, 1110);
    assert.equal(w.stats.dropped, 0);
    await w.close();
  });

  test('a store locked when a full block is stored: the block and the entries after it are all kept', async () => {
    const w = writer({ flushIntervalMs: 60_000 });
    w.write(sampleEntry(5000)); // the first drain also runs retention: done before the lock is taken
    await w.flush();
    const locker = new DatabaseSync(join(dir, 'mpl.sqlite'));
    locker.exec('BEGIN IMMEDIATE');
    for (let n = 0; n < 1200; n++) w.write(plainEntry(n));
    const flushed = w.flush();
    for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(10);
    assert.match(errors[0].message, /database is locked/);
    await sleep(250); // a retry or two, still locked
    locker.exec('COMMIT');
    locker.close();
    await flushed;
    assert.deepEqual(stored(), { count: 1201, distinct: 1201, integrity: 'ok' });
    await w.close();
  });

  test('a flush commits the entries written before it; later ones wait for a chunk or the interval', async () => {
    const w = writer({ flushIntervalMs: 60_000 });
    writeMany(w, 5);
    const flushed = w.flush();
    writeMany(w, 3, 5);
    await flushed;
    await sleep(20);
    assert.equal(w.stats.committed, 5);
    await w.close();
    assert.equal(stored().count, 8);
  });

  test('an unfinished entry is replaced by the final one, never joined by it in a block', async () => {
    let w = writer();
    w.write(plainEntry(3, { status: 'PROCESSING' }));
    w.write(plainEntry(4, { status: 'RETRY' }));
    await w.flush();
    for (let n = 0; n < CHUNK; n++) if (n !== 4) w.write(plainEntry(n));
    await w.close();
    assert.deepEqual(stored(), { count: CHUNK, distinct: CHUNK, integrity: 'ok' });
    // A writer started later knows the unfinished entries from the file.
    w = writer();
    w.write(plainEntry(4));
    await w.close();
    assert.deepEqual(stored(), { count: CHUNK, distinct: CHUNK, integrity: 'ok' });
    const store = new MplStore(dir);
    try {
      assert.equal(store.get(plainEntry(3).messageGuid)?.status, 'COMPLETED');
      assert.equal(store.get(plainEntry(4).messageGuid)?.status, 'COMPLETED');
    } finally {
      store.close();
    }
    assert.deepEqual(errors, []);
  });

  test('under steady load the WAL is started over once it passes walRestartBytes, not grown for ever', async () => {
    const walSize = async (walRestartBytes: number) => {
      const w = writer({ walRestartBytes });
      // 40 000 entries with details, 400 per turn: commits keep coming while checkpoint cycles run.
      for (let n = 0; n < 40_000; n += 400) {
        for (let k = n; k < n + 400; k++) w.write(sampleEntry(k));
        await sleep(1);
      }
      await w.flush();
      const size = statSync(join(dir, 'mpl.sqlite-wal')).size;
      await w.close();
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      return size;
    };
    const unbounded = await walSize(Number.POSITIVE_INFINITY);
    const bounded = await walSize(1024 * 1024);
    // The high-water mark: the restart size and what one checkpoint cycle's entries add (about 2.8 MB).
    assert.ok(bounded < 6 * 1024 * 1024, `WAL ${bounded} bytes with a 1 MiB restart size`);
    assert.ok(unbounded > 4 * bounded, `WAL ${unbounded} bytes without restarts, ${bounded} with`);
    assert.deepEqual(errors, []);
  });

  test('a backlog above maxPending drops new entries and says so once', async () => {
    const w = writer({ maxPending: 50 });
    writeMany(w, 80);
    await w.close();
    assert.equal(stored().count, 50);
    assert.equal(w.stats.dropped, 30);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /backlog above 50 entries/);
  });

  test('writes after close are dropped, and close is idempotent', async () => {
    const w = writer();
    writeMany(w, 5);
    const closing = w.close();
    w.write(sampleEntry(99));
    await closing;
    await w.close();
    assert.equal(stored().count, 5);
    assert.equal(w.stats.dropped, 1);
  });

  test('a store that cannot be opened fails the constructor with the reason', () => {
    mkdirSync(join(dir, 'mpl.sqlite'));
    assert.throws(
      () => writer(),
      (e: unknown) =>
        e instanceof OperationalError &&
        e.code === 'CW_ERR_MPL_STORE' &&
        /^Cannot open the message log .*mpl\.sqlite/.test(e.message),
    );
  });

  test('close reports what could not be written in time', async () => {
    const w = writer();
    w.write(sampleEntry(100)); // the first drain also runs retention: done before the lock is taken
    await w.flush();
    const locker = new DatabaseSync(join(dir, 'mpl.sqlite'));
    locker.exec('BEGIN IMMEDIATE');
    writeMany(w, 3);
    await assert.rejects(w.close(300), (e: unknown) => {
      assert.ok(e instanceof OperationalError);
      assert.equal(e.code, 'CW_ERR_MPL_STORE');
      assert.match(e.message, /^3 message log entries were not written within 300 ms\.$/);
      assert.match(e.hint ?? '', /Last failure: database is locked\./);
      return true;
    });
    locker.exec('ROLLBACK');
    locker.close();
    assert.deepEqual(
      { ...w.stats, longestTurnMs: 0 },
      { written: 4, committed: 1, dropped: 3, pending: 0, longestTurnMs: 0 },
    );
    assert.equal(stored().count, 1);
  });

  test('an idle writer never holds the process open', async () => {
    const child = spawn(process.execPath, [CHILD, dir, 'idle'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 0);
    assert.equal(out, 'flushed\n');
    assert.equal(stored().count, 10);
  });

  test('a process killed with SIGKILL while writing leaves a sound store with a committed prefix', async () => {
    const child = spawn(process.execPath, [CHILD, dir, 'loop'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let reported = 0;
    let partial = '';
    await new Promise<void>((resolve, reject) => {
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}`)),
      );
      child.stdout.on('data', (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        if (lines.length > 0) reported = Number(lines.at(-1));
        if (reported >= 3000) child.kill('SIGKILL');
      });
    });
    const store = new MplStore(dir);
    try {
      assert.equal(store.integrityCheck(), 'ok');
      const count = store.count();
      assert.ok(count >= reported, `${count} rows stored, ${reported} reported committed`);
      const guids = store.query({ limit: 10_000 }).map((e) => e.messageGuid);
      assert.deepEqual(
        guids.sort(),
        Array.from({ length: count }, (_, n) => sampleEntry(n).messageGuid),
      );
    } finally {
      store.close();
    }
  });
});
