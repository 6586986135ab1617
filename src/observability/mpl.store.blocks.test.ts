import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { plainEntry } from './mpl.fixtures.ts';
import { MIGRATIONS } from './mpl.schema.ts';
import { MplStore } from './mpl.store.ts';
import type { MplEntry, MplQuery, MplSummary } from './mpl.types.ts';

/** Plain entries in blocks and other entries in rows, read through one interface as one log. */
describe('MplStore with blocks', () => {
  let dir: string;
  let store: MplStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-mplb-'));
    store = new MplStore(dir);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tableCount = (table: string) => {
    const db = new DatabaseSync(store.file);
    try {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  /**
   * 3000 entries 10 ms apart over 30 s: most plain (blocks of up to BLOCK_SPAN_MS), every seventh with a
   * custom header (a row; `rowEvery` 0: none), three flows, and groups of three that share a start time
   * (ties).
   */
  function mixedLog(rowEvery = 7): MplEntry[] {
    const entries: MplEntry[] = [];
    for (let n = 0; n < 3000; n++) {
      // Shipping's blocks begin half a second after the others': block time ranges overlap.
      const flowId = n % 11 === 0 ? 'shipping' : n % 5 === 0 ? 'billing' : 'order-intake';
      const start = plainEntry(n - (n % 3)).logStart + (flowId === 'shipping' ? 500 : 0);
      const overrides: Partial<MplEntry> = { flowId, logStart: start };
      if (n % rowEvery === 0) overrides.customHeaderProperties = [['orderId', `O-${n}`]];
      entries.push(plainEntry(n, overrides));
    }
    return entries;
  }

  /** What a query must return: the matching entries, newest first, ties by id descending. */
  function expected(entries: MplEntry[], f: MplQuery): string[] {
    return entries
      .filter(
        (e) =>
          (f.flowId === undefined || e.flowId === f.flowId) &&
          (f.status === undefined || e.status === f.status) &&
          (f.since === undefined || e.logStart >= f.since) &&
          (f.until === undefined || e.logStart < f.until) &&
          (f.messageGuid === undefined || e.messageGuid === f.messageGuid) &&
          (f.correlationId === undefined || e.correlationId === f.correlationId) &&
          (f.customHeader === undefined ||
            e.customHeaderProperties.some(
              ([k, v]) => k === f.customHeader?.name && v === f.customHeader.value,
            )),
      )
      .sort((a, b) => b.logStart - a.logStart || (a.messageGuid < b.messageGuid ? 1 : -1))
      .slice(f.offset ?? 0, (f.offset ?? 0) + (f.limit ?? 100))
      .map((e) => e.messageGuid);
  }

  test('plain entries go into blocks, the others into rows', () => {
    const entries = mixedLog();
    store.insertBatch(entries);
    const rows = entries.filter((e) => e.customHeaderProperties.length > 0).length;
    assert.equal(tableCount('message_log'), rows);
    assert.ok(
      tableCount('mpl_block') < 200,
      `${tableCount('mpl_block')} blocks for ${entries.length - rows} entries`,
    );
    assert.equal(store.count(), entries.length);
  });

  test('listings merge rows and blocks in order, across pages of blocks, for every filter', () => {
    const entries = mixedLog();
    store.insertBatch(entries);
    const at = (n: number) => entries[n].logStart;
    const filters: MplQuery[] = [
      {},
      { limit: 7 },
      { limit: 50, offset: 1234 },
      { limit: 10_000 },
      { flowId: 'billing', limit: 300 },
      { flowId: 'order-intake', offset: 2000, limit: 30 },
      { since: at(1000), until: at(1500), limit: 1000 },
      // Edges inside a block, and a window narrower than one.
      { since: at(1003) + 1, until: at(1042), limit: 1000 },
      { since: at(2999) },
      { status: 'COMPLETED', flowId: 'billing', since: at(10), limit: 20, offset: 5 },
      { status: 'FAILED' },
      { messageGuid: entries[1500].messageGuid },
      { messageGuid: entries[1501].messageGuid, flowId: 'billing' },
      { correlationId: entries[2222].messageGuid },
      { correlationId: entries[2222].messageGuid, messageGuid: entries[2223].messageGuid },
      { customHeader: { name: 'orderId', value: 'O-700' } },
    ];
    for (const f of filters) {
      assert.deepEqual(
        store.query(f).map((e) => e.messageGuid),
        expected(entries, f),
        JSON.stringify(f),
      );
      assert.equal(
        store.count(f),
        expected(entries, { ...f, offset: 0, limit: Number.MAX_SAFE_INTEGER }).length,
        `count ${JSON.stringify(f)}`,
      );
    }
  });

  test('listings at every depth: where a page of blocks ends, blocks not read yet hold newer entries', () => {
    const entries = mixedLog(0);
    store.insertBatch(entries);
    assert.equal(tableCount('message_log'), 0);
    const all = expected(entries, { limit: entries.length });
    for (let offset = 0; offset < entries.length; offset += 7) {
      const [first] = store.query({ offset, limit: 1 });
      assert.equal(first?.messageGuid, all[offset], `offset ${offset}`);
    }
  });

  test('a block entry reads back as stored, summary and details', () => {
    const entry = plainEntry(42);
    store.insertBatch([plainEntry(41), entry, plainEntry(43)]);
    assert.equal(tableCount('message_log'), 0);
    assert.deepEqual(store.get(entry.messageGuid), entry);
    const { receivers: _r, steps: _s, customHeaderProperties: _c, attachments: _a, ...summary } = entry;
    assert.deepEqual(store.query({ messageGuid: entry.messageGuid }), [summary satisfies MplSummary]);
    assert.equal(store.get(plainEntry(44).messageGuid), undefined, 'an id of the same time, not stored');
  });

  test('an id with characters JSON must escape is stored in a block and found by it', () => {
    const guid = plainEntry(5).messageGuid;
    // Same length and time as a UUIDv7, with a quote, a backslash and control characters at the end.
    const oddId = `${guid.slice(0, 32)}"\\\n\u0001`;
    assert.equal(oddId.length, 36);
    const odd = plainEntry(5, { messageGuid: oddId, correlationId: oddId });
    store.insertBatch([plainEntry(4), odd]);
    assert.equal(tableCount('message_log'), 0, 'both in a block');
    assert.deepEqual(store.get(odd.messageGuid), odd);
    assert.deepEqual(
      store.query({ correlationId: odd.messageGuid }).map((e) => e.messageGuid),
      [odd.messageGuid],
    );
  });

  test('retention deletes a block once all its entries are older than the cutoff', () => {
    const entries = Array.from({ length: 250 }, (_, n) => plainEntry(n));
    store.insertBatch(entries);
    assert.equal(tableCount('mpl_block'), 3, 'blocks of 1 s: entries 0-100, 101-201, 202-249');
    const cutoff = entries[150].logStart;
    assert.equal(store.hasOlderThan(cutoff), true);
    assert.equal(store.deleteOlderThan(cutoff, Number.POSITIVE_INFINITY, 1), 101);
    assert.equal(store.count(), 149);
    assert.equal(store.hasOlderThan(cutoff), false, 'the block across the cutoff waits for its last entry');
    assert.equal(store.count({ until: cutoff }), 49);
    assert.equal(store.hasOlderThan(entries[202].logStart), true);
    assert.equal(store.deleteOlderThan(entries[202].logStart), 101);
    assert.equal(store.hasOlderThan(entries[202].logStart), false);
    assert.equal(store.count(), 48);
  });

  test('queries on blocks use their indexes', () => {
    const plans: Array<[MplQuery, RegExp]> = [
      [{}, /SEARCH mpl_block USING INDEX mpl_block_start \(first_start<\?\)/],
      [
        { since: 1, until: 2 },
        /SEARCH mpl_block USING INDEX mpl_block_start \(first_start>\? AND first_start<\?\)/,
      ],
      [{ flowId: 'f' }, /SEARCH mpl_block USING INDEX mpl_block_flow \(flow_id=\? AND first_start<\?\)/],
      [
        { messageGuid: plainEntry(1).messageGuid },
        /SEARCH mpl_block USING INDEX mpl_block_start \(first_start>\? AND first_start<\?\)/,
      ],
    ];
    for (const [filter, plan] of plans) assert.match(store.plan(filter), plan, JSON.stringify(filter));
    for (const filter of [{ status: 'FAILED' as const }, { applicationMessageId: 'a' }, { messageGuid: 'x' }])
      assert.doesNotMatch(store.plan(filter), /mpl_block/, JSON.stringify(filter));
  });

  test('an entry whose message is unfinished is replaced in its row, never duplicated into a block', () => {
    store.insertBatch([plainEntry(1, { status: 'PROCESSING' })]);
    store.insertBatch([plainEntry(1), plainEntry(2)]);
    assert.equal(store.count(), 2);
    assert.equal(store.get(plainEntry(1).messageGuid)?.status, 'COMPLETED');
    assert.equal(tableCount('message_log'), 1);
    // Once final, the id is forgotten: a later final entry of another message goes to a block.
    store.insertBatch([plainEntry(3)]);
    assert.equal(tableCount('message_log'), 1);
  });

  test('a file of schema version 1 is upgraded and keeps its entries', () => {
    const old = join(dir, 'v1');
    mkdirSync(old);
    const v1 = new DatabaseSync(join(old, 'mpl.sqlite'));
    v1.exec(MIGRATIONS[0]);
    v1.exec('PRAGMA user_version = 1');
    v1.exec(`INSERT INTO message_log (message_guid, flow_id, status, log_level, log_start, log_end, sender)
      VALUES ('g-1', 'order-intake', 'COMPLETED', 'INFO', 1000, 1012, 'https')`);
    v1.close();
    const upgraded = new MplStore(old);
    try {
      assert.equal(upgraded.get('g-1')?.logEnd, 1012);
      upgraded.insertBatch([plainEntry(1)]);
      assert.deepEqual(
        upgraded.query({ limit: 5 }).map((e) => e.messageGuid),
        [plainEntry(1).messageGuid, 'g-1'],
      );
    } finally {
      upgraded.close();
    }
  });
});
