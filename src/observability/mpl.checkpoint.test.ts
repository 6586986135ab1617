import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { WalCheckpointer } from './mpl.checkpoint.ts';
import { sampleEntry } from './mpl.fixtures.ts';
import { MplStore } from './mpl.store.ts';

describe('WalCheckpointer', () => {
  let dir: string;
  let store: MplStore;
  let errors: Error[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-mplc-'));
    store = new MplStore(dir, { checkpoints: 'manual' });
    errors = [];
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (from: number, count: number) =>
    store.insertBatch(Array.from({ length: count }, (_, k) => sampleEntry(from + k)));
  /** Frames in the WAL and how many of them are in the database file, seen by another connection. */
  const wal = () => {
    const db = new DatabaseSync(store.file);
    try {
      db.exec('PRAGMA wal_autocheckpoint = 0');
      const { log, checkpointed } = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as Record<
        string,
        number
      >;
      return { log, checkpointed };
    } finally {
      db.close();
    }
  };
  const settled = async (c: WalCheckpointer) => {
    for (let i = 0; i < 200 && !c.idle; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(c.idle, 'the cycle ended');
  };

  test('manual mode leaves the WAL alone; a cycle copies it into the database file', async () => {
    insert(0, 2000);
    const before = statSync(store.file).size;
    let woken = 0;
    const c = new WalCheckpointer(
      store,
      () => {
        woken++;
        setImmediate(() => c.copy());
      },
      (e) => errors.push(e),
    );
    c.start();
    c.start(); // a second start while one runs is ignored
    await settled(c);
    assert.equal(woken, 2, 'once to copy, once at the end');
    assert.ok(statSync(store.file).size > before + 100_000, 'pages reached the database file');
    assert.deepEqual(errors, []);
    await c.close();
    assert.equal(store.integrityCheck(), 'ok');
  });

  test('frames committed after the cycle began are left for the next one (the pin)', async () => {
    insert(0, 500);
    const c = new WalCheckpointer(
      store,
      () => {
        // Committed while the WAL was being synced: beyond the pinned end, not copied by this cycle.
        insert(500, 500);
        c.copy();
      },
      (e) => errors.push(e),
    );
    c.start();
    await settled(c);
    const afterCycle = statSync(store.file).size;
    wal();
    // Another checkpoint still finds the later entries' pages to copy: the cycle stopped at the pin.
    assert.ok(statSync(store.file).size > afterCycle, 'later frames were left in the WAL');
    await c.close();
    assert.equal(store.count(), 1000);
    assert.deepEqual(errors, []);
  });

  test('close finishes a running cycle, copying at once', async () => {
    insert(0, 300);
    const c = new WalCheckpointer(
      store,
      () => {},
      (e) => errors.push(e),
    );
    c.start();
    await c.close();
    assert.ok(c.idle);
    assert.deepEqual(errors, []);
    assert.equal(store.integrityCheck(), 'ok');
  });

  test('a failing sync is reported once, and later cycles still run', async () => {
    insert(0, 10);
    const c = new WalCheckpointer(
      store,
      () => c.copy(),
      (e) => errors.push(e),
    );
    rmSync(`${store.file}-wal`);
    for (let round = 0; round < 2; round++) {
      c.start();
      await settled(c);
    }
    assert.equal(errors.length, 1);
    assert.match(
      errors[0].message,
      /^Message log checkpoint failed: ENOENT: no such file or directory, open '.*mpl\.sqlite-wal'$/,
    );
    await c.close();
  });
});
