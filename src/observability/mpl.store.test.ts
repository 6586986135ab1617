import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { UserError } from '../errors.ts';
import { sampleEntry } from './mpl.fixtures.ts';
import { SCHEMA_VERSION } from './mpl.schema.ts';
import { MplStore } from './mpl.store.ts';

describe('MplStore', () => {
  let dir: string;
  let store: MplStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cw-mpl-'));
    store = new MplStore(join(dir, 'data'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates <dataDir>/mpl.sqlite in WAL mode at the current schema version', () => {
    assert.ok(existsSync(join(dir, 'data', 'mpl.sqlite')));
    const db = new DatabaseSync(store.file);
    assert.equal((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
    assert.equal(
      (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
      SCHEMA_VERSION,
    );
    db.close();
  });

  test('get returns an entry exactly as inserted, with details', () => {
    const entry = sampleEntry(1, {
      status: 'FAILED',
      error: 'backend: HTTP 500',
      applicationMessageId: 'APP-1',
      applicationMessageType: 'Order',
      customHeaderProperties: [
        ['orderId', 'O-1'],
        ['orderId', 'O-1b'],
        ['customer', 'ACME'],
      ],
      attachments: [{ name: 'payload', contentType: 'application/json', content: '{"id":1}' }],
    });
    store.insertBatch([entry]);
    assert.deepEqual(store.get(entry.messageGuid), entry);
    assert.equal(store.get('nope'), undefined);
  });

  test('inserting a guid again replaces the entry and its child rows (no duplicates)', () => {
    store.insertBatch([sampleEntry(1, { status: 'PROCESSING', customHeaderProperties: [['a', '1']] })]);
    const done = sampleEntry(1, { customHeaderProperties: [['b', '2']] });
    store.insertBatch([done, done]);
    assert.equal(store.count(), 1);
    assert.deepEqual(store.get(done.messageGuid), done);
    assert.equal(store.count({ customHeader: { name: 'a', value: '1' } }), 0);
  });

  test('a batch that fails part-way leaves nothing behind', () => {
    const bad = { ...sampleEntry(2), flowId: null } as unknown as ReturnType<typeof sampleEntry>;
    assert.throws(() => store.insertBatch([sampleEntry(1), bad]), /NOT NULL/);
    assert.equal(store.count(), 0);
    store.insertBatch([sampleEntry(3)]);
    assert.equal(store.count(), 1);
  });

  describe('query', () => {
    beforeEach(() => {
      const entries = [];
      for (let n = 0; n < 30; n++) {
        entries.push(
          sampleEntry(n, {
            flowId: n % 3 === 0 ? 'billing' : 'order-intake',
            status: n % 5 === 0 ? 'FAILED' : 'COMPLETED',
            correlationId: `corr-${n % 10}`,
            applicationMessageId: n === 7 ? 'APP-7' : undefined,
            customHeaderProperties: [
              ['orderId', `O-${n}`],
              ['customer', n % 2 === 0 ? 'ACME' : 'Globex'],
            ],
          }),
        );
      }
      store.insertBatch(entries);
    });

    const guids = (filter: Parameters<MplStore['query']>[0]) => store.query(filter).map((e) => e.messageGuid);
    const n = (k: number) => sampleEntry(k).messageGuid;

    test('lists newest first with limit and offset', () => {
      assert.deepEqual(guids({ limit: 3 }), [n(29), n(28), n(27)]);
      assert.deepEqual(guids({ limit: 2, offset: 3 }), [n(26), n(25)]);
      assert.equal(store.query().length, 30);
    });

    test('filters by flow, status and time window together', () => {
      const since = sampleEntry(10).logStart;
      const until = sampleEntry(25).logStart;
      assert.deepEqual(guids({ flowId: 'billing', status: 'FAILED', since, until }), [n(15)]);
      assert.deepEqual(guids({ flowId: 'order-intake', status: 'FAILED' }), [n(25), n(20), n(10), n(5)]);
      assert.equal(store.count({ since, until }), 15);
    });

    test('filters by correlation id, message guid and application message id', () => {
      assert.deepEqual(guids({ correlationId: 'corr-3' }), [n(23), n(13), n(3)]);
      assert.deepEqual(guids({ messageGuid: n(4) }), [n(4)]);
      assert.deepEqual(guids({ applicationMessageId: 'APP-7' }), [n(7)]);
      assert.deepEqual(guids({ correlationId: 'corr-3', status: 'FAILED' }), []);
    });

    test('filters by a custom header property, alone or with other filters', () => {
      assert.deepEqual(guids({ customHeader: { name: 'orderId', value: 'O-12' } }), [n(12)]);
      assert.equal(store.count({ customHeader: { name: 'customer', value: 'ACME' } }), 15);
      assert.deepEqual(
        guids({ customHeader: { name: 'customer', value: 'Globex' }, flowId: 'billing', status: 'FAILED' }),
        [n(15)],
      );
      // The name and value must match on the same property, not across two.
      assert.deepEqual(guids({ customHeader: { name: 'customer', value: 'O-12' } }), []);
    });

    test('every filter the CLI offers is served by an index, status within the others', () => {
      const plans: Array<[Parameters<MplStore['query']>[0], RegExp]> = [
        [{}, /SCAN m USING INDEX mpl_start/],
        [
          { since: 1, until: 2, status: 'FAILED' },
          /SEARCH m USING INDEX mpl_start \(log_start>\? AND log_start<\?\)/,
        ],
        [{ flowId: 'billing', status: 'FAILED' }, /SEARCH m USING INDEX mpl_flow \(flow_id=\?\)/],
        [{ flowId: 'billing', since: 1 }, /SEARCH m USING INDEX mpl_flow \(flow_id=\? AND log_start>\?\)/],
        [{ correlationId: 'c' }, /SEARCH m USING INDEX mpl_correlation \(correlation_id=\?\)/],
        [{ messageGuid: 'g' }, /SEARCH m USING INDEX sqlite_autoindex_message_log_1 \(message_guid=\?\)/],
        [
          { applicationMessageId: 'a' },
          /SEARCH m USING INDEX mpl_application_id \(application_message_id=\?\)/,
        ],
        [
          { customHeader: { name: 'n', value: 'v' } },
          /(SEARCH|LIST SUBQUERY).*mpl_custom_header.*\(name=\? AND value=\?\)/s,
        ],
      ];
      for (const [filter, expected] of plans)
        assert.match(store.plan(filter), expected, JSON.stringify(filter));
    });

    test('summaries leave the details out', () => {
      const [first] = store.query({ limit: 1 });
      assert.equal('steps' in first, false);
      assert.equal(first.messageGuid, n(29));
      assert.equal(first.flowId, 'order-intake');
    });

    test('rejects a bad limit, offset or time with a user error', () => {
      for (const filter of [
        { limit: 0 },
        { limit: 10_001 },
        { limit: 1.5 },
        { offset: -1 },
        { since: Number.NaN },
      ]) {
        assert.throws(
          () => store.query(filter),
          (e: unknown) => e instanceof UserError && e.code === 'CW_ERR_MPL_QUERY',
        );
      }
    });
  });

  test('deleteOlderThan removes old entries and their child rows, in chunks', () => {
    const entries = [];
    for (let k = 0; k < 2500; k++) {
      entries.push(
        sampleEntry(k, { attachments: [{ name: 'a', contentType: 'text/plain', content: String(k) }] }),
      );
    }
    store.insertBatch(entries);
    const cutoff = sampleEntry(2100).logStart;
    assert.equal(store.deleteOlderThan(cutoff), 2100);
    assert.equal(store.count(), 400);
    assert.equal(store.get(sampleEntry(2099).messageGuid), undefined);
    assert.equal(store.get(sampleEntry(2100).messageGuid)?.attachments[0].content, '2100');
    const db = new DatabaseSync(store.file);
    assert.equal((db.prepare('SELECT count(*) AS n FROM mpl_custom_header').get() as { n: number }).n, 400);
    db.close();
    assert.equal(store.deleteOlderThan(cutoff), 0);
  });

  test('an entry without details stores none and reads back with empty lists', () => {
    const bare = sampleEntry(5, { steps: [], receivers: [], customHeaderProperties: [] });
    store.insertBatch([bare]);
    assert.deepEqual(store.get(bare.messageGuid), bare);
    const db = new DatabaseSync(store.file);
    assert.equal((db.prepare('SELECT details FROM message_log').get() as { details: null }).details, null);
    db.close();
  });

  test('a message correlated by its own id is found by it, with the messages it started', () => {
    const parent = sampleEntry(1);
    const own = { ...parent, correlationId: parent.messageGuid };
    const child = sampleEntry(2, { correlationId: parent.messageGuid });
    store.insertBatch([own, child, sampleEntry(3)]);
    assert.deepEqual(
      store.query({ correlationId: parent.messageGuid }).map((e) => e.messageGuid),
      [child.messageGuid, parent.messageGuid],
    );
    assert.equal(store.get(parent.messageGuid)?.correlationId, parent.messageGuid);
    assert.equal(store.count({ correlationId: sampleEntry(3).correlationId }), 1);
  });

  test('a second connection reads what the first committed (WAL)', () => {
    store.insertBatch([sampleEntry(1)]);
    const reader = new MplStore(join(dir, 'data'));
    assert.equal(reader.count(), 1);
    reader.close();
  });

  test('refuses a file from a newer Causeway, and a file that is not SQLite', () => {
    store.close();
    const db = new DatabaseSync(store.file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(
      () => new MplStore(join(dir, 'data')),
      new RegExp(`schema version ${SCHEMA_VERSION + 1}; this Causeway knows up to ${SCHEMA_VERSION}\\.`),
    );
    const junk = join(dir, 'junk');
    new MplStore(junk).close();
    writeFileSync(join(junk, 'mpl.sqlite'), 'not a database, just text '.repeat(100));
    for (const f of ['mpl.sqlite-wal', 'mpl.sqlite-shm']) rmSync(join(junk, f), { force: true });
    assert.throws(
      () => new MplStore(junk),
      (e: unknown) => e instanceof Error && /CW_ERR_MPL_STORE/.test(String((e as any).code)),
    );
  });
});
